"""The memo form (C3.1, C4.3) in a harness app on a seeded database: rows and messages."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TextArea

from crm.models import Service
from crm.models.inbox import Memo
from tests.crm.conftest import engine, seeded_session_factory  # noqa: F401
from workstation.clock import VirtualClock
from workstation.inbox_desk import InboxDesk
from workstation.memo_tray_desk import TrayDesk
from workstation.tui.widgets.memo_form import MemoForm
from workstation.tui.widgets.memo_tray import MemoTab


class Harness(App[None]):
    def __init__(self, desk: InboxDesk, trays: TrayDesk | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.trays = trays
        self.animation_level = "none"
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        # With a tray desk: the Mémo tab as the desk shows it (the form over the tray).
        if self.trays is not None:
            yield MemoTab(self.desk, self.trays)
        else:
            yield MemoForm(self.desk, id="memo")

    def on_memo_form_memo_sent(self, message: Message) -> None:
        self.messages.append(message)

    def on_memo_form_invalid(self, message: Message) -> None:
        self.messages.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]


async def settle(pilot: Pilot) -> None:
    for _round in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def memo_count(factory: sessionmaker) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Memo)) or 0


def on_screen(pilot: Pilot, selector: str) -> bool:
    widget = pilot.app.query_one(selector)
    return pilot.app.screen.region.contains_region(widget.region)


async def test_anomaly_refused_then_sent_to_the_technical_service(
    seeded_session_factory: sessionmaker,  # noqa: F811
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    desk = InboxDesk(seeded_session_factory, clock, letters_dir=tmp_path)
    app = Harness(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = app.query_one(MemoForm)
        keys = [recipient.key for recipient in form.recipients]
        assert "service:technique" in keys and any(k.startswith("user:") for k in keys)
        before = memo_count(seeded_session_factory)

        # No recipient, no subject, no text: refused beside each field, nothing written.
        app.query_one("#mf-nature", Select).value = "anomaly"
        await clock.advance(10)
        await pilot.press("ctrl+s")
        await settle(pilot)
        for field in ("destinataire", "objet", "message"):
            assert app.query_one(f"#mf-{field}-error", Static).has_class("-shown"), field
        assert "obligatoire" in str(app.query_one("#mf-objet-error", Static).render())
        [invalid] = app.of(MemoForm.Invalid)
        assert {e.field for e in invalid.errors} == {"destinataire", "objet", "message"}
        assert memo_count(seeded_session_factory) == before

        app.query_one("#mf-destinataire", Select).value = "service:technique"
        app.query_one("#mf-priorite", Select).value = "urgent"
        subject = app.query_one("#mf-objet", Input)
        subject.focus()
        await pilot.press(*"Coupures")
        app.query_one("#mf-message", TextArea).text = "Trois clients de Villeurbanne sans internet."
        await clock.advance(50)
        app.query_one("#mf-send").focus()
        await settle(pilot)
        assert on_screen(pilot, "#mf-send")
        app.query_one("#mf-message", TextArea).focus()
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [sent] = app.of(MemoForm.MemoSent)
        assert (sent.recipient, sent.kind, sent.priority) == (
            "service:technique",
            "anomaly",
            "urgent",
        )
        assert (sent.errors, sent.corrections) == (3, 3)
        assert sent.duration_s == 60
        assert memo_count(seeded_session_factory) == before + 1
        with seeded_session_factory() as session:
            row = session.get(Memo, sent.memo_id)
            service = session.get(Service, row.to_service_id)
            assert (service.code, row.kind, row.subject) == ("technique", "anomaly", "Coupures")
        assert "Mémo envoyé" in str(app.query_one("#mf-status", Static).render())
        assert app.query_one("#mf-objet", Input).value == ""


async def test_customer_reaction_to_a_colleague_at_120x40(
    seeded_session_factory: sessionmaker,  # noqa: F811
    tmp_path: Path,
) -> None:
    desk = InboxDesk(seeded_session_factory, VirtualClock(), letters_dir=tmp_path)
    app = Harness(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = app.query_one(MemoForm)
        colleague = next(r.key for r in form.recipients if r.key.startswith("user:"))
        app.query_one("#mf-destinataire", Select).value = colleague
        app.query_one("#mf-nature", Select).value = "reaction"
        app.query_one("#mf-objet", Input).value = "Client ravi du technicien"
        app.query_one("#mf-message", TextArea).text = "Mme Durand remercie le technicien."
        await pilot.click("#mf-send")
        await settle(pilot)
        [sent] = app.of(MemoForm.MemoSent)
        assert (sent.recipient, sent.kind, sent.priority) == (colleague, "reaction", "normal")
        assert (sent.errors, sent.corrections) == (0, 0)
        with seeded_session_factory() as session:
            row = session.get(Memo, sent.memo_id)
            assert row.to_user_id is not None and row.to_service_id is None


async def test_duration_runs_from_the_first_keystroke_and_sent_shows_in_the_tab(
    seeded_session_factory: sessionmaker,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Regression: a memo written in 40 s, 200 s after the tab opened, was journalled with
    duration_s 240 (the priority and kind lists' defaults, posted when they mounted, were
    taken for the first edit); and « Mémo envoyé » was below the fold of the half-height
    form, so nothing visible said the memo had left."""
    clock = VirtualClock()
    desk = InboxDesk(seeded_session_factory, clock, letters_dir=tmp_path)
    app = Harness(desk, TrayDesk(seeded_session_factory, own_service="technique"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await clock.advance(200)  # the tab is on screen, the agent has not started yet
        app.query_one("#mf-destinataire", Select).value = "service:technique"
        app.query_one("#mf-objet", Input).focus()
        await pilot.press(*"Relance")
        await clock.advance(25)
        app.query_one("#mf-message", TextArea).focus()
        await pilot.press(*"Client à rappeler")
        await clock.advance(15)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [sent] = app.of(MemoForm.MemoSent)
        assert (sent.duration_s, sent.errors, sent.corrections) == (40.0, 0, 0)
        status = app.query_one("#mf-status", Static)
        assert "Mémo envoyé" in str(status.render())
        assert status.has_class("-saved")
        assert on_screen(pilot, "#mf-status")
        assert app.query_one(MemoForm).region.contains_region(status.region)

        # The next memo is measured from its own first edit, not from the one sent.
        await clock.advance(300)
        app.query_one("#mf-objet", Input).focus()
        await pilot.press(*"Suite")
        app.query_one("#mf-message", TextArea).text = "Rappel fait."
        await clock.advance(20)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [m.duration_s for m in app.of(MemoForm.MemoSent)] == [40.0, 20.0]
