"""The built-in PBX's configuration: AMI accounts, queues, parking, agents and services.

A frozen value built once and handed to the PBX. `default_config()` mirrors the files shipped
in `cti/asterisk/` for the demo company (Orbelia Télécom, seed_data/company.yaml);
`reference_config()` mirrors the peer that recorded the transcripts in tests/cti/transcripts
(queues `support` and `ventes`, accounts `cti`, `supervisor` and `debug`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from gettext import gettext as _

from cti.pbx.permissions import parse_classes

#: Strategies of app_queue implemented here.
STRATEGIES = frozenset({"ringall", "rrmemory", "roundrobin"})


@dataclass(frozen=True)
class AmiAccount:
    """One `[user]` section of manager.conf."""

    username: str
    secret: str
    read: frozenset[str]
    write: frozenset[str]

    @classmethod
    def of(cls, username: str, secret: str, read: str, write: str) -> AmiAccount:
        """Build from manager.conf-style class lists (`system,call,agent` or `all`)."""
        return cls(username, secret, parse_classes(read), parse_classes(write))


@dataclass(frozen=True)
class QueueConfig:
    """One queue of queues.conf (the options the training PBX honours)."""

    name: str
    strategy: str = "rrmemory"
    timeout: float = 20.0  # seconds a member rings before AgentRingNoAnswer
    retry: float = 3.0  # pause before ringing members again
    wrapuptime: float = 0.0  # seconds a member rests after a call
    musicclass: str = "default"
    servicelevel: int = 30
    weight: int = 0

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ValueError(
                _(
                    "Stratégie de file « {strategy} » non prise en charge (au choix : {known})."
                ).format(strategy=self.strategy, known=", ".join(sorted(STRATEGIES)))
            )


@dataclass(frozen=True)
class ParkingConfig:
    """The `[default]` lot of res_parking.conf."""

    context: str = "parkedcalls"
    parkext: str = "700"
    first_space: int = 701
    last_space: int = 720
    parkingtime: float = 300.0
    comebackdialtime: float = 30.0


@dataclass(frozen=True)
class PbxConfig:
    """Everything the built-in PBX needs to know about the site."""

    accounts: tuple[AmiAccount, ...]
    queues: tuple[QueueConfig, ...]
    #: Agent handset extensions (`[agents]` `_1XX`), inclusive range.
    agent_first: int = 101
    agent_last: int = 130
    #: Internal extensions reachable in `[phones]` (services, supervisor), with their labels.
    service_extensions: tuple[tuple[str, str], ...] = ()
    #: An extension of `[phones]` that rings and never answers.
    never_answers: str = "299"
    parking: ParkingConfig = field(default_factory=ParkingConfig)
    #: Seconds a `[phones]` extension rings before answering.
    phone_answer_after: float = 2.0
    #: Seconds an external `[pstn]` number (…01) rings before answering.
    pstn_answer_after: float = 2.0
    #: Seconds after which …05 hangs up once answered.
    pstn_short_call: float = 4.0
    #: Whether any other 0XXXXXXXXX answers like …01 (the demo company: customers called
    #: back); the reference peer knows only the five test numbers.
    pstn_any_number: bool = False
    #: Whether `[internal]` `_1XX` dials the agent with option `t` (the shipped plan: the agent
    #: of a direct call may transfer it with Atxfer); the reference peer dials without it.
    internal_agent_transfer: bool = False
    #: `Dial()` timeout of `[outbound]` and `[internal]`.
    dial_timeout: float = 20.0
    #: Attended-transfer target no-answer timeout (features.conf atxfernoanswertimeout).
    atxfer_noanswer_timeout: float = 15.0
    ami_version: str = "11.0.0"
    asterisk_version: str = "22.10.1"
    system_name: str = "acvd-pbx"

    def account(self, username: str) -> AmiAccount | None:
        """The account of that user name (exact match, as manager.conf), or None."""
        for account in self.accounts:
            if account.username == username:
                return account
        return None

    def queue(self, name: str) -> QueueConfig | None:
        """The queue of that name, or None."""
        for queue in self.queues:
            if queue.name == name:
                return queue
        return None

    def is_agent(self, exten: str) -> bool:
        """True for an agent handset extension (`101`…`130` by default)."""
        return exten.isdigit() and self.agent_first <= int(exten) <= self.agent_last

    def is_phone(self, exten: str) -> bool:
        """True for an extension of `[phones]` (2XX, as the shipped extensions.conf)."""
        return len(exten) == 3 and exten.startswith("2") and exten.isdigit()


#: The read classes of the shipped CTI account (everything but dialplan/cdr/cel/security/dtmf).
CTI_READ = "system,call,log,verbose,agent,user,config,command,reporting,originate"

#: The CTI account's user name in the shipped manager.conf.
CTI_USERNAME = "cti"
#: The placeholder secret of the shipped manager.conf (trainers change it on a real Asterisk).
CTI_PLACEHOLDER_SECRET = "change-me-acvd"

#: Queues of the demo company (seed_data/company.yaml `services[].queue`).
COMPANY_QUEUES = ("accueil", "technique", "facturation", "recouvrement", "ventes", "reclamations")
#: Service extensions of the demo company (seed_data/company.yaml `services[].extension`).
COMPANY_EXTENSIONS = (
    ("200", "Accueil clients"),
    ("210", "Assistance technique niveau 2"),
    ("220", "Facturation"),
    ("230", "Recouvrement"),
    ("240", "Ventes et fidélisation"),
    ("250", "Réclamations"),
    ("260", "Supervision"),
)


def default_config(secret: str = CTI_PLACEHOLDER_SECRET) -> PbxConfig:
    """The demo company's PBX, as the files of `cti/asterisk/` describe it.

    `ventes` rings every agent at once (ringall); the other queues use rrmemory.
    """
    queues = tuple(
        QueueConfig(name, strategy="ringall" if name == "ventes" else "rrmemory")
        for name in COMPANY_QUEUES
    )
    return PbxConfig(
        accounts=(AmiAccount.of(CTI_USERNAME, secret, CTI_READ, "all"),),
        queues=queues,
        service_extensions=COMPANY_EXTENSIONS,
        pstn_any_number=True,
        internal_agent_transfer=True,
    )


def reference_config() -> PbxConfig:
    """The peer that recorded the transcripts (ami-reference/config/)."""
    return PbxConfig(
        accounts=(
            AmiAccount.of("cti", "cti-training", CTI_READ, "all"),
            AmiAccount.of("supervisor", "supervisor-ro", "call,agent,reporting", "reporting"),
            AmiAccount.of("debug", "debug-all", "all", "all"),
        ),
        queues=(QueueConfig("support", "rrmemory"), QueueConfig("ventes", "ringall")),
        agent_first=100,
        agent_last=199,
    )
