"""`acvd pbx drill`: the whole call-control sequence against any AMI server, step by step.

Every step is a recipe of the AMI reference and passes only when the events confirm it (the
agent's state machine), never on an action's Response alone. Customer calls are placed with the
reference's Originate recipe (`Local/<number>@pstn-customer/n` into `inbound`); the numbers are
those of the shipped `cti/asterisk/extensions.conf` and of the built-in PBX (`[pstn]`
0140000001 answers, …02 busy, …03 never answers, …04 congestion; `[internal]` 2XX).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from gettext import gettext as _

from cti.agent import Agent, AgentError, AgentIdentity, AgentState, DialOutcome, handset_of
from cti.ami.client import AmiClient, AmiUrl
from cti.ami.errors import AmiError, NoSuchChannel, NoSuchQueue, NotInQueue
from cti.clock import Clock


@dataclass(frozen=True)
class DrillPlan:
    """Who and what the drill uses. Defaults match the shipped configuration."""

    agent: str = "130"
    queue: str = "accueil"
    customer_number: str = "0612345678"
    customer_name: str = "Client Exercice"
    transfer_target: str = "200"
    answered_number: str = "0140000001"
    busy_number: str = "0140000002"
    no_answer_number: str = "0140000003"
    congestion_number: str = "0140000004"
    step_timeout: float = 10.0
    #: The outbound Dial gives up after 20 s on the shipped dialplan.
    no_answer_timeout: float = 45.0


@dataclass(frozen=True)
class StepResult:
    """One line of the drill's report."""

    label: str
    ok: bool
    latency_ms: float
    detail: str = ""

    def line(self) -> str:
        """The printed line: label, OK/ÉCHEC, latency, and why it failed."""
        status = _("OK") if self.ok else _("ÉCHEC")
        text = f"{self.label:<52} {status:<6} {self.latency_ms:>8.1f} ms"
        return f"{text}  {self.detail}" if self.detail else text


class StepFailed(Exception):
    """A step's check did not hold (French message)."""


