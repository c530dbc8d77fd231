"""The student's shift end to end on the built-in PBX: log in, self-test, queues, a call
shown before it is answered, hold, consultative transfer cancelled then completed, blind
transfer, hang-up and after-call work, all journaled with the call id."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.containers import ScrollableContainer
from textual.pilot import Pilot
from textual.widgets import OptionList, TabbedContent, TabPane

from crm import journal
from crm.seeding import seed_demo_company
from cti.agent import AgentState
from seed_data import SEED_DIR
from workstation.clock import VirtualClock
from workstation.config import load_settings, with_overrides
from workstation.runtime import Runtime, build_runtime
from workstation.telephony import Telephony
from workstation.tui.app import AcvdApp
from workstation.tui.commands import DeskCommands
from workstation.tui.screens.desk import DeskScreen
from workstation.tui.widgets.call_list_panel import CallListPanel
from workstation.tui.widgets.customer_panel import CustomerPanel
from workstation.tui.widgets.inbox_panel import InboxPanel
from workstation.tui.widgets.letter_panel import LetterPanel
from workstation.tui.widgets.qualification_form import QualificationForm
from workstation.tui.widgets.softphone import SoftphoneBar
from workstation.tui.widgets.survey_panel import SurveyPanel


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared by the module's tests, so the knowledge-base index is built once."""
    return tmp_path_factory.mktemp("desk-data")


