"""The letter panel (C3.3) in a harness app on a seeded database: files, rows, messages."""

from __future__ import annotations

from pathlib import Path

import docx
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, Static

from crm.models import Interaction
from crm.services.customers import find_by_number
from seed_data import SEED_DIR
from tests.crm.conftest import engine, seeded_session_factory  # noqa: F401
from workstation.clock import VirtualClock
from workstation.letters_desk import LettersDesk
from workstation.tui.widgets.letter_panel import LetterPanel

MESSAGES = (LetterPanel.LetterProduced, LetterPanel.LetterRecorded, LetterPanel.Invalid)


class Harness(App[None]):
    def __init__(self, desk: LettersDesk) -> None:
        super().__init__()
        self.desk = desk
        self.animation_level = "none"
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield LetterPanel(self.desk, id="panel")

    def on_letter_panel_letter_produced(self, message: Message) -> None:
        self.messages.append(message)

    def on_letter_panel_letter_recorded(self, message: Message) -> None:
        self.messages.append(message)

    def on_letter_panel_invalid(self, message: Message) -> None:
        self.messages.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]


async def settle(pilot: Pilot) -> None:
    for _round in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def letters_desk(factory: sessionmaker, out: Path, clock: VirtualClock) -> LettersDesk:
    return LettersDesk(
        factory, clock, SEED_DIR / "templates", out,
        agent_name="Camille Martin", service_name="Service Recouvrement",
    )  # fmt: skip


def letter_rows(factory: sessionmaker) -> int:
    with factory() as session:
        query = select(func.count()).select_from(Interaction).where(Interaction.channel == "letter")
        return session.scalar(query)


def text_of(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs).replace("\u00a0", " ")


def on_screen(pilot: Pilot, selector: str) -> bool:
    widget = pilot.app.query_one(selector)
    return pilot.app.screen.region.contains_region(widget.region)


async def fill(pilot: Pilot, selector: str, text: str) -> None:
    widget = pilot.app.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    if text:
        await pilot.press(*text)
    await pilot.pause()


