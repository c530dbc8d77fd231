"""The call qualification form (C1.2) in a harness app, saving to a real seeded database.

Timings run on the VirtualClock: the test advances it between keystrokes and checks the
measured time to complete exactly.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Select, Static, TextArea

from crm.models import NATURES, OUTCOMES, Interaction
from crm.services.customers import find_by_number
from crm.services.users import org_chart
from seed_data import SEED_DIR
from tests.crm.conftest import engine, seeded_company, seeded_session_factory  # noqa: F401
from workstation.clock import VirtualClock
from workstation.customer_desk import REQUEST_NATURES, CustomerDesk, motives_from_history
from workstation.dispositions import BY_CODE, DISPOSITIONS
from workstation.tui.widgets.qualification_form import QualificationForm

CALL_ID = "1764662400.42"


class Harness(App[None]):
    """The form alone on a screen, as the desk mounts it."""

    def __init__(self, desk: CustomerDesk) -> None:
        super().__init__()
        self.desk = desk
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        yield QualificationForm(self.desk, id="form")


class Captured:
    """The form's public messages, each once."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        kinds = QualificationForm.Submitted | QualificationForm.Invalid
        if isinstance(message, kinds) and all(m is not message for m in self.messages):
            self.messages.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]


async def settle(pilot: Pilot) -> None:
    for _round in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text_of(widget: Widget) -> str:
    return str(widget.render())


def visible(pilot: Pilot, selector: str) -> bool:
    widget = pilot.app.query_one(selector)
    region = widget.region
    return (
        widget.display
        and region.width > 0
        and region.height > 0
        and pilot.app.screen.region.contains_region(region)
    )


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*("space" if char == " " else char for char in text))


async def focus_by_tab(pilot: Pilot, widget_id: str, limit: int = 20) -> None:
    for _press in range(limit):
        focused = pilot.app.focused
        if focused is not None and focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{widget_id}")


async def choose(pilot: Pilot, widget_id: str, position: int) -> None:
    """Pick the `position`-th choice (1 = first after the prompt) of a Select by keyboard."""
    await focus_by_tab(pilot, widget_id)
    await pilot.press("enter", *["down"] * position, "enter")


def interactions(factory: sessionmaker) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Interaction)) or 0


def customer_id(factory: sessionmaker, number: str) -> int:
    summary = find_by_number(factory, number)
    assert summary is not None
    return summary.id


def position(choices: list[str], code: str) -> int:
    return choices.index(code) + 1


NATURE_CODES = [choice.code for choice in REQUEST_NATURES]
DISPOSITION_CODES = [item.code for item in DISPOSITIONS]


def test_dispositions_are_the_codes_of_pro_006() -> None:
    article = (SEED_DIR / "kb" / "procedures" / "pro-006-cloture-appel-post-appel.md").read_text(
        encoding="utf-8"
    )
    rows = dict(re.findall(r"^\| ([A-Z_]+) \| (.+?) \|$", article, flags=re.MULTILINE))
    assert list(rows) == DISPOSITION_CODES
    assert {item.code: item.label for item in DISPOSITIONS} == rows
    assert {item.outcome for item in DISPOSITIONS} <= set(OUTCOMES)
    assert BY_CODE["TRANSFERT"].outcome == "transferred"
    assert set(NATURE_CODES) == set(NATURES)


def test_motives_come_from_the_calls_of_the_seed_history() -> None:
    motives = motives_from_history(SEED_DIR / "history.yaml")
    assert "Question sur une facture" in motives
    assert "Panne internet" in motives
    assert "Demande de duplicata de facture" not in motives  # an e-mail, not a call
    assert len(motives) == len(set(motives))