@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company seeded once for the module, copied for each SQLite test (~3 s each)."""
    path = tmp_path_factory.mktemp("desk-seed") / "seeded.sqlite3"
    clock = VirtualClock()
    settings = load_settings({"db_url": f"sqlite:///{path}"}, environ={})
    runtime = build_runtime(settings, clock)
    _seed(runtime, clock)
    runtime.close()
    return path


@pytest.fixture
def runtime(
    db_url: str, clock: VirtualClock, data_dir: Path, request: pytest.FixtureRequest
) -> Iterator[Runtime]:
    if db_url.startswith("sqlite:///"):
        shutil.copyfile(request.getfixturevalue("seeded_sqlite"), db_url.removeprefix("sqlite:///"))
    settings = load_settings({"db_url": db_url, "data_dir": str(data_dir)}, environ={})
    runtime = build_runtime(settings, clock)
    if not db_url.startswith("sqlite:///"):
        _seed(runtime, clock)
    yield runtime
    runtime.close()


def _seed(runtime: Runtime, clock: VirtualClock) -> None:
    seed_demo_company(runtime.engine, SEED_DIR, customers=20, seed=5, now=clock.now(),
                      hash_password=_fast_hash)  # fmt: skip


def _fast_hash(password: str) -> str:
    from crm.passwords import hash_password

    return _HASHES.setdefault(password, hash_password(password))


_HASHES: dict[str, str] = {}


@pytest.fixture
async def desk(runtime: Runtime, clock: VirtualClock) -> AsyncIterator[tuple[AcvdApp, Pilot]]:
    async with open_desk(runtime, clock) as opened:
        yield opened


@asynccontextmanager
async def open_desk(
    runtime: Runtime, clock: VirtualClock, practice: tuple[Any, Any] | None = None
) -> AsyncIterator[tuple[AcvdApp, Pilot]]:
    """The app, logged in as the demo student, past the self-test, at the desk (with a
    practice shift `(shift, library)` when given)."""
    app = AcvdApp(runtime, Telephony(clock), demo_calls=False, practice=practice)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"eleve", "enter", *"eleve", "enter")
        await _until(pilot, lambda: type(app.screen).__name__ == "SelfTestScreen")
        await _until(pilot, lambda: not app.screen.query_one("#proceed").disabled)
        await pilot.press("c")
        await _until(pilot, lambda: isinstance(app.screen, DeskScreen))
        yield app, pilot


async def _until(pilot: Pilot, condition: Callable[[], bool], rounds: int = 200) -> None:
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never met")


async def _advance(pilot: Pilot, clock: VirtualClock, seconds: float) -> None:
    await clock.advance(seconds)
    await pilot.pause(0.05)


def _kinds(app: AcvdApp) -> list[str]:
    assert app.journal is not None
    app.journal.flush()
    return [e.kind for e in journal.iter_entries(app.runtime.engine, app.journal.shift_id)]


async def _login_and_ring(app: AcvdApp, pilot: Pilot, clock: VirtualClock) -> str:
    desk = app.screen
    assert isinstance(desk, DeskScreen)
    if desk.agent.state is AgentState.LOGGED_OUT:
        await pilot.press("f3")
        await _until(pilot, lambda: type(app.screen).__name__ == "QueueLoginDialog")
        await pilot.press("tab", "enter")
        await _until(pilot, lambda: desk.agent.state is AgentState.READY)
    assert app.telephony.server is not None
    call_id = app.telephony.server.place_customer_call("0612345678", "accueil", "Sophie Durand")
    await _advance(pilot, clock, 1)
    await _until(pilot, lambda: desk.agent.state is AgentState.RINGING)
    return call_id


async def test_a_call_is_popped_answered_held_and_closed(
    desk: tuple[AcvdApp, Pilot], clock: VirtualClock
) -> None:
    app, pilot = desk
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    call_id = await _login_and_ring(app, pilot, clock)
    bar = screen.query_one(SoftphoneBar)
    panel = screen.query_one(CustomerPanel)
    # Screen pop: the customer is known before the student answers (C1.1).
    await _until(pilot, lambda: panel.customer_id is not None)
    assert bar.state is AgentState.RINGING and bar.caller == "0612345678"
    assert "CL0000001" in bar.customer
    # The qualification form is tied to this call and this customer.
    form = screen.query_one(QualificationForm)
    assert form.call_id == call_id and form.customer_id == panel.customer_id
    await pilot.press("f5")
    await _until(pilot, lambda: screen.agent.state is AgentState.TALKING)
    await pilot.press("f6")
    await _until(pilot, lambda: screen.agent.state is AgentState.ON_HOLD)
    await pilot.press("f6")
    await _until(pilot, lambda: screen.agent.state is AgentState.TALKING)
    await pilot.press("f8")
    await _until(pilot, lambda: type(app.screen).__name__ == "WrapUpDialog")
    # Ready is refused until the disposition is given (mandatory after-call work).
    assert screen.check_action("ready", ()) is False
    await pilot.press("down", "enter")
    await _until(pilot, lambda: app.screen is screen)
    assert screen.check_action("ready", ()) is True
    await pilot.press("f2")
    await _until(pilot, lambda: screen.agent.state is AgentState.READY)
    kinds = _kinds(app)
    for expected in ("call.ringing", "crm.screen_pop", "call.answered", "call.hold",
                     "call.retrieved", "call.hangup", "wrapup.done"):  # fmt: skip
        assert expected in kinds, expected
    assert kinds.index("crm.screen_pop") < kinds.index("call.answered")
    assert app.journal is not None
    entries = list(journal.iter_entries(app.runtime.engine, app.journal.shift_id))
    wrapup = next(e for e in entries if e.kind == "wrapup.done")
    assert wrapup.call_id == call_id and wrapup.payload["disposition"] == "EXPLICATION"
    answer = next(e for e in entries if e.kind == "ui.action" and e.payload["action"] == "answer")
    assert answer.payload["source"] == "keyboard" and answer.call_id == call_id


# The flows below exercise telephony, not the database: SQLite is enough (the first test
# runs on both backends).
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_consultative_transfer_cancelled_then_completed(
    desk: tuple[AcvdApp, Pilot], clock: VirtualClock
) -> None:
    app, pilot = desk
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    await _login_and_ring(app, pilot, clock)
    await pilot.press("f5")
    await _until(pilot, lambda: screen.agent.state is AgentState.TALKING)
    # Transfer: the caller is put on hold before the destination list opens.
    await pilot.press("f7")
    await _until(pilot, lambda: type(app.screen).__name__ == "TransferDialog")
    await _until(pilot, lambda: screen.agent.state is AgentState.ON_HOLD)
    await pilot.press("down", "enter")  # 210, assistance technique: consult first
    await _advance(pilot, clock, 3)
    await _until(pilot, lambda: screen.agent.state is AgentState.CONSULTING)
    await pilot.press("f6")  # take the caller back
    await _advance(pilot, clock, 1)
    await _until(pilot, lambda: screen.agent.state is AgentState.TALKING)
    await pilot.press("f7")
    await _until(pilot, lambda: type(app.screen).__name__ == "TransferDialog")
    await pilot.press("down", "enter")
    await _advance(pilot, clock, 3)
    await _until(pilot, lambda: screen.agent.state is AgentState.CONSULTING)
    await pilot.press("f7")  # complete
    await _advance(pilot, clock, 1)
    await _until(pilot, lambda: screen.agent.state is not AgentState.CONSULTING)
    kinds = _kinds(app)
    assert kinds.count("transfer.consult_start") == 2
    assert "transfer.consult_end" in kinds
    assert app.journal is not None
    entries = list(journal.iter_entries(app.runtime.engine, app.journal.shift_id))
    done = [e for e in entries if e.kind == "wrapup.done"]
    assert done and done[-1].payload["disposition"] == "TRANSFERT" and done[-1].payload["automatic"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_blind_transfer_and_keys_follow_the_state(
    desk: tuple[AcvdApp, Pilot], clock: VirtualClock
) -> None:
    app, pilot = desk
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    assert screen.check_action("answer", ()) is False  # nothing rings yet
    await _login_and_ring(app, pilot, clock)
    assert screen.check_action("answer", ()) is True
    assert screen.check_action("hold", ()) is False
    # The command palette offers exactly what the keys offer now.
    offered = {description for description, _a, _k in DeskCommands(screen)._available()}
    assert {"Décrocher", "Raccrocher", "Aide"} <= offered and "Attente" not in offered
    await pilot.press("f5")
    await _until(pilot, lambda: screen.agent.state is AgentState.TALKING)
    await pilot.press("f7")
    await _until(pilot, lambda: type(app.screen).__name__ == "TransferDialog")
    await pilot.press("down", "down", "ctrl+d")  # 220 facturation, direct
    await _advance(pilot, clock, 1)
    await _until(pilot, lambda: "transfer.completed" in _kinds(app))
    assert screen.query_one(TabbedContent).active == "tab-customer"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_wrong_password_is_refused_in_french_and_journals_nothing(
    runtime: Runtime, clock: VirtualClock
) -> None:
    app = AcvdApp(runtime, Telephony(clock), demo_calls=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"eleve", "enter", *"mauvais", "enter")
        error = app.screen.query_one("#login-error")
        await _until(pilot, lambda: "incorrect" in str(error.render()))
        assert str(error.render()) == "Identifiant ou mot de passe incorrect."
        assert type(app.screen).__name__ == "LoginScreen" and app.journal is None
        assert app.screen.query_one("#password").value == ""


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_the_desk_survives_the_pbx_going_away_and_coming_back(
    desk: tuple[AcvdApp, Pilot], clock: VirtualClock
) -> None:
    app, pilot = desk
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    call_id = await _login_and_ring(app, pilot, clock)
    await pilot.press("f5")
    await _until(pilot, lambda: screen.agent.state is AgentState.TALKING)
    server = app.telephony.server
    assert server is not None and server.address is not None
    host, port = server.address
    await server.stop()  # like "core restart now" on a real Asterisk
    await _advance(pilot, clock, 1)
    bar = screen.query_one(SoftphoneBar)
    await _until(pilot, lambda: not bar.link_ok)
    assert screen.is_attached  # no crash: the desk is still there, under the wrap-up dialog
    await server.start(host, port)
    for _ in range(20):
        await _advance(pilot, clock, 1)
        if bar.link_ok:
            break
    await _until(pilot, lambda: bar.link_ok)
    await _until(pilot, lambda: screen.agent.queues == {"accueil"})
    kinds = _kinds(app)
    assert app.journal is not None
    entries = list(journal.iter_entries(app.runtime.engine, app.journal.shift_id))
    dropped = next(e for e in entries if e.kind == "call.hangup")
    assert dropped.call_id == call_id and dropped.payload["by"] == "lost"
    links = [e.payload["state"] for e in entries if e.kind == "pbx.link"]
    assert links[-1] == "connected" and len(links) >= 2
    assert kinds[-1] == "queue.login"  # membership re-added after the restart


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_timed_wrap_up_records_the_default_code_when_time_runs_out(
    runtime: Runtime, clock: VirtualClock
) -> None:
    runtime.settings = with_overrides(runtime.settings, wrapup_mode="timed", wrapup_seconds=5)
    async with open_desk(runtime, clock) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, DeskScreen)
        await _login_and_ring(app, pilot, clock)
        await pilot.press("f5")
        await _until(pilot, lambda: screen.agent.state is AgentState.TALKING)
        await pilot.press("f8")
        await _until(pilot, lambda: type(app.screen).__name__ == "WrapUpDialog")
        countdown = app.screen.query_one("#countdown")
        assert "dans 5 s" in str(countdown.render())
        await _advance(pilot, clock, 2)
        assert "dans 3 s" in str(countdown.render())
        await _advance(pilot, clock, 4)
        await _until(pilot, lambda: app.screen is screen)
        assert app.journal is not None
        app.journal.flush()
        entries = list(journal.iter_entries(app.runtime.engine, app.journal.shift_id))
        done = next(e for e in entries if e.kind == "wrapup.done")
        assert done.payload["disposition"] == "INFORMATION"
        assert screen.check_action("ready", ()) is True


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_dialling_from_a_customer_card_offers_its_number(
    desk: tuple[AcvdApp, Pilot], clock: VirtualClock
) -> None:
    app, pilot = desk
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    panel = screen.query_one(CustomerPanel)
    customer = screen.customers.find_by_phone("0612345678")
    assert customer is not None
    panel.show_customer(customer.id)
    await _until(pilot, lambda: panel.card is not None)
    await pilot.press("f9")
    await _until(pilot, lambda: type(app.screen).__name__ == "DialDialog")
    assert app.screen.query_one("#number").value == "0612345678"
    await pilot.press("enter")
    await _advance(pilot, clock, 1)
    await _until(pilot, lambda: "call.ringing" in _kinds(app))
    await _advance(pilot, clock, 3)  # the customer picks up after 2 s
    await _until(pilot, lambda: screen.agent.state is AgentState.TALKING)
    assert app.journal is not None
    entries = list(journal.iter_entries(app.runtime.engine, app.journal.shift_id))
    dial = next(e for e in entries if e.kind == "ui.action" and e.payload["action"] == "dial")
    assert dial.payload["number"] == "0612345678"
    ringing = next(e for e in entries if e.kind == "call.ringing")
    assert ringing.payload["direction"] == "outbound"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_screens_at_80x24_read_in_full(
    runtime: Runtime, clock: VirtualClock, snapshot: Callable[..., None]
) -> None:
    """Login, desk with a caller popped, and the transfer list, at the smallest size."""
    app = AcvdApp(runtime, Telephony(clock), demo_calls=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        snapshot(app, "login-80x24")
        await pilot.press(*"eleve", "enter", *"eleve", "enter")
        await _until(pilot, lambda: type(app.screen).__name__ == "SelfTestScreen")
        await _until(pilot, lambda: not app.screen.query_one("#proceed").disabled)
        await pilot.press("c")
        await _until(pilot, lambda: isinstance(app.screen, DeskScreen))
        screen = app.screen
        assert isinstance(screen, DeskScreen)
        await _login_and_ring(app, pilot, clock)
        panel = screen.query_one(CustomerPanel)
        await _until(pilot, lambda: panel.card is not None and panel.activity is not None)
        await pilot.pause(0.2)
        snapshot(app, "desk-ringing-80x24")
        await pilot.press("f5")
        await _until(pilot, lambda: screen.agent.state is AgentState.TALKING)
        await pilot.press("f7")
        await _until(pilot, lambda: type(app.screen).__name__ == "TransferDialog")
        await pilot.pause(0.2)
        snapshot(app, "transfer-80x24")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_survey_contact_dialled_from_the_call_list_opens_the_questionnaire(
    desk: tuple[AcvdApp, Pilot], clock: VirtualClock
) -> None:
    app, pilot = desk
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    calls = screen.query_one(CallListPanel)
    await _until(pilot, lambda: bool(calls.campaigns))
    calls.choose_campaign("SATISFACTION-T4")
    await _until(pilot, lambda: bool(calls.entries))
    calls.preview(calls.entries[0].id)
    await _until(pilot, lambda: calls.entry is not None)
    assert calls.entry is not None
    customer_id = calls.entry.customer.id
    calls.action_dial()
    await _advance(pilot, clock, 1)
    await _until(pilot, lambda: screen.agent.state is AgentState.RINGING)
    await _advance(pilot, clock, 3)  # the contact answers after 2 s
    await _until(pilot, lambda: screen.agent.state is AgentState.TALKING)
    survey = screen.query_one(SurveyPanel)
    await _until(pilot, lambda: survey.campaign_code == "SATISFACTION-T4")
    assert survey.customer_id == customer_id and survey.call_id is not None
    assert screen.query_one(TabbedContent).active == "tab-survey"
    assert "campaign.dial" in _kinds(app)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_ctrl_t_hands_the_keys_to_the_new_tab(
    desk: tuple[AcvdApp, Pilot], clock: VirtualClock
) -> None:
    app, pilot = desk
    tabs = app.screen.query_one(TabbedContent)
    focused_inside = 0
    for _ in range(len(tabs.query(TabPane))):
        await pilot.press("ctrl+t")
        await pilot.pause(0.05)
        pane = tabs.get_pane(tabs.active)
        focused = app.focused
        assert focused is None or pane in focused.ancestors, (tabs.active, focused)
        focused_inside += focused is not None and not isinstance(focused, ScrollableContainer)
    assert tabs.active == "tab-customer"  # all the way round, never sent back
    assert focused_inside >= 10  # nearly every tab takes the keys at once


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_message_opened_between_calls_brings_its_writer_on_the_desk(
    desk: tuple[AcvdApp, Pilot], clock: VirtualClock
) -> None:
    app, pilot = desk
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    screen.query_one(TabbedContent).active = "tab-inbox"
    inbox = screen.query_one(InboxPanel)
    await _until(pilot, lambda: bool(inbox.shown))
    index = next(i for i, m in enumerate(inbox.shown) if m.customer_id is not None)
    options = screen.query_one("#ip-list", OptionList)
    options.focus()
    options.highlighted = index
    await pilot.press("enter")
    panel = screen.query_one(CustomerPanel)
    await _until(pilot, lambda: panel.customer_id == inbox.shown[index].customer_id)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_what_an_activity_records_is_read_again_on_the_card(
    desk: tuple[AcvdApp, Pilot], clock: VirtualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, pilot = desk
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    panel = screen.query_one(CustomerPanel)
    refreshed: list[int] = []
    monkeypatch.setattr(panel, "refresh_activity", lambda: refreshed.append(1))
    letters = screen.query_one(LetterPanel)
    letters.post_message(LetterPanel.LetterRecorded("bienvenue", 1, 7, "/tmp/l.docx", "courrier"))
    await _until(pilot, lambda: refreshed == [1])
    assert "letter.recorded" in _kinds(app)