async def test_reminder_letter_refused_then_produced_and_recorded(
    seeded_session_factory: sessionmaker,  # noqa: F811
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    out = tmp_path / "courriers"
    desk = letters_desk(seeded_session_factory, out, clock)
    thomas = find_by_number(seeded_session_factory, "CL0000003")
    assert thomas is not None
    app = Harness(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LetterPanel)
        panel.show_customer(thomas.id)
        panel.choose_template("relance-impaye-1")
        await settle(pilot)
        customer = str(app.query_one("#lp-customer", Static).render())
        filled = str(app.query_one("#lp-filled", Static).render()).replace("\u00a0", " ")
        assert "Nom : Petit" in filled and "Offre" not in filled
        assert customer == "Client : Thomas Petit — CL0000003"
        assert app.query_one("#lp-objet", Input).value == "Relance d'impayé — premier rappel"
        assert panel.draft is not None
        due = panel.draft.record["MontantDu"]
        before = letter_rows(seeded_session_factory)

        # A date written the ISO way and no reference: refused beside the fields, nothing written.
        await fill(pilot, "#lp-f-DateLimite", "2027-03-12")
        await clock.advance(30)
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = app.query_one("#lp-f-DateLimite-error", Static)
        assert error.has_class("-shown")
        assert "jj/mm/aaaa" in str(error.render())
        assert app.query_one("#lp-reference-error", Static).has_class("-shown")
        assert app.query_one("#lp-mode-error", Static).has_class("-shown")
        [invalid] = app.of(LetterPanel.Invalid)
        assert {e.field for e in invalid.errors} == {"DateLimite", "reference", "mode"}
        assert not out.exists()
        assert letter_rows(seeded_session_factory) == before
        await pilot.press("ctrl+r")  # nothing produced yet: nothing recorded
        await settle(pilot)
        assert "Produisez d'abord" in str(app.query_one("#lp-status", Static).render())

        await fill(pilot, "#lp-f-DateLimite", "12/03/2027")
        assert not error.has_class("-shown")
        await fill(pilot, "#lp-reference", "REC/CM/2027-0412")
        app.query_one("#lp-mode", Select).value = "Lettre simple"
        await clock.advance(30)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [produced] = app.of(LetterPanel.LetterProduced)
        assert produced.template == "relance-impaye-1"
        assert produced.customer_id == thomas.id
        assert produced.missing_filled == ("DateLimite",)
        assert produced.duration_s == 60.0
        assert produced.errors == 3
        path = Path(produced.path)
        assert path.parent == out and path.suffix == ".docx"
        text = text_of(path)
        assert "M. Thomas PETIT" in text
        assert f"{due:.2f}".replace(".", ",") + " €" in text
        assert "12 mars 2027" in text and "REC/CM/2027-0412" in text
        assert "PETIT" in str(app.query_one("#lp-preview", Static).render())
        assert letter_rows(seeded_session_factory) == before

        app.query_one("#lp-record", Button).focus()
        await pilot.pause()
        assert on_screen(pilot, "#lp-record")
        await pilot.press("ctrl+r")
        await settle(pilot)
        [recorded] = app.of(LetterPanel.LetterRecorded)
        assert (recorded.customer_id, recorded.mode) == (thomas.id, "Lettre simple")
        assert letter_rows(seeded_session_factory) == before + 1
        with seeded_session_factory() as session:
            row = session.get(Interaction, recorded.interaction_id)
            assert row is not None
            assert (row.customer_id, row.direction) == (thomas.id, "outbound")
            assert path.name in row.summary
        assert app.query_one("#lp-record", Button).disabled


async def test_amount_typed_the_french_way_at_120x40(
    seeded_session_factory: sessionmaker,  # noqa: F811
    tmp_path: Path,
) -> None:
    desk = letters_desk(seeded_session_factory, tmp_path, VirtualClock())
    thomas = find_by_number(seeded_session_factory, "CL0000003")
    assert thomas is not None
    app = Harness(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(LetterPanel)
        await pilot.press("ctrl+s")  # no customer yet
        await settle(pilot)
        assert "client" in str(app.query_one("#lp-status", Static).render())
        panel.show_customer(thomas.id)
        panel.choose_template("confirmation-echeancier")
        await settle(pilot)
        assert panel.draft is not None
        typed = {"NombreEcheances": "3", "MontantEcheance": "1 234,56"}
        for item in panel.draft.missing:
            value = typed.get(item.name, "05/04/2027" if item.kind == "date" else "10,00")
            await fill(pilot, f"#lp-f-{item.name}", value)
        await fill(pilot, "#lp-reference", "REC/2027-1")
        app.query_one("#lp-mode", Select).value = "Lettre simple"
        for selector in ("#lp-produce", "#lp-reference", "#lp-template"):
            app.query_one(selector).focus()
            await pilot.pause()
            assert on_screen(pilot, selector)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [produced] = app.of(LetterPanel.LetterProduced)
        assert "1 234,56 €" in text_of(Path(produced.path))
        assert "M. Thomas PETIT" in text_of(Path(produced.path))


async def test_the_customer_is_named_before_a_template_is_chosen(
    seeded_session_factory: sessionmaker,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Walk-through bug: with no template chosen the panel said "Chargement de la fiche…"
    for ever, so the newcomer could not see who the letter would be written to."""
    wilson = find_by_number(seeded_session_factory, "CL0000007")
    assert wilson is not None
    app = Harness(letters_desk(seeded_session_factory, tmp_path, VirtualClock()))
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LetterPanel)
        panel.show_customer(wilson.id)
        await settle(pilot)
        assert str(app.query_one("#lp-customer", Static).render()) == (
            "Client : James Wilson — CL0000007"
        )
        assert str(app.query_one("#lp-status", Static).render()) == "Choisissez la lettre-type."
        assert panel.draft is None
