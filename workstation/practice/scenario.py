"""What a trainer writes (seed_data/scenarios/README.md): calls, messages and shifts.

Plain frozen dataclasses; `scenario_file` builds them from YAML and checks them, the simulated
customer and the shift runner only read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The référentiel's competences a scenario may exercise.
COMPETENCES: frozenset[str] = frozenset(
    [f"C1.{n}" for n in range(1, 9)]
    + [f"C2.{n}" for n in range(1, 5)]
    + [f"C3.{n}" for n in range(1, 4)]
    + [f"C4.{n}" for n in range(1, 5)]
)
MOODS: tuple[str, ...] = ("calme", "pressé", "mécontent", "agressif")
#: Starting patience by mood, out of 100.
MOOD_PATIENCE: dict[str, int] = {"calme": 100, "pressé": 75, "mécontent": 60, "agressif": 45}
LANGUAGES: tuple[str, ...] = ("fr", "en")
DIRECTIONS: tuple[str, ...] = ("inbound", "outbound")
#: How a call can end for the customer.
ENDINGS: tuple[str, ...] = ("satisfait", "neutre", "mécontent")
#: What the student can do that a scenario can react to or expect (journal-backed).
ACTIONS: tuple[str, ...] = (
    "hold",  # mise en attente
    "retrieve",  # reprise
    "transfer",  # transfert (service)
    "identity_check",  # vérification d'identité dans la fiche
    "customer_search",  # recherche du client
    "kb_search",  # recherche dans les bases
    "kb_open",  # ouverture d'un article (article)
    "qualification",  # fiche de qualification validée
    "order",  # commande enregistrée
    "appointment",  # rendez-vous pris
    "payment",  # paiement enregistré
    "payment_plan",  # échéancier accordé
    "promise",  # promesse de paiement
    "callback",  # rappel programmé
    "survey_complete",  # questionnaire terminé
    "file_update",  # fiche client mise à jour
    "memo",  # mémo envoyé (service)
    "reply",  # réponse écrite envoyée (language)
    "letter",  # courrier produit (template)
    "wrapup",  # post-appel terminé
)
MESSAGE_CHANNELS: tuple[str, ...] = ("email", "chat", "memo")


@dataclass(frozen=True)
class Intent:
    """Something the student can say, recognised by patterns (see `intents`)."""

    name: str
    patterns: dict[str, tuple[str, ...]]  # language -> patterns
    samples: dict[str, str] = field(default_factory=dict)  # language -> a model line


@dataclass(frozen=True)
class Reaction:
    """One branch of a step: when the student says `intent` or does `action`, react."""

    intent: str = ""
    action: str = ""
    target: str = ""  # the action's object: service, article, template, language
    say: str = ""
    patience: int = 0
    goto: str = ""  # next step id; "" stays in the step
    end: str = ""  # one of ENDINGS: the customer hangs up after `say`


@dataclass(frozen=True)
class Step:
    """A point of the dialogue: what the customer says on entering it and how it goes on."""

    id: str
    say: str = ""
    on: tuple[Reaction, ...] = ()
    otherwise: Reaction | None = None  # a line that matches no branch


@dataclass(frozen=True)
class Behaviour:
    """How patience moves; defaults come from the mood."""

    patience: int = 100
    silence_after_s: float = 20.0
    silence_cost_per_s: float = 1.0
    hold_after_s: float = 45.0
    hold_cost_per_s: float = 1.0
    greeting_required: bool = True


@dataclass(frozen=True)
class Expectation:
    """An action the student should perform during (or right after) the call."""

    action: str
    target: str = ""
    within_s: float | None = None  # seconds after the answer


@dataclass(frozen=True)
class Targets:
    """Timing targets in seconds (C2.2), checked by the debriefing."""

    answer_s: float = 10.0
    identify_s: float = 45.0
    talk_s: float = 300.0
    wrapup_s: float = 60.0


@dataclass(frozen=True)
class Caller:
    """Who calls (or is called): a CRM customer, or a number and a name."""

    customer: str = ""  # CL0000001
    number: str = ""
    name: str = ""


@dataclass(frozen=True)
class CallScenario:
    """One call: the caller, the motive, the dialogue and what the student should do."""

    id: str
    title: str
    competences: tuple[str, ...]
    language: str
    direction: str
    caller: Caller
    motive: str
    opening: str
    steps: tuple[Step, ...]
    queue: str = "accueil"
    context: str = ""
    mood: str = "calme"
    behaviour: Behaviour = Behaviour()
    expected: tuple[Expectation, ...] = ()
    targets: Targets = Targets()
    intents: tuple[Intent, ...] = ()
    source: str = ""  # the file it came from

    def step(self, step_id: str) -> Step:
        """The step of that id (the file check guarantees every `goto` exists)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


@dataclass(frozen=True)
class MessageScenario:
    """A written message that arrives during a shift: an e-mail, a chat, an internal memo."""

    id: str
    title: str
    competences: tuple[str, ...]
    language: str
    channel: str
    sender: Caller
    subject: str
    body: str
    context: str = ""
    expected: tuple[Expectation, ...] = ()
    answer_within_s: float = 900.0
    source: str = ""


@dataclass(frozen=True)
class TimedMessage:
    """A message of the shift and when it arrives."""

    at_s: float
    message: str


@dataclass(frozen=True)
class WeightedCall:
    """A call of the inbound mix and its weight."""

    call: str
    weight: int = 1


@dataclass(frozen=True)
class Arrivals:
    """The inbound pattern: a first call, then a random gap between calls."""

    first_after_s: float = 20.0
    gap_min_s: float = 45.0
    gap_max_s: float = 120.0
    order: str = "sequence"  # "sequence": the mix in order; "random": drawn by weight


@dataclass(frozen=True)
class OutboundList:
    """A campaign list the student calls, and the customer scenario who answers."""

    campaign: str
    call: str
    contacts: int = 3


@dataclass(frozen=True)
class ShiftScenario:
    """A practice shift: its length, who calls, which lists to call, what arrives in writing."""

    id: str
    title: str
    duration_s: float
    queues: tuple[str, ...]
    calls: tuple[WeightedCall, ...] = ()
    arrivals: Arrivals = Arrivals()
    outbound: tuple[OutboundList, ...] = ()
    messages: tuple[TimedMessage, ...] = ()
    objectives: dict[str, float] = field(default_factory=dict)
    context: str = ""
    source: str = ""


Scenario = CallScenario | MessageScenario | ShiftScenario


#: The customer's stock lines (common.yaml `reactions`), by situation.
REACTION_KINDS: tuple[str, ...] = (
    "greeting_missing",  # the student did not introduce themselves
    "hold_unannounced",  # put on hold without asking
    "long_hold",  # the hold lasted longer than hold_after_s
    "silence",  # the student said nothing for silence_after_s
    "reformulation_heard",  # a reformulation the step did not plan for
    "impatient",  # patience fell under 50
    "annoyed",  # patience fell under 25
    "hang_up",  # patience ran out: said just before hanging up
    "not_understood",  # a line that matches nothing, when the step has no `otherwise`
)


@dataclass(frozen=True)
class Common:
    """The intents every scenario knows and the customer's stock lines (common.yaml)."""

    intents: tuple[Intent, ...]
    reactions: dict[str, dict[str, tuple[str, ...]]]  # kind -> language -> lines
