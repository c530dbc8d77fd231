"""A practice shift run for one student (issue 8): callers, answered lists, messages, the end.

The runner places the shift's inbound calls one at a time as simulated customers through the
PBX, gives a simulated customer to each contact of an outbound list the student reaches,
files the written messages in the inbox at their time, and journals what it does. What the
student does at the desk reaches the customer of the call through `observe` (the app passes
every journal entry), so the customer can react to an identity check or an opened article.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from crm.errors import CrmError
from crm.models import Service
from crm.services.callers import caller_for
from crm.services.inbox import IncomingMessage, NewMemo, receive_message, send_memo
from cti.agent import Agent, AgentState
from cti.ami.client import AmiClient
from cti.ami.errors import AmiError
from cti.clock import Clock
from workstation.practice.customer_line import CustomerOnLine
from workstation.practice.customer_sim import SimulatedCustomer
from workstation.practice.debrief import CallEntry, Debrief, debrief
from workstation.practice.journal_actions import action_of
from workstation.practice.scenario import CallScenario, MessageScenario, ShiftScenario
from workstation.practice.scenario_file import ScenarioLibrary

#: Journals one entry: (kind, payload, call id).
Record = Callable[[str, dict[str, Any], str | None], None]


@dataclass(frozen=True)
class PracticeDesk:
    """What the runner needs from the workstation, passed in."""

    clock: Clock
    agent: Agent
    #: A new, connected AMI session for the customers (their own line, like a trainer's).
    open_client: Callable[[], Awaitable[AmiClient]]
    record: Record
    session_factory: sessionmaker
    student_login: str
    student_name: str
    #: Extension -> service code, to read transfers as "to the technical service".
    services_by_extension: Mapping[str, str]
    reply_delay_s: float = 1.5
    #: Shown to the student once a call is over and its after-call work done (C4.2).
    on_debrief: Callable[[Debrief], None] | None = None


class PracticeShift:
    """Runs one `ShiftScenario` until its end (cancel the task to stop earlier)."""

    def __init__(
        self,
        shift: ShiftScenario,
        library: ScenarioLibrary,
        desk: PracticeDesk,
        rng: random.Random | None = None,
    ) -> None:
        self.shift = shift
        self.library = library
        self.desk = desk
        self.rng = rng or random.Random()
        self.endings: dict[str, str] = {}  # call id -> how the customer left
        self.finished = False
        self._lines: dict[str, CustomerOnLine] = {}
        self._outbound_left = {item.campaign: item.contacts for item in shift.outbound}
        self._dialled_campaign = ""
        self._client: AmiClient | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        #: Calls played by a simulated customer, until debriefed, with their journal entries.
        self._scenarios: dict[str, CallScenario] = {}
        self._entries: dict[str, list[CallEntry]] = {}

    @property
    def active_calls(self) -> tuple[str, ...]:
        """The ids of the calls a simulated customer is on right now."""
        return tuple(self._lines)

    # --- the shift ---------------------------------------------------------------------------

    async def run(self) -> None:
        """The whole shift: inbound calls and messages until `duration_s`, then the end."""
        desk = self.desk
        start = desk.clock.monotonic()
        desk.record(
            "practice.start",
            {
                "shift": self.shift.id,
                "title": self.shift.title,
                "duration_s": self.shift.duration_s,
            },
            None,
        )
        self._client = await desk.open_client()
        workers = [asyncio.create_task(self._inbound(start))]
        workers += [asyncio.create_task(self._message_at(start, m)) for m in self.shift.messages]
        try:
            await desk.clock.sleep(self.shift.duration_s)
        finally:
            for worker in workers:
                worker.cancel()
        # The call in progress goes on to its end; the shift stops bringing new work.
        while self._lines:
            await desk.clock.sleep(1.0)
        for call_id in list(self._scenarios):
            self._debrief(call_id)
        self.finished = True
        counts: dict[str, int] = {}
        for ending in self.endings.values():
            counts[ending] = counts.get(ending, 0) + 1
        desk.record(
            "practice.end",
            {"shift": self.shift.id, "calls": len(self.endings), "endings": counts},
            None,
        )
        await self.close()

    async def close(self) -> None:
        """Hang up the customers still on the line, then their AMI session."""
        for line in list(self._lines.values()):
            await line.abort()
        for task in list(self._tasks):
            task.cancel()
        if self._client is not None:
            client, self._client = self._client, None
            await client.close()

    def observe(self, kind: str, payload: Mapping[str, Any], call_id: str | None) -> None:
        """A journal entry of the student's shift: pass the actions to that call's customer."""
        if call_id is not None and kind != "practice.debrief":
            entry = CallEntry(kind, dict(payload), self.desk.clock.monotonic())
            self._entries.setdefault(call_id, []).append(entry)
        if kind == "wrapup.done" and call_id in self._scenarios and call_id not in self._lines:
            self._debrief(call_id)
        elif kind in ("practice.call", "campaign.dial"):
            # The student took the next call without after-call work (optional wrap-up).
            for done in [c for c in self._scenarios if c not in self._lines and c != call_id]:
                self._debrief(done)
        elif kind in ("call.hangup", "call.missed") and call_id not in self._scenarios:
            self._entries.pop(call_id or "", None)  # not a practice call: nothing to debrief
        if kind == "campaign.dial":
            self._dialled_campaign = str(payload.get("campaign_code", ""))
        elif kind == "call.dial_result" and call_id and payload.get("outcome") == "answered":
            self._answer_outbound(call_id)
        if call_id is None or call_id not in self._lines:
            return
        action = action_of(kind, payload, self.desk.services_by_extension)
        if action is not None:
            self._lines[call_id].did(*action)

    # --- inbound -----------------------------------------------------------------------------

    def _call_order(self) -> Iterator[CallScenario]:
        calls = [(self.library.call(c.call), c.weight) for c in self.shift.calls]
        if not calls:
            return iter(())
        if self.shift.arrivals.order == "random":
            scenarios, weights = zip(*calls, strict=True)
            return (self.rng.choices(scenarios, weights)[0] for _ in itertools.count())
        return itertools.cycle([scenario for scenario, weight in calls for _ in range(weight)])

    async def _inbound(self, start: float) -> None:
        clock = self.desk.clock
        arrivals = self.shift.arrivals
        await clock.sleep(arrivals.first_after_s)
        for scenario in self._call_order():
            # One student, one caller at a time: the next one calls once the student is
            # available again (after-call work done), so each call is debriefed whole.
            while self._lines or self.desk.agent.state is not AgentState.READY:
                await clock.sleep(1.0)
            if clock.monotonic() - start >= self.shift.duration_s:
                return
            await self._call_in(scenario)
            while self._lines:
                await clock.sleep(1.0)
            await clock.sleep(self.rng.uniform(arrivals.gap_min_s, arrivals.gap_max_s))

    async def _call_in(self, scenario: CallScenario) -> None:
        try:
            number, name = await asyncio.to_thread(self._caller, scenario)
        except CrmError as error:  # the shift goes on with the next caller
            self.desk.record("practice.error", {"scenario": scenario.id, "error": str(error)}, None)
            return
        line = self._line(scenario)
        try:
            call_id = await line.call_in(number, name, scenario.queue)
        except AmiError as error:
            line.close()
            self.desk.record("practice.error", {"scenario": scenario.id, "error": str(error)}, None)
            return
        self.desk.record(
            "practice.call",
            {**_call_facts(scenario), "caller": number},
            call_id,
        )
        self._follow(call_id, line)

    def _caller(self, scenario: CallScenario) -> tuple[str, str]:
        caller = scenario.caller
        if caller.customer:
            found = caller_for(self.desk.session_factory, caller.customer)
            if found is not None:
                return found.national, caller.name or found.name
        return caller.number or "0780000000", caller.name

    # --- outbound ----------------------------------------------------------------------------

    def _answer_outbound(self, call_id: str) -> None:
        campaign = self._dialled_campaign
        self._dialled_campaign = ""
        listing = next((o for o in self.shift.outbound if o.campaign == campaign), None)
        if listing is None or self._outbound_left.get(campaign, 0) <= 0:
            return
        self._outbound_left[campaign] -= 1
        scenario = self.library.call(listing.call)
        task = asyncio.create_task(self._join(scenario, call_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _join(self, scenario: CallScenario, call_id: str) -> None:
        line = self._line(scenario)
        try:
            await line.join(call_id)
        except AmiError as error:
            line.close()
            self.desk.record(
                "practice.error", {"scenario": scenario.id, "error": str(error)}, call_id
            )
            return
        self.desk.record(
            "practice.call",
            _call_facts(scenario),
            call_id,
        )
        self._follow(call_id, line)

    # --- both --------------------------------------------------------------------------------

    def _line(self, scenario: CallScenario) -> CustomerOnLine:
        assert self._client is not None
        customer = SimulatedCustomer(
            scenario,
            self.library.common,
            agent_name=self.desk.student_name,
            rng=random.Random(self.rng.random()),
        )
        return CustomerOnLine(
            self._client,
            self.desk.clock,
            customer,
            self.desk.record,
            reply_delay_s=self.desk.reply_delay_s,
        )

    def _debrief(self, call_id: str) -> None:
        scenario = self._scenarios.pop(call_id)
        entries = self._entries.pop(call_id, [])
        result = debrief(scenario, entries, self.desk.services_by_extension)
        self.desk.record("practice.debrief", result.payload(), call_id)
        if self.desk.on_debrief is not None:
            self.desk.on_debrief(result)

    def _follow(self, call_id: str, line: CustomerOnLine) -> None:
        self._lines[call_id] = line
        self._scenarios[call_id] = line.customer.scenario

        async def follow() -> None:
            try:
                self.endings[call_id] = await line.run()
            finally:
                self._lines.pop(call_id, None)

        task = asyncio.create_task(follow())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- messages ----------------------------------------------------------------------------

    async def _message_at(self, start: float, timed: Any) -> None:
        clock = self.desk.clock
        await clock.sleep(max(0.0, start + timed.at_s - clock.monotonic()))
        message = self.library.message(timed.message)
        try:
            await asyncio.to_thread(self._deliver, message, clock.now())
        except CrmError as error:
            self.desk.record("practice.error", {"message": message.id, "error": str(error)}, None)
            return
        self.desk.record(
            "practice.message",
            {"message": message.id, "channel": message.channel, "title": message.title},
            None,
        )

    def _deliver(self, message: MessageScenario, now: datetime) -> None:
        if message.channel == "memo":
            send_memo(
                self.desk.session_factory,
                NewMemo(
                    recipient=f"user:{self.desk.student_login}",
                    priority="high",
                    kind="memo",
                    subject=message.subject,
                    body=message.body,
                    created_at=now,
                ),
            )
            return
        sender = message.sender
        receive_message(
            self.desk.session_factory,
            IncomingMessage(
                channel=message.channel,
                language=message.language,
                sender=sender.name or sender.number,
                subject=message.subject,
                body=message.body,
                received_at=now,
                customer_number=sender.customer or None,
            ),
        )


def _call_facts(scenario: CallScenario) -> dict[str, Any]:
    """What the journal says of a practice call when it starts (for trainers and graders)."""
    return {
        "scenario": scenario.id,
        "title": scenario.title,
        "direction": scenario.direction,
        "competences": list(scenario.competences),
        "motive": scenario.motive,
    }


def services_by_extension(session_factory: sessionmaker) -> dict[str, str]:
    """Extension -> service code, from the org chart (transfers name a service)."""
    with session_factory() as session:
        rows = session.execute(select(Service.extension, Service.code)).all()
    return {extension: code for extension, code in rows}
