"""Quick notes during a call (F10, C3.1) and the memo tray of the Mémo tab (C4.1, C4.3), on
the whole desk with the built-in PBX: rows in the CRM, entries in the journal, refusals that
save nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static, TabbedContent

from crm import journal
from crm.journal import JournalEntry
from crm.models import Customer, Interaction, User
from crm.models.inbox import Memo
from crm.services import interactions
from crm.services.call_notes import NOTE_MOTIVE
from crm.services.inbox import NewMemo, send_memo
from cti.agent import AgentState
from tests.workstation.tui.test_desk import (  # noqa: F401  (fixtures)
    _advance,
    _login_and_ring,
    _until,
    data_dir,
    desk,
    runtime,
    seeded_sqlite,
)
from workstation.clock import VirtualClock
from workstation.tui.app import AcvdApp
from workstation.tui.screens.desk import DeskScreen
from workstation.tui.widgets.customer_panel import CustomerPanel
from workstation.tui.widgets.memo_tray import MemoTray
from workstation.tui.widgets.note_bar import NoteBar


def _entries(app: AcvdApp) -> list[JournalEntry]:
    assert app.journal is not None
    app.journal.flush()
    return list(journal.iter_entries(app.runtime.engine, app.journal.shift_id))


def _notes(app: AcvdApp) -> list[Interaction]:
    with app.runtime.session_factory() as session:
        return list(
            session.scalars(
                select(Interaction)
                .where(Interaction.channel == "note", Interaction.motive == NOTE_MOTIVE)
                .order_by(Interaction.id)
            )
        )


def _status(bar: NoteBar) -> str:
    return str(bar.query_one("#nb-status", Static).render())


async def _write(pilot: Pilot, bar: NoteBar, text: str) -> None:
    await pilot.press("f10")
    await _until(pilot, lambda: bar.is_open and bar.query_one(Input).has_focus)
    bar.query_one(Input).value = text
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_notes_during_a_call_are_kept_with_it(
    desk: tuple[AcvdApp, Pilot],  # noqa: F811
    clock: VirtualClock,
) -> None:
    app, pilot = desk
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    bar = screen.query_one(NoteBar)
    assert not bar.is_open  # nothing on screen until F10

    # No call yet: refused in French, nothing saved, the refusal journaled.
    await _write(pilot, bar, "Rappeler demain")
    assert bar.is_open and "Aucun appel en cours" in _status(bar)
    assert _notes(app) == []
    invalid = [e for e in _entries(app) if e.kind == "form.invalid"]
    assert invalid and invalid[-1].payload["errors"][0].startswith("FieldError(field='appel'")
    await pilot.press("escape")
    assert not bar.is_open

    call_id = await _login_and_ring(app, pilot, clock)
    panel = screen.query_one(CustomerPanel)
    await _until(pilot, lambda: panel.customer_id is not None)
    await pilot.press("f5")
    await _until(pilot, lambda: screen.agent.state is AgentState.TALKING)
    # The student works in another tab with the cursor in a field; F10 still reaches the bar,
    # and Enter brings the cursor back to that field.
    screen.query_one(TabbedContent).active = "tab-memo"
    await pilot.pause()
    subject = screen.query_one("#mf-objet", Input)
    subject.focus()
    await pilot.pause()
    await _advance(pilot, clock, 30)
    await _write(pilot, bar, "  Box redémarrée deux fois, voyant DSL rouge  ")
    assert not bar.is_open and subject.has_focus

    # An empty note: refused beside the bar, nothing saved.
    await _write(pilot, bar, "   ")
    assert bar.is_open and "obligatoire" in _status(bar)
    await pilot.press("escape")

    [note] = _notes(app)
    with app.runtime.session_factory() as session:
        sophie = session.scalars(select(Customer.id).where(Customer.number == "CL0000001")).one()
        eleve = session.scalars(select(User.id).where(User.login == "eleve")).one()
    assert (note.call_id, note.customer_id, note.agent_id) == (call_id, sophie, eleve)
    assert (note.direction, note.summary) == (
        "internal",
        "Box redémarrée deux fois, voyant DSL rouge",
    )
    assert note.started_at == clock.now().replace(microsecond=note.started_at.microsecond)

    added = [e for e in _entries(app) if e.kind == "note.add"]
    assert len(added) == 1 and added[0].call_id == call_id
    assert added[0].payload["note_id"] == note.id and added[0].payload["count"] == 1
    assert added[0].payload["text"] == "Box redémarrée deux fois, voyant DSL rouge"
    opened = [
        e for e in _entries(app) if e.kind == "ui.action" and e.payload["action"] == "note_open"
    ]
    assert len(opened) == 3

    # On the card on screen at once, and in the customer history, with its call.
    assert panel.card is not None and panel.card.last_interactions[0].id == note.id
    history = interactions.history(app.runtime.session_factory, sophie, page_size=5).items
    assert (history[0].channel, history[0].call_id) == ("note", call_id)


async def test_the_memo_tab_shows_the_service_tray(
    desk: tuple[AcvdApp, Pilot],  # noqa: F811
    clock: VirtualClock,
) -> None:
    app, pilot = desk
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    factory = app.runtime.session_factory
    with factory() as session:
        eleve = session.scalars(select(User.id).where(User.login == "eleve")).one()
    urgent = send_memo(
        factory,
        NewMemo("service:accueil", "urgent", "anomaly", "Serveur de facturation en panne",
                "Ne plus annoncer de montant avant 14 h.", clock.now(), author_id=eleve),
    )  # fmt: skip
    screen.query_one(TabbedContent).active = "tab-memo"
    tray = screen.query_one(MemoTray)
    # The agent's own service (accueil) by default; the urgent memo first.
    await _until(pilot, lambda: bool(tray.memos) and tray.memos[0].id == urgent.id)
    assert tray.service_code == "accueil"
    table = tray.query_one("#mt-list", DataTable)
    first = [str(cell) for cell in table.get_row_at(0)]
    assert first[:3] == ["●", "‼ Urgente", "Anomalie"]
    assert first[4] == "Camille Martin"
    assert any(m.subject == "Incident fibre en cours à Villeurbanne" for m in tray.memos)

    table.focus()
    table.move_cursor(row=0)
    await pilot.press("enter")
    await _until(pilot, lambda: tray.memos[0].status == "read")
    assert "Ne plus annoncer de montant avant 14 h." in str(
        tray.query_one("#mt-detail", Static).render()
    )
    await pilot.press("ctrl+o")
    await _until(pilot, lambda: tray.memos and tray.memos[0].status == "done")
    with factory() as session:
        assert session.get(Memo, urgent.id).status == "done"
    status = tray.query_one("#mt-status", Static)
    assert "« Serveur de facturation en panne » classé traité." in str(status.render())
    await pilot.press("ctrl+o")  # filed twice: said, not journaled again
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert "déjà classé traité" in str(status.render())

    kinds = [(e.kind, e.payload) for e in _entries(app) if e.kind.startswith("memo.")]
    assert ("memo.read", {"memo_id": urgent.id, "service_code": "accueil", "kind": "anomaly",
                          "priority": "urgent", "was_unread": True}) in kinds  # fmt: skip
    assert kinds.count(("memo.done", {"memo_id": urgent.id, "service_code": "accueil"})) == 1
    assert any(kind == "memo.tray" for kind, _payload in kinds)

    # Another service's tray, chosen from the org chart.
    tray.query_one("#mt-service", Select).value = "recouvrement"
    await _until(pilot, lambda: tray.service_code == "recouvrement" and bool(tray.memos))
    await _until(pilot, lambda: tray.memos[0].subject == "Échéancier de M. Lucas Moreau")

    # Nothing selected (an empty tray): filing is refused and nothing changes.
    with factory() as session:
        before = session.scalar(select(func.count()).select_from(Memo).where(Memo.status == "done"))
    tray.query_one("#mt-service", Select).value = "reclamations"
    await _until(pilot, lambda: tray.service_code == "reclamations" and tray.memos == ())
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    tray.query_one("#mt-list", DataTable).focus()
    await pilot.press("ctrl+o")
    await pilot.pause()
    assert "Aucun mémo sélectionné" in str(tray.query_one("#mt-status", Static).render())
    with factory() as session:
        after = session.scalar(select(func.count()).select_from(Memo).where(Memo.status == "done"))
    assert after == before
    refused = [e for e in _entries(app) if e.kind == "form.invalid"]
    assert refused and refused[-1].payload["errors"][0].startswith("FieldError(field='memo'")
