"""The inbox panel (C3.2, C2.3) in a harness app on a seeded database: rows and messages."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, TextArea

from crm.models.inbox import Message as MessageRow
from tests.crm.conftest import engine, seeded_session_factory  # noqa: F401
from tests.workstation.tui.conftest import screen_text
from workstation.clock import VirtualClock
from workstation.inbox_desk import InboxDesk
from workstation.tui.widgets.inbox_panel import InboxPanel

ENGLISH = "Travelling to the United States next month"


class Harness(App[None]):
    def __init__(self, desk: InboxDesk) -> None:
        super().__init__()
        self.desk = desk
        self.animation_level = "none"
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield InboxPanel(self.desk, id="panel")

    def on_inbox_panel_message_opened(self, message: Message) -> None:
        self.messages.append(message)

    def on_inbox_panel_message_answered(self, message: Message) -> None:
        self.messages.append(message)

    def on_inbox_panel_message_archived(self, message: Message) -> None:
        self.messages.append(message)

    def on_inbox_panel_invalid(self, message: Message) -> None:
        self.messages.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]


async def settle(pilot: Pilot) -> None:
    for _round in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def rows(factory: sessionmaker) -> list[tuple]:
    with factory() as session:
        return [
            (m.id, m.folder, m.status, m.body, m.attachments, m.annotation)
            for m in session.scalars(select(MessageRow).order_by(MessageRow.id))
        ]


def on_screen(pilot: Pilot, selector: str) -> bool:
    widget = pilot.app.query_one(selector)
    return pilot.app.screen.region.contains_region(widget.region)


async def open_subject(pilot: Pilot, subject: str) -> None:
    panel = pilot.app.query_one(InboxPanel)
    index = next(i for i, m in enumerate(panel.shown) if m.subject == subject)
    options = pilot.app.query_one("#ip-list", OptionList)
    options.focus()
    options.highlighted = index
    await pilot.press("enter")
    await settle(pilot)


async def test_english_message_answered_in_english_with_a_letter(
    seeded_session_factory: sessionmaker,  # noqa: F811
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    letters = tmp_path / "courriers"
    letters.mkdir()
    (letters / "pass-usa.pdf").write_bytes(b"%PDF-1.4")
    (letters / "notes.xlsx").write_text("ignored")
    desk = InboxDesk(seeded_session_factory, clock, letters_dir=letters)
    app = Harness(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.query_one(InboxPanel)
        assert len(panel.shown) == 4
        listing = [str(o.prompt) for o in app.query_one("#ip-list", OptionList).options]
        assert any("[EN]" in line and ENGLISH in line for line in listing)
        assert any("[FR]" in line and "Prélèvement rejeté" in line for line in listing)

        await clock.advance(120)
        await open_subject(pilot, ENGLISH)
        [opened] = app.of(InboxPanel.MessageOpened)
        assert (opened.language, opened.waited_s) == ("en", 6 * 3600 + 120)
        assert "langue : Anglais" in str(app.query_one("#ip-reading", Static).render())
        assert app.query_one("#ip-greeting", Input).value == "Dear Mr Wilson,"
        assert app.query_one("#ip-closing", TextArea).text.startswith("Kind regards,")

        # Sending an empty reply is refused beside the body; nothing is written.
        before = rows(seeded_session_factory)
        await pilot.press("ctrl+r")
        await settle(pilot)
        error = app.query_one("#ip-reponse-error", Static)
        assert error.has_class("-shown")
        assert "obligatoire" in str(error.render())
        assert rows(seeded_session_factory) == before
        assert len(app.of(InboxPanel.Invalid)) == 1

        panel.attach(str(letters / "pass-usa.pdf"))
        body = app.query_one("#ip-body", TextArea)
        body.focus()
        body.text = "Your plan works in the United States with the Travel pass."
        await clock.advance(180)
        send = app.query_one("#ip-send")
        send.focus()
        await settle(pilot)
        assert on_screen(pilot, "#ip-send")
        body.focus()  # the keys work while the student is still in the text
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        [answered] = app.of(InboxPanel.MessageAnswered)
        assert answered.language == "en"
        assert answered.attachments == ("pass-usa.pdf",)
        assert answered.answer_delay_s == 6 * 3600 + 300
        assert answered.duration_s == 180
        with seeded_session_factory() as session:
            reply = session.scalars(
                select(MessageRow).where(MessageRow.in_reply_to_id == answered.message_id)
            ).one()
            assert reply.folder == "sent" and reply.language == "en"
            assert reply.body.startswith("Dear Mr Wilson,\n\nYour plan works")
            assert "Kind regards," in reply.body
            assert reply.attachments.endswith("pass-usa.pdf")
            assert session.get(MessageRow, answered.message_id).status == "answered"

        await pilot.press("ctrl+b")
        await settle(pilot)
        [archived] = app.of(InboxPanel.MessageArchived)
        assert (archived.message_id, archived.status_before) == (answered.message_id, "answered")
        assert ENGLISH not in [m.subject for m in panel.shown]


async def test_french_search_annotation_draft_and_bad_attachment_at_120x40(
    seeded_session_factory: sessionmaker,  # noqa: F811
    tmp_path: Path,
) -> None:
    desk = InboxDesk(seeded_session_factory, VirtualClock(), letters_dir=tmp_path)
    app = Harness(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        panel = app.query_one(InboxPanel)
        search = app.query_one("#ip-search", Input)
        search.focus()
        await pilot.press(*"prelevement", "enter")
        await settle(pilot)
        assert [m.subject for m in panel.shown] == ["Prélèvement rejeté"]
        await open_subject(pilot, "Prélèvement rejeté")
        assert "[FR]" in screen_text(app) and "Prélèvement rejeté" in screen_text(app)
        assert app.query_one("#ip-greeting", Input).value == "Monsieur,"
        assert "Monsieur, l'expression" in app.query_one("#ip-closing", TextArea).text

        note = app.query_one("#ip-annotation", Input)
        note.focus()
        note.value = "Nouveau RIB à demander"
        await pilot.press("enter")
        await settle(pilot)
        assert rows(seeded_session_factory)[0][5] == "Nouveau RIB à demander"

        before = rows(seeded_session_factory)
        panel.attach(str(tmp_path / "absent.pdf"))
        app.query_one("#ip-body", TextArea).text = "Envoyez-nous votre nouveau RIB."
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = app.query_one("#ip-piece_jointe-error", Static)
        assert error.has_class("-shown") and "introuvable" in str(error.render())
        assert rows(seeded_session_factory) == before

        await pilot.click("#ip-detach")
        await pilot.press("ctrl+s")
        await settle(pilot)
        drafts = [r for r in rows(seeded_session_factory) if r[1] == "drafts"]
        assert len(drafts) == 1 and "nouveau RIB" in drafts[0][3]
        for selector in ("#ip-send", "#ip-search", "#ip-archive"):
            app.query_one(selector).focus()
            await settle(pilot)
            assert on_screen(pilot, selector)


async def test_walkthrough_open_by_enter_letter_produced_later_and_for_the_right_customer(
    seeded_session_factory: sessionmaker,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Walk-through bugs: Entrée on the list opened nothing (no line highlighted); a letter
    produced after the inbox was shown was not offered in "Joindre"; a letter addressed to
    another customer could be attached to Mr Wilson's reply; the desk was not told whose
    message it was."""
    clock = VirtualClock()
    letters = tmp_path / "courriers"
    letters.mkdir()
    desk = InboxDesk(seeded_session_factory, clock, letters_dir=letters)
    app = Harness(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        panel = app.query_one(InboxPanel)
        search = app.query_one("#ip-search", Input)
        search.focus()
        search.value = "wilson"
        await pilot.press("enter")
        await settle(pilot)
        app.query_one("#ip-list", OptionList).focus()
        # Produced in Courrier while the inbox was already on screen.
        wrong = letters / "reply-english-customer-CL0000696-Pruvost.docx"
        right = letters / "reply-english-customer-CL0000007-Wilson.docx"
        wrong.write_bytes(b"PK")
        right.write_bytes(b"PK")
        await pilot.press("enter")
        await settle(pilot)
        assert panel.current is not None and panel.current.subject == ENGLISH
        [opened] = app.of(InboxPanel.MessageOpened)
        assert opened.customer_id == panel.current.customer_id is not None
        assert "Client : CL0000007" in str(app.query_one("#ip-reading", Static).render())
        choices = app.query_one("#ip-file")
        assert [str(prompt) for prompt, _value in choices._options[1:]] == [
            right.name,
            wrong.name,
        ]
        choices.value = str(wrong)
        await settle(pilot)
        assert panel.attachments == []
        error = app.query_one("#ip-piece_jointe-error", Static)
        assert error.has_class("-shown")
        assert "adressé au client CL0000696, pas à l'expéditeur (CL0000007)" in str(error.render())
        choices.value = str(right)
        await settle(pilot)
        assert panel.attachments == [str(right)]
        assert not error.has_class("-shown")
        body = app.query_one("#ip-body", TextArea)
        body.text = "Please find our letter attached."
        await pilot.press("ctrl+r")
        await settle(pilot)
    [answered] = app.of(InboxPanel.MessageAnswered)
    assert answered.attachments == (right.name,)
    sent = [r for r in rows(seeded_session_factory) if r[1] == "sent"]
    assert sent and right.name in sent[-1][4] and wrong.name not in sent[-1][4]
