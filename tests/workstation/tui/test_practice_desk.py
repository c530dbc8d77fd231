"""A practice shift at the desk (issue 8): a simulated customer calls through the built-in PBX,
the student answers and talks in the conversation panel, the customer reacts to a missing
greeting and to an article opened, a written message arrives, and the journal holds it all."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import TabbedContent

from crm import journal
from crm.models.inbox import Message
from cti.agent import AgentState
from tests.workstation.tui.test_desk import (  # noqa: F401  (fixtures)
    _until,
    data_dir,
    open_desk,
    runtime,
    seeded_sqlite,
)
from workstation.clock import VirtualClock
from workstation.practice.scenario import (
    Arrivals,
    Behaviour,
    Caller,
    CallScenario,
    Common,
    Expectation,
    Intent,
    MessageScenario,
    OutboundList,
    Reaction,
    ShiftScenario,
    Step,
    TimedMessage,
    WeightedCall,
)
from workstation.practice.scenario_file import ScenarioLibrary
from workstation.runtime import Runtime
from workstation.tui.screens.desk import DeskScreen
from workstation.tui.widgets.call_list_panel import CallListPanel
from workstation.tui.widgets.conversation_panel import ConversationPanel

COMMON = Common(
    intents=(
        Intent("greeting", {"fr": ("bonjour + orbelia + {agent}",)}),
        Intent("closing", {"fr": ("au revoir",)}),
    ),
    reactions={"greeting_missing": {"fr": ("Je suis bien chez Orbelia Télécom ?",)}},
)
CALL = CallScenario(
    id="facture",
    title="Facture plus élevée",
    competences=("C1.1",),
    language="fr",
    direction="inbound",
    caller=Caller(customer="CL0000001"),
    motive="facture",
    opening="Bonjour, ma facture est plus élevée que d'habitude.",
    steps=(
        Step(
            "motif",
            on=(
                Reaction(action="kb_open", target="FAQ-001", say="Ah, vous regardez ? Merci."),
                Reaction(intent="frais", say="Une seule fois ? Parfait.", goto="fin"),
            ),
        ),
        Step("fin", on=(Reaction(intent="closing", say="Au revoir !", end="satisfait"),)),
    ),
    behaviour=Behaviour(patience=100),
    expected=(Expectation("kb_open", "FAQ-001", within_s=60), Expectation("identity_check")),
    intents=(Intent("frais", {"fr": ("mise en service",)}),),
)
MAIL = MessageScenario(
    id="mail",
    title="Changement de RIB",
    competences=("C3.2",),
    language="fr",
    channel="email",
    sender=Caller(customer="CL0000001", name="sophie.durand@example.fr"),
    subject="Nouveau RIB",
    body="Bonjour, je change de banque. Cordialement.",
)
SHIFT = ShiftScenario(
    id="courte",
    title="Vacation courte",
    duration_s=300,
    queues=("accueil",),
    calls=(WeightedCall("facture"),),
    arrivals=Arrivals(first_after_s=3, gap_min_s=600, gap_max_s=600),
    messages=(TimedMessage(at_s=60, message="mail"),),
    objectives={"calls_handled": 1, "average_handle_time": 600},
)
LIBRARY = ScenarioLibrary(COMMON, {"facture": CALL, "mail": MAIL, "courte": SHIFT})


async def wait(pilot: Pilot, clock: VirtualClock, seconds: float) -> None:
    for _ in range(int(seconds / 0.5)):
        await clock.advance(0.5)
        await pilot.pause(0.01)


async def say(pilot: Pilot, text: str) -> None:
    await pilot.press("f12", *text, "enter")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_practice_call_in_the_conversation_panel(
    runtime: Runtime,  # noqa: F811  (the fixture of test_desk)
    clock: VirtualClock,
) -> None:
    async with open_desk(runtime, clock, practice=(SHIFT, LIBRARY)) as (app, pilot):
        desk = app.screen
        assert isinstance(desk, DeskScreen)
        await pilot.press("f3")
        await _until(pilot, lambda: type(app.screen).__name__ == "QueueLoginDialog")
        await pilot.press("tab", "enter")
        await _until(pilot, lambda: desk.agent.state is AgentState.READY)
        panel = desk.query_one(ConversationPanel)
        assert not panel.display  # nothing to show before a call
        await wait(pilot, clock, 4)
        await _until(pilot, lambda: desk.agent.state is AgentState.RINGING)
        await pilot.press("f5")
        await wait(pilot, clock, 2)
        await _until(pilot, lambda: any("plus élevée" in line for line in panel.lines))
        assert panel.display
        # No greeting: the customer wonders where they are.
        await say(pilot, "Oui ?")
        # Escape leaves the line for the current tab's first field (the identity checks).
        await pilot.press("escape")
        await pilot.pause(0.05)
        pane = desk.query_one(TabbedContent).get_pane("tab-customer")
        checkbox = app.focused
        assert checkbox is not None and pane in checkbox.ancestors
        # From a field, F12 then Escape comes back to that same field.
        await say(pilot, "Un instant, je regarde votre dossier.")
        await pilot.press("escape")
        await pilot.pause(0.05)
        assert app.focused is checkbox
        # Not to a field of a tab the student has left since: the tab would switch back.
        tabs = desk.query_one(TabbedContent)
        tabs.active = "tab-qualification"
        await pilot.pause(0.05)
        desk.query_one("#qualification Select").focus()
        await pilot.press("f12")
        tabs.active = "tab-customer"
        await pilot.pause(0.05)
        await pilot.press("escape")
        await pilot.pause(0.05)
        assert tabs.active == "tab-customer" and app.focused is not None
        assert pane in app.focused.ancestors
        await wait(pilot, clock, 2)
        await _until(pilot, lambda: any("bien chez Orbelia" in line for line in panel.lines))
        # An article opened at the desk reaches the customer through the journal.
        app.record("kb.open", {"article_id": "FAQ-001", "base": "faq", "rank": 1, "query": "x"},
                   desk.agent.call.call_id if desk.agent.call else None)  # fmt: skip
        await wait(pilot, clock, 2)
        await _until(pilot, lambda: any("vous regardez" in line for line in panel.lines))
        await say(pilot, "Ce sont les frais de mise en service, une seule fois.")
        # From the conversation line, Ctrl+K still opens the knowledge-base search.
        await pilot.press("ctrl+k")
        await pilot.pause(0.05)
        assert desk.query_one(TabbedContent).active == "tab-kb"
        await pilot.press("f12")
        await wait(pilot, clock, 2)
        await say(pilot, "Merci de votre appel, au revoir.")
        await wait(pilot, clock, 3)
        await _until(pilot, lambda: desk.agent.state is AgentState.WRAP_UP)
        lines = panel.lines
        assert "Vous : Oui ?" in lines
        assert "Client : Au revoir !" in lines
        await _until(pilot, lambda: type(app.screen).__name__ == "WrapUpDialog")
        await pilot.press("down", "enter")
        await _until(pilot, lambda: app.screen is desk)
        await clock.advance(45)  # the e-mail arrives one minute into the shift
        await pilot.pause(0.05)
        assert app.journal is not None and app.practice_shift is not None
        app.journal.flush()
        entries = list(journal.iter_entries(app.runtime.engine, app.journal.shift_id))
        kinds = [e.kind for e in entries]
        call = next(e for e in entries if e.kind == "practice.call")
        assert call.payload["scenario"] == "facture" and call.payload["caller"] == "0612345678"
        said = [(e.kind, e.payload["text"]) for e in entries if e.kind.startswith("conversation.")]
        assert said[:2] == [
            ("conversation.customer", "Bonjour, ma facture est plus élevée que d'habitude."),
            ("conversation.agent", "Oui ?"),
        ]
        end = next(e for e in entries if e.kind == "scenario.end")
        assert end.call_id == call.call_id
        assert end.payload["ending"] == "satisfait" and end.payload["patience"] == 85
        assert "practice.message" in kinds
        report = next(e for e in entries if e.kind == "practice.debrief")
        assert report.call_id == call.call_id
        assert report.payload["score"] == [1, 2]
        assert [(x["action"], x["ok"]) for x in report.payload["expected"]] == [
            ("kb_open", True),
            ("identity_check", False),
        ]
        assert report.payload["timings"]["answer_s"]["ok"] is True
        # The Équipe tab measures the shift against the practice shift's own objectives.
        goals = {g.metric: g.met for g in desk.services.team.view().goals}
        assert goals == {"calls_handled": True, "average_handle_time": True}
        with runtime.session_factory() as session:
            mail = session.scalars(select(Message).where(Message.subject == "Nouveau RIB")).one()
            assert mail.folder == "inbox" and mail.status == "unread" and mail.customer_id


OUT_CALL = CallScenario(
    id="enquete",
    title="Enquête de satisfaction",
    competences=("C1.7",),
    language="fr",
    direction="outbound",
    caller=Caller(number="0600000000", name="Contact"),
    motive="enquête",
    opening="Allô ?",
    steps=(Step("accord", on=(Reaction(intent="closing", say="Au revoir.", end="neutre"),)),),
)
OUT_SHIFT = ShiftScenario(
    id="sortante",
    title="Vacation sortante",
    duration_s=300,
    queues=("accueil",),
    outbound=(OutboundList("SATISFACTION-T4", "enquete", 1),),
)
OUT_LIBRARY = ScenarioLibrary(COMMON, {"enquete": OUT_CALL, "sortante": OUT_SHIFT})


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_contact_dialled_from_the_call_list_is_answered_by_a_simulated_customer(
    runtime: Runtime,  # noqa: F811  (the fixture of test_desk)
    clock: VirtualClock,
) -> None:
    async with open_desk(runtime, clock, practice=(OUT_SHIFT, OUT_LIBRARY)) as (app, pilot):
        desk = app.screen
        assert isinstance(desk, DeskScreen)
        desk.query_one(TabbedContent).active = "tab-calls"
        calls = desk.query_one(CallListPanel)
        await _until(pilot, lambda: bool(calls.campaigns))
        calls.query_one("#cl-campaign").focus()
        codes = [c.code for c in calls.campaigns]
        await pilot.press("enter", *["down"] * (codes.index("SATISFACTION-T4") + 1), "enter")
        await _until(pilot, lambda: calls.entry is not None)
        await pilot.press("ctrl+g")
        panel = desk.query_one(ConversationPanel)
        for _ in range(20):
            await wait(pilot, clock, 1)
            if "Client : Allô ?" in panel.lines:
                break
        assert "Client : Allô ?" in panel.lines
        await say(pilot, "Merci, au revoir.")
        await wait(pilot, clock, 4)
        assert app.journal is not None
        app.journal.flush()
        entries = list(journal.iter_entries(app.runtime.engine, app.journal.shift_id))
        call = next(e for e in entries if e.kind == "practice.call")
        assert call.payload["direction"] == "outbound" and call.payload["scenario"] == "enquete"
        end = next(e for e in entries if e.kind == "scenario.end")
        assert end.call_id == call.call_id and end.payload["by"] == "customer"