async def test_qualified_by_keyboard_and_saved_with_the_call_id(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    factory = seeded_session_factory
    desk = CustomerDesk(factory, clock, motives=motives_from_history(SEED_DIR / "history.yaml"))
    thomas = customer_id(factory, "CL0000003")
    call_start = clock.now()
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(80, 24), message_hook=captured) as pilot:
        form = app.query_one(QualificationForm)
        form.start(CALL_ID, thomas, started_at=call_start)
        form.identity_items = ("nom", "adresse", "date_naissance")  # from the customer panel
        await pilot.pause()
        assert visible(pilot, "#qf-nature")
        assert visible(pilot, "#qf-motif")
        assert visible(pilot, "#qf-reformulation")
        assert CALL_ID in text_of(app.query_one("#qf-context", Static))
        await clock.advance(100)  # before the first keystroke: not counted
        await choose(pilot, "qf-nature", position(NATURE_CODES, "billing"))
        await clock.advance(5)
        await focus_by_tab(pilot, "qf-motif")
        await type_text(pilot, "ques")
        await pilot.press("right")  # accept the suggestion from the history
        await clock.advance(7)
        await focus_by_tab(pilot, "qf-reformulation")
        await type_text(pilot, "Facture trop elevee")
        await clock.advance(20)
        await choose(pilot, "qf-decision", 1)  # Traiter
        await clock.advance(3)
        await choose(pilot, "qf-code", position(DISPOSITION_CODES, "EXPLICATION"))
        await clock.advance(5)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert captured.of(QualificationForm.Invalid) == []
        (done,) = captured.of(QualificationForm.Submitted)
        assert (done.nature, done.motive, done.decision, done.disposition) == (
            "billing",
            "Question sur une facture",
            "traiter",
            "EXPLICATION",
        )
        assert (done.duration_s, done.errors, done.corrections) == (40.0, 0, 0)
        status = app.query_one("#qf-status", Static)
        assert text_of(status) == "Qualification enregistrée dans l'historique du client."
        # Saving twice would duplicate the history entry: refused.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(captured.of(QualificationForm.Submitted)) == 1
        assert "déjà enregistrée" in text_of(status)
    with factory() as session:
        rows = session.scalars(select(Interaction).where(Interaction.call_id == CALL_ID)).all()
        assert len(rows) == 1
        row = rows[0]
        assert row.id == done.interaction_id
        assert (row.customer_id, row.channel, row.direction) == (thomas, "call", "inbound")
        assert (row.nature, row.motive, row.outcome) == (
            "billing",
            "Question sur une facture",
            "resolved",
        )
        assert row.summary.splitlines() == [
            "Facture trop elevee",
            "Identité vérifiée : nom, adresse, date de naissance.",
            "Décision : demande traitée par le conseiller.",
            "Code de clôture : EXPLICATION.",
        ]
        assert row.started_at == call_start
        assert row.ended_at == call_start + timedelta(seconds=140)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_renders_at_both_desk_sizes(
    seeded_company: sessionmaker,  # noqa: F811
    clock: VirtualClock,
    size: tuple[int, int],
) -> None:
    app = Harness(CustomerDesk(seeded_company, clock))
    async with app.run_test(size=size) as pilot:
        app.query_one(QualificationForm).start(CALL_ID, None)
        await settle(pilot)
        for field in ("nature", "motif", "reformulation"):
            assert visible(pilot, f"#qf-{field}")
        if size == (120, 40):
            for field in ("decision", "service", "code", "submit"):
                assert visible(pilot, f"#qf-{field}")
        app.query_one("#qf-submit").focus()  # scrolled into view at 80x24
        await pilot.pause()
        assert visible(pilot, "#qf-submit")


async def test_invalid_form_writes_nothing_then_counts_corrections(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    factory = seeded_session_factory
    before = interactions(factory)
    desk = CustomerDesk(factory, clock)
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(80, 24), message_hook=captured) as pilot:
        form = app.query_one(QualificationForm)
        form.start("call-2", None)
        # The caller is identified during the call: the desk sets the attribute.
        form.customer_id = sophie = customer_id(factory, "CL0000001")
        await pilot.pause()
        assert "client identifié" in text_of(app.query_one("#qf-context", Static))
        await focus_by_tab(pilot, "qf-reformulation")
        await type_text(pilot, "Box")
        await clock.advance(10)
        await pilot.press("ctrl+s")
        await settle(pilot)
        (invalid,) = captured.of(QualificationForm.Invalid)
        refused = {error.field: error.message for error in invalid.errors}
        assert refused == {
            "nature": "Choisissez la nature de la demande.",
            "motif": "Indiquez le motif de l'appel.",
            "decision": "Choisissez : traiter ou transférer.",
            "code": "Choisissez un code de clôture.",
        }
        for field, message in refused.items():
            shown = app.query_one(f"#qf-{field}-error", Static)
            assert shown.has_class("-shown")
            assert text_of(shown) == message
        assert interactions(factory) == before
        await clock.advance(10)
        await choose(pilot, "qf-nature", position(NATURE_CODES, "technical"))
        assert not app.query_one("#qf-nature-error").has_class("-shown")
        assert app.query_one("#qf-motif-error").has_class("-shown")
        # A field changed twice after the error is one correction.
        app.query_one("#qf-motif", Input).value = "Pan"
        app.query_one("#qf-motif", Input).value = "Panne internet"
        app.query_one("#qf-decision", Select).value = "traiter"
        app.query_one("#qf-code", Select).value = "ASSISTANCE"
        await clock.advance(10)
        await pilot.press("ctrl+s")
        await settle(pilot)
        (done,) = captured.of(QualificationForm.Submitted)
        assert (done.duration_s, done.errors, done.corrections) == (30.0, 4, 4)
        assert done.disposition == "ASSISTANCE"
    assert interactions(factory) == before + 1
    with factory() as session:
        row = session.get(Interaction, done.interaction_id)
        assert row is not None
        assert (row.customer_id, row.call_id, row.outcome) == (sophie, "call-2", "resolved")