class Drill:
    """Runs the steps in order; a failed step is reported and the drill goes on when it can."""

    def __init__(
        self,
        url: AmiUrl,
        clock: Clock,
        plan: DrillPlan | None = None,
        report: Callable[[StepResult], None] | None = None,
    ) -> None:
        self.url = url
        self.clock = clock
        self.plan = plan or DrillPlan()
        self.report = report or (lambda result: None)
        self.results: list[StepResult] = []
        self.client = AmiClient(url, clock, action_id_prefix="drill", reconnect=None)
        self.agent = Agent(self.client, clock, AgentIdentity(self.plan.agent))
        self._customers: list[str] = []

    @property
    def passed(self) -> bool:
        """True when every step passed."""
        return bool(self.results) and all(result.ok for result in self.results)

    async def step(
        self,
        label: str,
        act: Callable[[], Awaitable[object]],
        prepare: Callable[[], Awaitable[object]] | None = None,
    ) -> bool:
        """Run `prepare` (untimed), then `act` (timed); report one line."""
        start = self.clock.monotonic()
        try:
            if prepare is not None:
                await prepare()
                start = self.clock.monotonic()
            await act()
        except (AmiError, StepFailed) as error:
            result = StepResult(label, False, (self.clock.monotonic() - start) * 1000, str(error))
        else:
            result = StepResult(label, True, (self.clock.monotonic() - start) * 1000)
        self.results.append(result)
        self.report(result)
        return result.ok

    # --- building blocks ------------------------------------------------------------------

    async def wait(self, state: AgentState, timeout: float | None = None) -> None:
        await self.agent.wait_for_state(state, timeout or self.plan.step_timeout)

    async def place_customer_call(self) -> None:
        """The trainer's "incoming call": Originate the customer's handset into `inbound`."""
        plan = self.plan
        await self.client.action(
            "Originate",
            [
                ("Channel", f"Local/{plan.customer_number}@pstn-customer/n"),
                ("Context", "inbound"),
                ("Exten", plan.queue),
                ("Priority", "1"),
                ("CallerID", f'"{plan.customer_name}" <{plan.customer_number}>'),
                ("Async", "true"),
                ("Variable", "CUSTOMER_HANGUP_AFTER=600"),
            ],
        )
        await self.wait(AgentState.RINGING)
        assert self.agent.call is not None
        self._customers.append(self.agent.call.customer)

    async def ensure_ready(self) -> None:
        if self.agent.state is not AgentState.READY:
            await self.agent.ready()
            await self.wait(AgentState.READY)

    async def answered_call(self) -> None:
        await self.ensure_ready()
        await self.place_customer_call()
        await self.agent.answer()
        await self.wait(AgentState.TALKING)

    async def hang_up_customers(self) -> None:
        """Release customer legs left with a transfer target (quiet cleanup)."""
        for channel in self._customers:
            with contextlib.suppress(AmiError):
                await self.client.action("Hangup", [("Channel", channel), ("Cause", "16")])
        self._customers.clear()

    async def consult(self) -> None:
        await self.agent.consult(self.plan.transfer_target)
        await self.wait(AgentState.CONSULTING)

    async def consult_answered(self) -> None:
        """Consult and wait until the target picks up (DialEnd ANSWER of the target leg)."""
        prefix = f"Local/{self.plan.transfer_target}@{self.agent.transfer_context}-"
        answered = self.client.expect(
            lambda m: (
                m.event == "DialEnd"
                and m.get("DialStatus") == "ANSWER"
                and (m.get("Channel") or "").startswith(prefix)
            ),
            self.plan.step_timeout,
            _("réponse du poste {target}").format(target=self.plan.transfer_target),
        )
        try:
            await self.consult()
        except BaseException:
            answered.cancel()
            raise
        await answered

    async def expect_end(self, by: str) -> None:
        """Wait for the end of the call (CallEnded) and check who ended it."""
        agent = self.agent
        await agent.wait_until(
            lambda: agent.last_ended is not None, self.plan.step_timeout, _("fin de l'appel")
        )
        assert agent.last_ended is not None
        if agent.last_ended.by != by:
            raise StepFailed(
                _("Fin d'appel inattendue : « {got} » au lieu de « {want} ».").format(
                    got=agent.last_ended.by, want=by
                )
            )

    async def dial(self, number: str, expected: DialOutcome) -> None:
        timeout = self.plan.no_answer_timeout if expected is DialOutcome.NO_ANSWER else None
        self.agent.dial_timeout = timeout or self.plan.step_timeout
        outcome = await self.agent.dial(number)
        # End the call first, even with the wrong outcome, so that the next steps can run.
        if outcome is DialOutcome.ANSWERED:
            await self.wait(AgentState.TALKING)
            await self.agent.hangup()
            await self.wait(AgentState.WRAP_UP)
        else:
            await self.agent.wait_until(
                lambda: self.agent.call is None, self.plan.step_timeout, _("fin de l'appel")
            )
        if outcome is not expected:
            raise StepFailed(
                _("Résultat « {got} » au lieu de « {want} ».").format(
                    got=outcome.label, want=expected.label
                )
            )

    # --- the sequence -----------------------------------------------------------------------

    async def run(self) -> bool:
        """Run every step; True when all passed. The connection is always closed."""
        plan, agent = self.plan, self.agent
        try:
            if not await self.step(_("Connexion AMI (Login)"), self.client.connect):
                return False
            await self.leave_queue_quietly()
            await self.step(
                _("Connexion à la file {queue}").format(queue=plan.queue),
                lambda: self.then(agent.login([plan.queue]), AgentState.READY),
            )
            await self.step(
                _("Pause avec motif"),
                lambda: self.then(agent.pause(_("Formation")), AgentState.PAUSED),
            )
            await self.step(_("Disponible"), lambda: self.then(agent.ready(), AgentState.READY))
            await self.step(
                _("Appel entrant : le poste sonne"), self.place_customer_call, self.ensure_ready
            )
            await self.step(_("Décroché"), lambda: self.then(agent.answer(), AgentState.TALKING))
            await self.step(
                _("Mise en attente"), lambda: self.then(agent.hold(), AgentState.ON_HOLD)
            )
            await self.step(
                _("Reprise de l'appel"), lambda: self.then(agent.retrieve(), AgentState.TALKING)
            )
            await self.step(
                _("Transfert consultatif puis annulation"),
                lambda: self.consult_then(agent.cancel_consultation, AgentState.TALKING),
            )
            await self.step(
                _("Transfert consultatif abouti"), self.attended_transfer, self.talking_call
            )
            await self.step(
                _("Transfert aveugle vers le {target}").format(target=plan.transfer_target),
                self.blind_transfer,
                self.fresh_call,
            )
            await self.step(_("Le conseiller raccroche"), self.agent_hangs_up, self.fresh_call)
            await self.step(_("Le client raccroche"), self.customer_hangs_up, self.fresh_call)
            for label, number, outcome in (
                (_("Appel sortant : décroché"), plan.answered_number, DialOutcome.ANSWERED),
                (_("Appel sortant : occupé"), plan.busy_number, DialOutcome.BUSY),
                (_("Appel sortant : pas de réponse"), plan.no_answer_number, DialOutcome.NO_ANSWER),
                (
                    _("Appel sortant : réseau encombré"),
                    plan.congestion_number,
                    DialOutcome.CONGESTION,
                ),
            ):
                await self.step(
                    label,
                    lambda number=number, outcome=outcome: self.dial(number, outcome),
                    self.ensure_ready,
                )
            await self.step(
                _("Déconnexion de la file"),
                lambda: self.then(agent.logout(), AgentState.LOGGED_OUT),
            )
            await self.step(_("Déconnexion AMI (Logoff)"), self.logoff)
        finally:
            with contextlib.suppress(AmiError):
                await self.hang_up_customers()
            agent.close()
            await self.client.close()
        return self.passed

    async def then(self, action: Awaitable[object], state: AgentState) -> None:
        await action
        await self.wait(state)

    async def consult_then(self, finish: Callable[[], Awaitable[None]], state: AgentState) -> None:
        # Cancel once the target has answered, as recorded in 14: the abort keys are then read
        # by a consultation that is fully set up.
        await self.consult_answered()
        await finish()
        await self.wait(state)

    async def talking_call(self) -> None:
        if self.agent.state is not AgentState.TALKING:
            await self.fresh_call()

    async def fresh_call(self) -> None:
        await self.hang_up_customers()
        await self.answered_call()

    async def attended_transfer(self) -> None:
        self.agent.last_ended = None
        await self.consult_answered()
        await self.agent.complete_transfer()
        await self.expect_end("transfer")

    async def blind_transfer(self) -> None:
        self.agent.last_ended = None
        await self.agent.blind_transfer(self.plan.transfer_target)
        await self.expect_end("transfer")

    async def agent_hangs_up(self) -> None:
        self.agent.last_ended = None
        await self.agent.hangup()
        await self.expect_end("agent")

    async def customer_hangs_up(self) -> None:
        call = self.agent.call
        if call is None:
            raise StepFailed(_("Aucun appel en cours."))
        self.agent.last_ended = None
        # The customer's handset is the `;2` half of the customer leg (04, 16C).
        await self.client.action("Hangup", [("Channel", handset_of(call.customer))])
        self._customers.clear()
        await self.expect_end("customer")

    async def leave_queue_quietly(self) -> None:
        """A previous drill may have left the agent in the queue: remove it first."""
        with contextlib.suppress(NotInQueue, NoSuchQueue, NoSuchChannel):
            await self.client.action(
                "QueueRemove",
                [("Queue", self.plan.queue), ("Interface", self.agent.identity.interface)],
            )

    async def logoff(self) -> None:
        response = await self.client.action("Logoff")
        if response.response != "Goodbye":
            raise StepFailed(_("Réponse inattendue au Logoff : {r}").format(r=response.response))
        await self.client.close()


async def run_drill(
    url: AmiUrl,
    clock: Clock,
    plan: DrillPlan | None = None,
    report: Callable[[StepResult], None] | None = None,
) -> list[StepResult]:
    """Run the drill against the AMI server at `url`; the results, one per step."""
    drill = Drill(url, clock, plan, report)
    try:
        await drill.run()
    except AgentError as error:  # pragma: no cover - every step catches its own errors
        drill.results.append(StepResult(_("Exercice interrompu"), False, 0.0, str(error)))
    return drill.results


__all__ = ["Drill", "DrillPlan", "StepResult", "run_drill"]
