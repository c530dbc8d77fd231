"""Every seed call scenario played to its end by the model student, on the built-in PBX and
the virtual clock, through the practice shift runner, with the journal checked afterwards
(issue 8: "Tests run every seed scenario to the end with a scripted student")."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crm import journal
from crm.seeding import seed_demo_company
from cti.agent import Agent, AgentIdentity, AgentState
from cti.ami.client import AmiClient
from seed_data import SEED_DIR
from workstation.call_journal import journal_record
from workstation.clock import VirtualClock
from workstation.config import load_settings
from workstation.practice.model_student import Action, Line, Move, model_moves
from workstation.practice.scenario import Arrivals, OutboundList, ShiftScenario, WeightedCall
from workstation.practice.scenario_file import SCENARIOS_DIR, ScenarioLibrary, load_library
from workstation.practice.shift import PracticeDesk, PracticeShift, services_by_extension
from workstation.runtime import Runtime, build_runtime

CALL_FILES = sorted((SCENARIOS_DIR / "appels").glob("*.yaml"))

#: What the desk journals when the student does an action the PBX does not see.
DESK_ENTRIES: dict[str, tuple[str, dict[str, Any]]] = {
    "identity_check": ("crm.identity_check", {"verified": True, "checked_items": ["nom"]}),
    "customer_search": ("crm.search", {"query": "durand"}),
    "kb_search": ("kb.search", {"query": "facture"}),
    "kb_open": ("kb.open", {}),
    "qualification": ("form.submit", {"form": "qualification"}),
    "order": ("sales.order", {}),
    "appointment": ("sales.appointment", {}),
    "payment": ("sales.payment", {}),
    "payment_plan": ("collection.plan", {}),
    "promise": ("collection.promise", {}),
    "callback": ("collection.callback", {}),
    "survey_complete": ("survey.completed", {}),
    "file_update": ("crm.file_updated", {}),
    "memo": ("memo.sent", {}),
    "reply": ("message.answered", {}),
    "letter": ("letter.produced", {}),
    "wrapup": ("wrapup.done", {}),
}
TARGET_FIELD = {"kb_open": "article_id", "memo": "recipient", "reply": "language",
                "letter": "template"}  # fmt: skip


@pytest.fixture(scope="module")
def library() -> ScenarioLibrary:
    return load_library()


@pytest.fixture(scope="module")
def module_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    data = tmp_path_factory.mktemp("seed-scenarios")
    settings = load_settings({"db_url": f"sqlite:///{data / 'crm.sqlite'}",
                              "data_dir": str(data)}, environ={})  # fmt: skip
    clock = VirtualClock()
    runtime = build_runtime(settings, clock)
    seed_demo_company(runtime.engine, SEED_DIR, customers=20, seed=5, now=clock.now())
    yield runtime
    runtime.close()


async def until(clock: VirtualClock, predicate: Any, limit: float = 120.0) -> None:
    for _ in range(int(limit / 0.25)):
        if predicate():
            return
        await clock.advance(0.25)
    raise AssertionError("condition not reached in time")


def test_the_seed_has_the_scenarios_the_referentiel_asks_for(library: ScenarioLibrary) -> None:
    competences = {c for call in library.calls for c in call.competences}
    assert {f"C1.{n}" for n in range(1, 9)} <= competences
    assert any(call.direction == "outbound" for call in library.calls)
    assert {m.language for m in library.messages} >= {"fr", "en"}
    assert len(library.shifts) >= 2


@pytest.mark.parametrize("path", CALL_FILES, ids=[p.stem for p in CALL_FILES])
async def test_the_model_student_plays_the_scenario_to_its_end(
    path: Path,
    library: ScenarioLibrary,
    module_runtime: Runtime,
    ami: Callable[[], Awaitable[AmiClient]],
    clock: VirtualClock,
) -> None:
    scenario = next(
        c for c in library.calls if Path(c.source).name == path.name or c.id == path.stem
    )
    moves = model_moves(scenario, library.common)
    outbound = scenario.direction == "outbound"
    shift = ShiftScenario(
        id="rehearsal", title=scenario.title, duration_s=1800, queues=(scenario.queue,),
        calls=() if outbound else (WeightedCall(scenario.id),),
        arrivals=Arrivals(first_after_s=1, gap_min_s=3600, gap_max_s=3600),
        outbound=(OutboundList("REHEARSAL", scenario.id, 1),) if outbound else (),
    )  # fmt: skip
    desk = await Rehearsal.open(shift, library, module_runtime, ami, clock)
    running = asyncio.ensure_future(desk.practice.run())
    if outbound:
        desk.record("campaign.dial", {"campaign_code": "REHEARSAL"}, None)
        dial = asyncio.ensure_future(desk.agent.dial(scenario.caller.number or "0612345678"))
        await until(clock, dial.done)
    else:
        await desk.answer()
    await desk.play(moves)
    await until(clock, lambda: desk.agent.call is None)
    desk.wrap_up()
    running.cancel()
    await desk.close()
    engine, writer = desk.engine, desk.writer

    entries = list(journal.iter_entries(engine, writer.shift_id))
    end = next(e for e in entries if e.kind == "scenario.end")
    assert end.payload["by"] == "customer", end.payload
    assert end.payload["ending"] in ("satisfait", "neutre"), end.payload
    (report,) = [e for e in entries if e.kind == "practice.debrief"]
    assert report.payload["score"][0] == report.payload["score"][1], report.payload
    timings = report.payload["timings"]
    assert all(t["ok"] in (True, None) for t in timings.values()), timings
    said = [e.kind for e in entries if e.kind.startswith("conversation.")]
    assert said.count("conversation.agent") == sum(isinstance(m, Line) for m in moves)
    assert "conversation.customer" in said
    assert entries[-1].mono_ns < 600 * 1e9  # the rehearsal fits in ten virtual minutes
    writer.close()


class Rehearsal:
    """A student desk for the model student: the agent, the journal, the practice shift."""

    def __init__(self, runtime: Runtime, writer: journal.JournalWriter, agent: Agent,
                 clock: VirtualClock, clients: list[AmiClient]) -> None:  # fmt: skip
        self.engine = runtime.engine
        self.writer = writer
        self.agent = agent
        self.clock = clock
        self.clients = clients
        self.extensions = services_by_extension(runtime.session_factory)
        self.practice: PracticeShift
        self.last_call = ""

    @classmethod
    async def open(
        cls,
        shift: ShiftScenario,
        library: ScenarioLibrary,
        runtime: Runtime,
        ami: Callable[[], Awaitable[AmiClient]],
        clock: VirtualClock,
    ) -> Rehearsal:
        writer = journal.JournalWriter.start_shift(runtime.engine, "eleve", clock, title=shift.id)
        clients = [await ami(), await ami()]
        agent = Agent(clients[0], clock, AgentIdentity("101", "Camille Martin"), wrap_up=False)
        desk = cls(runtime, writer, agent, clock, clients)
        agent.subscribe(desk._on_event)

        async def open_client() -> AmiClient:
            return clients[1]

        desk.practice = PracticeShift(
            shift, library,
            PracticeDesk(
                clock=clock, agent=agent, open_client=open_client, record=desk.record,
                session_factory=runtime.session_factory, student_login="eleve",
                student_name="Camille Martin", services_by_extension=desk.extensions,
                reply_delay_s=1.0,
            ),
        )  # fmt: skip
        login = asyncio.ensure_future(agent.login(list(shift.queues)))
        await until(clock, login.done)
        return desk

    def record(self, kind: str, payload: dict[str, Any], call_id: str | None) -> None:
        if kind == "practice.call" and call_id is not None:
            self.last_call = call_id
        self.writer.append(kind, payload, call_id)
        self.practice.observe(kind, payload, call_id)

    def _on_event(self, event: object) -> None:
        entry = journal_record(event)  # type: ignore[arg-type]
        if entry is not None:
            self.record(*entry)

    async def answer(self, limit: float = 120.0) -> None:
        await until(self.clock, lambda: self.agent.state is AgentState.RINGING, limit)
        answer = asyncio.ensure_future(self.agent.answer())
        await until(self.clock, answer.done)

    async def play(self, moves: list[Move]) -> None:
        """Say and do the moves three seconds apart, then wait for the customer to leave."""
        await until(self.clock, lambda: bool(self.practice.active_calls))
        by_code = {code: extension for extension, code in self.extensions.items()}
        for move in moves:
            await self.clock.advance(3.0)
            call = self.agent.call
            assert call is not None, f"the customer left before {move}"
            if isinstance(move, Line):
                await self.agent.say(move.text)
            else:
                await act(self.agent, move, self.record, call.call_id, by_code)
        await until(self.clock, lambda: not self.practice.active_calls)

    def wrap_up(self) -> None:
        """The disposition of the call just ended, as the desk journals it."""
        self.record("wrapup.done", {"disposition": "INFORMATION"}, self.last_call)

    async def close(self) -> None:
        await self.practice.close()
        self.agent.close()


async def act(
    agent: Agent, move: Action, record: Any, call_id: str, extensions: dict[str, str]
) -> None:
    """Do what the scenario expects: telephony on the PBX, the rest as the desk journals it."""
    if move.action in ("hold", "retrieve"):
        await (agent.hold() if move.action == "hold" else agent.retrieve())
        return
    if move.action == "transfer":
        await agent.blind_transfer(extensions.get(move.target, move.target))
        return
    kind, payload = DESK_ENTRIES[move.action]
    payload = dict(payload)
    if move.action in TARGET_FIELD:
        target = f"service:{move.target}" if move.action == "memo" else move.target
        payload[TARGET_FIELD[move.action]] = target
    record(kind, payload, call_id)


async def test_the_20_minute_seed_shift_played_by_the_model_student(
    library: ScenarioLibrary,
    module_runtime: Runtime,
    ami: Callable[[], Awaitable[AmiClient]],
    clock: VirtualClock,
) -> None:
    shift = library.shift("vacation-accueil-20min")
    desk = await Rehearsal.open(shift, library, module_runtime, ami, clock)
    running = asyncio.ensure_future(desk.practice.run())
    played: list[str] = []
    while not running.done():
        try:
            await desk.answer(limit=240.0)
        except AssertionError:
            break  # no caller any more: the shift is ending
        await until(clock, lambda: bool(desk.practice.active_calls))
        line = desk.practice._lines[desk.practice.active_calls[0]]
        played.append(line.customer.scenario.id)
        await desk.play(model_moves(line.customer.scenario, library.common))
        await until(clock, lambda: desk.agent.call is None)
        desk.wrap_up()
    await until(clock, running.done, limit=shift.duration_s)
    await desk.close()
    entries = list(journal.iter_entries(desk.engine, desk.writer.shift_id))
    kinds = [e.kind for e in entries]
    mix = [c.call for c in shift.calls for _ in range(c.weight)]  # "sequence": in order
    assert played == list(itertools.islice(itertools.cycle(mix), len(played)))
    assert len(played) >= len(mix)
    assert kinds.count("practice.call") == len(played) == kinds.count("practice.debrief")
    scores = [e.payload["score"] for e in entries if e.kind == "practice.debrief"]
    assert all(done == expected for done, expected in scores), scores
    endings = [e.payload["ending"] for e in entries if e.kind == "scenario.end"]
    assert set(endings) <= {"satisfait", "neutre"}, endings
    assert kinds.count("practice.message") == len(shift.messages)
    end = next(e for e in entries if e.kind == "practice.end")
    assert end.payload["calls"] == len(played)
    assert (end.mono_ns - entries[0].mono_ns) / 1e9 >= shift.duration_s
    desk.writer.close()