async def test_transfer_needs_a_service_and_the_transfer_code(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    factory = seeded_session_factory
    before = interactions(factory)
    service = next(item for item in org_chart(factory) if item.code != "")
    desk = CustomerDesk(factory, clock)
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(120, 40), message_hook=captured) as pilot:
        form = app.query_one(QualificationForm)
        form.start("call-3", None)  # a caller nobody could identify
        form.identity_items = ("nom",)
        await settle(pilot)
        services = app.query_one("#qf-service", Select)
        app.query_one("#qf-nature", Select).value = "termination"
        app.query_one("#qf-motif", Input).value = "Demande de résiliation"
        app.query_one("#qf-reformulation", TextArea).text = "Veut résilier"
        app.query_one("#qf-decision", Select).value = "transferer"
        app.query_one("#qf-code", Select).value = "INFORMATION"
        form.submit()
        await settle(pilot)
        refused = {e.field: e.message for e in captured.of(QualificationForm.Invalid)[-1].errors}
        assert refused == {
            "service": "Choisissez le service vers lequel transférer.",
            "code": "Un appel transféré se clôt avec le code TRANSFERT.",
        }
        app.query_one("#qf-decision", Select).value = "traiter"
        app.query_one("#qf-code", Select).value = "TRANSFERT"
        form.submit()
        await settle(pilot)
        refused = {e.field for e in captured.of(QualificationForm.Invalid)[-1].errors}
        assert refused == {"decision"}
        assert interactions(factory) == before
        app.query_one("#qf-decision", Select).value = "transferer"
        services.value = service.code  # refused unless the org chart was loaded into it
        form.submit()
        await settle(pilot)
        (done,) = captured.of(QualificationForm.Submitted)
        assert (done.decision, done.disposition, done.errors) == ("transferer", "TRANSFERT", 3)
    with factory() as session:
        row = session.get(Interaction, done.interaction_id)
        assert row is not None
        assert (row.customer_id, row.call_id, row.outcome) == (None, "call-3", "transferred")
        assert row.summary.splitlines()[1:] == [
            "Identité non vérifiée (contrôlé : nom).",
            f"Décision : transfert au service {service.name} (poste {service.extension}).",
            "Code de clôture : TRANSFERT.",
        ]


async def test_a_customer_removed_meanwhile_is_reported_not_saved(
    seeded_company: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    desk = CustomerDesk(seeded_company, clock)
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(80, 24), message_hook=captured) as pilot:
        form = app.query_one(QualificationForm)
        form.start("call-4", 999_999)
        app.query_one("#qf-nature", Select).value = "information"
        app.query_one("#qf-motif", Input).value = "Information sur les offres"
        app.query_one("#qf-reformulation", TextArea).text = "Compare les box"
        app.query_one("#qf-decision", Select).value = "traiter"
        app.query_one("#qf-code", Select).value = "INFORMATION"
        form.submit()
        await settle(pilot)
        (invalid,) = captured.of(QualificationForm.Invalid)
        assert [(e.field, e.message) for e in invalid.errors] == [
            ("formulaire", "Client introuvable (identifiant 999999).")
        ]
        status = text_of(app.query_one("#qf-status", Static))
        assert status == "Client introuvable (identifiant 999999)."
        assert captured.of(QualificationForm.Submitted) == []
