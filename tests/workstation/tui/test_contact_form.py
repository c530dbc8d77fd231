"""The contact form (C2.3) in a harness app on a seeded database: rows, notes, messages."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Select, Static

from crm.models import Customer, Interaction, PhoneNumber, User
from crm.services.customers import find_by_number
from tests.crm.conftest import engine, seeded_session_factory  # noqa: F401
from workstation.clock import VirtualClock
from workstation.file_desk import FileDesk
from workstation.tui.widgets.contact_form import ContactForm


class Harness(App[None]):
    def __init__(self, desk: FileDesk) -> None:
        super().__init__()
        self.desk = desk
        self.animation_level = "none"
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ContactForm(self.desk, id="form")

    def on_contact_form_contact_updated(self, message: Message) -> None:
        self.messages.append(message)

    def on_contact_form_invalid(self, message: Message) -> None:
        self.messages.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]


async def settle(pilot: Pilot) -> None:
    for _round in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def retype(pilot: Pilot, selector: str, text: str) -> None:
    widget = pilot.app.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)
    await pilot.pause()


def state(factory: sessionmaker, customer_id: int) -> tuple[object, ...]:
    with factory() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        notes = session.scalar(
            select(func.count())
            .select_from(Interaction)
            .where(Interaction.customer_id == customer_id)
        )
        phones = session.scalar(
            select(func.count())
            .select_from(PhoneNumber)
            .where(PhoneNumber.customer_id == customer_id)
        )
        return (customer.email, customer.postcode, customer.city, notes, phones)


def on_screen(pilot: Pilot, selector: str) -> bool:
    widget = pilot.app.query_one(selector)
    return pilot.app.screen.region.contains_region(widget.region)


async def test_refused_then_saved_with_a_history_note(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    clock = VirtualClock()
    with seeded_session_factory() as session:
        agent = session.scalars(select(User.id).order_by(User.id)).first()
    desk = FileDesk(seeded_session_factory, clock, agent_id=agent)
    thomas = find_by_number(seeded_session_factory, "CL0000003")
    assert thomas is not None
    app = Harness(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.query_one(ContactForm)
        form.show_customer(thomas.id)
        await settle(pilot)
        assert str(app.query_one("#cf-customer", Static).render()) == "M. Thomas Petit — CL0000003"
        assert app.query_one("#cf-code_postal", Input).value == thomas.postcode
        before = state(seeded_session_factory, thomas.id)

        await retype(pilot, "#cf-email", "thomas@")
        await retype(pilot, "#cf-code_postal", "6900")
        await retype(pilot, "#cf-ville", "Lyon")
        app.query_one("#cf-preference_contact", Select).value = "email"
        app.query_one("#cf-consentement", Checkbox).value = True
        await clock.advance(20)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [invalid] = app.of(ContactForm.Invalid)
        assert {e.field for e in invalid.errors} == {"email", "code_postal"}
        assert app.query_one("#cf-email-error", Static).has_class("-shown")
        assert app.query_one("#cf-code_postal-error", Static).has_class("-shown")
        assert state(seeded_session_factory, thomas.id) == before

        await retype(pilot, "#cf-email", "thomas.petit@example.fr")
        assert not app.query_one("#cf-email-error", Static).has_class("-shown")
        await retype(pilot, "#cf-code_postal", "69003")
        app.query_one("#cf-save", Button).focus()
        await pilot.pause()
        assert on_screen(pilot, "#cf-save")
        await clock.advance(40)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [updated] = app.of(ContactForm.ContactUpdated)
        assert updated.customer_id == thomas.id
        assert {"email", "adresse"} <= set(updated.fields)
        assert (updated.duration_s, updated.errors, updated.corrections) == (60.0, 2, 2)
        after = state(seeded_session_factory, thomas.id)
        assert after[:3] == ("thomas.petit@example.fr", "69003", "Lyon")
        assert after[3] == before[3] + 1 and after[4] == before[4]
        with seeded_session_factory() as session:
            note = session.get(Interaction, updated.interaction_id)
            assert note is not None
            assert note.agent_id == agent
            assert note.summary.startswith("Mise à jour de la fiche : ")
        assert "historique" in str(app.query_one("#cf-status", Static).render())


async def test_no_customer_and_a_missing_primary_number_write_nothing(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    desk = FileDesk(seeded_session_factory, VirtualClock())
    thomas = find_by_number(seeded_session_factory, "CL0000003")
    assert thomas is not None
    app = Harness(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "client" in str(app.query_one("#cf-status", Static).render())
        form = app.query_one(ContactForm)
        form.show_customer(thomas.id)
        await settle(pilot)
        before = state(seeded_session_factory, thomas.id)
        app.query_one("#cf-telephone_1", Input).value = ""
        app.query_one("#cf-telephone_2", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        [invalid] = app.of(ContactForm.Invalid)
        assert [e.field for e in invalid.errors] == ["telephone_1"]
        assert state(seeded_session_factory, thomas.id) == before
        assert on_screen(pilot, "#cf-save")
