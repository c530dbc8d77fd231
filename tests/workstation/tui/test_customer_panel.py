"""The customer panel (screen pop, C1.1) in a harness app, on a real seeded database.

Read-only tests share one seeded company per backend (`seeded_company`); tests that create a
prospect get their own (`seeded_session_factory`).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from textual.app import App, ComposeResult
from textual.content import Content
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Checkbox, Input, OptionList, Select, Static

from crm.models import Customer, PhoneNumber
from crm.services.customers import find_by_number
from crm.views import CustomerActivity
from tests.crm.conftest import engine, seeded_company, seeded_session_factory  # noqa: F401
from tests.crm.customer_activity import LATE_PAYER, add_activity
from workstation.clock import VirtualClock
from workstation.customer_desk import CustomerDesk, identity_verified
from workstation.tui.widgets.customer_panel import OVERDUE, CustomerPanel, euros

PANEL_MESSAGES = (
    CustomerPanel.CardShown,
    CustomerPanel.ActivityShown,
    CustomerPanel.IdentityChecked,
    CustomerPanel.CustomerSelected,
    CustomerPanel.SearchDone,
    CustomerPanel.ProspectCreated,
    CustomerPanel.FormError,
    CustomerPanel.Failed,
)


class Harness(App[None]):
    """The panel alone on a screen, as the desk mounts it in a tab."""

    def __init__(self, desk: CustomerDesk) -> None:
        super().__init__()
        self.desk = desk
        self.animation_level = "none"  # no smooth scrolling to wait for

    def compose(self) -> ComposeResult:
        yield CustomerPanel(self.desk, id="panel")


class Captured:
    """The panel's public messages, each once (the hook sees a message at every bubble)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, PANEL_MESSAGES) and all(m is not message for m in self.messages):
            self.messages.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and every message they posted be handled."""
    for _round in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text_of(widget: Widget) -> str:
    return str(widget.render()).replace("\u00a0", " ")


def card_text(pilot: Pilot) -> str:
    statics = pilot.app.query("#cp-card Static, #cp-card Label")
    return "\n".join(text_of(widget) for widget in statics)


def visible(pilot: Pilot, selector: str) -> bool:
    widget = pilot.app.query_one(selector)
    region = widget.region
    screen = pilot.app.screen.region
    return (
        widget.display and region.width > 0 and region.height > 0 and screen.contains_region(region)
    )


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*("space" if char == " " else char for char in text))


async def focus_by_tab(pilot: Pilot, widget_id: str, limit: int = 30) -> None:
    """Move the focus with Tab only, as a keyboard user would."""
    for _press in range(limit):
        focused = pilot.app.focused
        if focused is not None and focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{widget_id}")


def fill(pilot: Pilot, values: dict[str, str]) -> None:
    """Set fields directly where typing them key by key would test nothing more."""
    for widget_id, value in values.items():
        pilot.app.query_one(f"#{widget_id}", Input).value = value


def customer_id(factory: sessionmaker, number: str) -> int:
    summary = find_by_number(factory, number)
    assert summary is not None
    return summary.id


def test_euros_are_written_the_french_way() -> None:
    assert euros(Decimal("1234.56")).replace("\u00a0", " ") == "1 234,56 €"
    assert euros(Decimal("49.98")).replace("\u00a0", " ") == "49,98 €"


def test_identity_needs_name_address_and_one_security_element() -> None:
    assert not identity_verified([])
    assert not identity_verified(["nom", "adresse"])
    assert not identity_verified(["nom", "date_naissance", "iban"])
    assert identity_verified(["nom", "adresse", "date_naissance"])
    assert identity_verified(["adresse", "iban", "nom"])


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_card_of_a_late_payer(
    seeded_company: sessionmaker,  # noqa: F811
    clock: VirtualClock,
    size: tuple[int, int],
) -> None:
    desk = CustomerDesk(seeded_company, clock)
    thomas = customer_id(seeded_company, "CL0000003")
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=size, message_hook=captured) as pilot:
        app.query_one(CustomerPanel).show_customer(thomas)
        await settle(pilot)
        assert text_of(app.query_one("#cp-name", Static)) == "M. Thomas Petit — CL0000003"
        assert visible(pilot, "#cp-name")
        assert visible(pilot, "#cp-check-nom")
        alert = app.query_one("#cp-alert", Static)
        assert visible(pilot, "#cp-alert")
        assert text_of(alert) == "Impayé : 99,96 € en retard (2 facture(s), jusqu'à 48 jours)"
        invoices = app.query_one("#cp-invoices", Static).content
        assert isinstance(invoices, Content)
        overdue = [
            invoices.plain[span.start : span.end].replace("\u00a0", " ")
            for span in invoices.spans
            if span.style == OVERDUE
        ]
        assert len(overdue) == 2
        assert "FA-2026-0000016" in overdue[0]
        assert "reste 49,98 €" in overdue[0]
        assert "48 jours de retard" in overdue[0]
        assert "18 jours de retard" in overdue[1]
        text = card_text(pilot)
        assert "solde dû 149,94 €" in text
        assert "Contrats (2)" in text
        assert "/mois" in text
        assert "Historique" in text
        assert "Date de naissance : 02/11/1991" in text
        (shown,) = captured.of(CustomerPanel.CardShown)
        assert (shown.customer_id, shown.number, shown.load_ms) == (thomas, "CL0000003", 0.0)


async def test_identity_checklist_by_keyboard(
    seeded_company: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    desk = CustomerDesk(seeded_company, clock)
    sophie = customer_id(seeded_company, "CL0000001")
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(80, 24), message_hook=captured) as pilot:
        app.query_one(CustomerPanel).show_customer(sophie)
        await settle(pilot)
        assert text_of(app.query_one("#cp-name", Static)) == "Mme Sophie Durand — CL0000001"
        assert not app.query_one("#cp-alert").display  # nothing late
        await focus_by_tab(pilot, "cp-check-nom")
        await pilot.press("space", "tab", "space")
        await pilot.pause()
        checked = captured.of(CustomerPanel.IdentityChecked)
        assert [(m.checked_items, m.verified) for m in checked] == [
            (("nom",), False),
            (("nom", "adresse"), False),
        ]
        assert "non vérifiée" in text_of(app.query_one("#cp-verified", Static))
        await pilot.press("tab", "space")
        await pilot.pause()
        last = captured.of(CustomerPanel.IdentityChecked)[-1]
        assert (last.customer_id, last.checked_items, last.verified) == (
            sophie,
            ("nom", "adresse", "date_naissance"),
            True,
        )
        assert text_of(app.query_one("#cp-verified", Static)) == "Identité vérifiée."
        assert app.query_one(CustomerPanel).verified
        # A new card starts with an empty checklist, without reporting it as the agent's act.
        count = len(captured.of(CustomerPanel.IdentityChecked))
        app.query_one(CustomerPanel).show_customer(customer_id(seeded_company, "CL0000003"))
        await settle(pilot)
        assert not any(box.value for box in app.query(Checkbox))
        assert len(captured.of(CustomerPanel.IdentityChecked)) == count


async def test_unknown_caller_found_by_name_with_the_keyboard(
    seeded_company: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    desk = CustomerDesk(seeded_company, clock)
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(80, 24), message_hook=captured) as pilot:
        app.query_one(CustomerPanel).show_unknown("+33699999999")
        await pilot.pause()
        title = text_of(app.query_one("#cp-unknown-title", Static))
        assert title == "Numéro inconnu : 06 99 99 99 99"
        assert visible(pilot, "#cp-search-nom")
        await focus_by_tab(pilot, "cp-search-nom")
        await type_text(pilot, "petit")
        await pilot.press("enter")
        await settle(pilot)
        (done,) = captured.of(CustomerPanel.SearchDone)
        assert done.criteria == {"nom": "petit"}
        results = app.query_one("#cp-results", OptionList)
        assert results.option_count == done.count >= 1
        assert app.focused is results
        assert "M. Thomas Petit" in str(results.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        (selected,) = captured.of(CustomerPanel.CustomerSelected)
        thomas = customer_id(seeded_company, "CL0000003")
        assert (selected.customer_id, selected.how) == (thomas, "search")
        assert captured.of(CustomerPanel.CardShown)[-1].customer_id == thomas
        assert text_of(app.query_one("#cp-name", Static)) == "M. Thomas Petit — CL0000003"


async def test_search_by_number_and_postcode_and_refused_criteria(
    seeded_company: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    desk = CustomerDesk(seeded_company, clock)
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(120, 40), message_hook=captured) as pilot:
        panel = app.query_one(CustomerPanel)
        panel.show_unknown("0699999999")
        await pilot.pause()
        # Nothing typed: refused in French beside the name, nothing searched.
        app.query_one("#cp-search-nom").focus()
        await pilot.press("enter")
        await pilot.pause()
        (empty,) = captured.of(CustomerPanel.FormError)
        assert (empty.form, empty.field) == ("recherche", "nom")
        error = app.query_one("#cp-search-nom-error", Static)
        assert text_of(error) == "Saisissez un nom, un numéro client ou un code postal."
        assert visible(pilot, "#cp-search-nom-error")
        assert captured.of(CustomerPanel.SearchDone) == []
        # A malformed customer number: the service's message, beside the field.
        await pilot.press("tab")
        await type_text(pilot, "CL12")
        await pilot.press("enter")
        await settle(pilot)
        refused = captured.of(CustomerPanel.FormError)[-1]
        assert (refused.form, refused.field) == ("recherche", "numero_client")
        assert "CL suivi de 7 chiffres" in refused.message
        assert refused.message == text_of(app.query_one("#cp-search-numero_client-error"))
        assert not app.query_one("#cp-search-nom-error").has_class("-shown")
        # The right number finds exactly one customer.
        app.query_one("#cp-search-numero_client", Input).value = "cl0000001"
        await pilot.press("enter")
        await settle(pilot)
        done = captured.of(CustomerPanel.SearchDone)[-1]
        assert (done.criteria, done.count) == ({"numero_client": "cl0000001"}, 1)
        results = app.query_one("#cp-results", OptionList)
        assert "Mme Sophie Durand" in str(results.get_option_at_index(0).prompt)
        # A postcode alone lists the customers living there.
        panel.show_unknown("0699999999")
        await pilot.pause()
        app.query_one("#cp-search-code_postal", Input).value = "69003"
        app.query_one("#cp-search-go").focus()
        await pilot.press("enter")
        await settle(pilot)
        done = captured.of(CustomerPanel.SearchDone)[-1]
        assert done.criteria == {"code_postal": "69003"}
        prompts = [str(option.prompt) for option in results.options]
        assert len(prompts) == done.count >= 1
        assert all("69003" in prompt for prompt in prompts)


async def test_prospect_created_with_the_callers_number(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    desk = CustomerDesk(seeded_session_factory, clock)
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(80, 24), message_hook=captured) as pilot:
        app.query_one(CustomerPanel).show_unknown("0699887766")
        await pilot.pause()
        app.query_one("#cp-prospect-civilite").focus()
        await pilot.press("enter", "down", "enter")  # Madame, the first choice
        await pilot.press("tab")
        await type_text(pilot, "Alice")
        fill(
            pilot,
            {
                "cp-prospect-nom": "Martin",
                "cp-prospect-adresse": "12 rue des Lilas",
                "cp-prospect-code_postal": "69003",
            },
        )
        app.query_one("#cp-prospect-ville").focus()
        await type_text(pilot, "Lyon")
        await pilot.press("enter")  # Enter in any field of the form creates the prospect
        await settle(pilot)
        assert [m.form for m in captured.of(CustomerPanel.FormError)] == []
        (created,) = captured.of(CustomerPanel.ProspectCreated)
        (selected,) = captured.of(CustomerPanel.CustomerSelected)
        assert (selected.customer_id, selected.how) == (created.customer_id, "prospect")
        assert text_of(app.query_one("#cp-name", Static)) == "Mme Alice Martin — CL0000031"
        assert "Aucun contrat (prospect)." in card_text(pilot)
    with seeded_session_factory() as session:
        row = session.get(Customer, created.customer_id)
        assert row is not None
        assert (row.number, row.civility, row.first_name, row.last_name, row.postcode) == (
            "CL0000031",
            "Mme",
            "Alice",
            "Martin",
            "69003",
        )
        phones = session.scalars(
            select(PhoneNumber.e164).where(PhoneNumber.customer_id == row.id)
        ).all()
        assert phones == ["+33699887766"]


async def test_refused_prospect_shows_each_error_and_writes_nothing(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    with seeded_session_factory() as session:
        before = session.scalar(select(func.count()).select_from(Customer))
    desk = CustomerDesk(seeded_session_factory, clock)
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(80, 24), message_hook=captured) as pilot:
        app.query_one(CustomerPanel).show_unknown("+33612345678")  # Sophie Durand's number
        await pilot.pause()
        fill(pilot, {"cp-prospect-nom": "Martin", "cp-prospect-code_postal": "6900"})
        app.query_one("#cp-prospect-go").focus()
        await pilot.press("enter")
        await settle(pilot)
        errors = {m.field: m.message for m in captured.of(CustomerPanel.FormError)}
        assert {"civilite", "prenom", "adresse", "code_postal", "ville"} <= set(errors)
        assert all(m.form == "prospect" for m in captured.of(CustomerPanel.FormError))
        for field in ("civilite", "prenom", "adresse", "code_postal", "ville"):
            shown = app.query_one(f"#cp-prospect-{field}-error", Static)
            assert shown.has_class("-shown")
            assert text_of(shown) == errors[field]
        assert "code postal" in errors["code_postal"].lower()
        assert errors["civilite"] == "Choisissez la civilité."
        assert captured.of(CustomerPanel.ProspectCreated) == []
        # Every field right but the number, which belongs to a customer already.
        app.query_one("#cp-prospect-civilite", Select).value = "M."
        fill(
            pilot,
            {
                "cp-prospect-prenom": "Paul",
                "cp-prospect-adresse": "1 place Bellecour",
                "cp-prospect-code_postal": "69002",
                "cp-prospect-ville": "Lyon",
            },
        )
        await pilot.press("enter")
        await settle(pilot)
        last = captured.of(CustomerPanel.FormError)[-1]
        assert last.field == "telephone"
        assert "CL0000001" in last.message
        assert text_of(app.query_one("#cp-prospect-telephone-error", Static)) == last.message
        assert captured.of(CustomerPanel.ProspectCreated) == []
    with seeded_session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == before


async def test_clear_and_a_customer_that_is_gone(
    seeded_company: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    desk = CustomerDesk(seeded_company, clock)
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(80, 24), message_hook=captured) as pilot:
        panel = app.query_one(CustomerPanel)
        panel.show_customer(999_999)
        await settle(pilot)
        (failed,) = captured.of(CustomerPanel.Failed)
        assert failed.message == "Client introuvable (identifiant 999999)."
        assert text_of(app.query_one("#cp-empty-text", Static)) == failed.message
        assert captured.of(CustomerPanel.CardShown) == []
        panel.show_customer(customer_id(seeded_company, "CL0000001"))
        await settle(pilot)
        assert panel.customer_id is not None
        panel.clear()
        await pilot.pause()
        assert panel.customer_id is None
        assert visible(pilot, "#cp-empty")
        assert not app.query_one("#cp-card").display


async def test_card_lists_what_the_activities_left_newest_first(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    activity = add_activity(seeded_session_factory, LATE_PAYER, clock.now())
    clock.advance_sync(3600)
    desk = CustomerDesk(seeded_session_factory, clock)
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(120, 60), message_hook=captured) as pilot:
        app.query_one(CustomerPanel).show_customer(activity.customer_id)
        await settle(pilot)
        # The card first, then (a second worker) what the activities left.
        assert [m.customer_id for m in captured.of(CustomerPanel.CardShown)] == [
            activity.customer_id
        ]
        assert [m.customer_id for m in captured.of(CustomerPanel.ActivityShown)] == [
            activity.customer_id
        ]
        shown = [type(m) for m in captured.messages]
        assert shown.index(CustomerPanel.CardShown) < shown.index(CustomerPanel.ActivityShown)

        def section(name: str) -> list[str]:
            block = app.query_one(f"#cp-{name}", Static)
            assert block.display, name
            return text_of(block).splitlines()

        assert section("orders") == [
            "Commandes (1)",
            f"{activity.order.number} du 02/11/2026 · Box Ultra, Pack Ciné Séries"
            " · 59,98 €/mois · confirmée",
        ]
        assert section("appointments") == [
            "Rendez-vous prévus (1)",
            "05/11/2026 08:00 – 10:00 · Installation"
            f" · Installation de la commande {activity.order.number}.",
        ]
        assert section("plans")[0] == "Échéanciers (1)"
        assert section("plans")[1].startswith("149,94 € en 3 échéances, en cours (3 à venir)")
        assert section("promises") == [
            "Promesses de règlement (2)",
            "02/11/2026 09:02 · Promesse de règlement de 33,32 € au plus tard le 12/11/2026"
            " (FA-2026-0000016, FA-2026-0000017).",
            "26/09/2026 12:52 · Le client reconnaît l'impayé de 49,98 € (difficultés"
            " passagères) et promet un paiement par carte avant la fin du mois.",
        ]
        assert section("messages") == [
            "Messages (3)",
            "02/11/2026 09:05 · envoyé · courriel en anglais · RE: Installation date",
            "02/11/2026 09:04 · reçu, répondu · courriel en anglais · Installation date",
            "01/11/2026 13:00 · reçu, non lu · courriel en français · Prélèvement rejeté",
        ]
        assert section("surveys") == [
            "Enquêtes (1)",
            "02/11/2026 · Enquête de satisfaction après contact · partielle"
            " (2 réponses sur 7 questions)",
        ]
        payments = section("payments")
        assert payments[0] == "Paiements (5)"
        assert payments[1] == ("15/10/2026 · 49,98 € par prélèvement (FA-2026-0000017) · rejeté")
        # The order comes first after the contracts, the messages before the history.
        order = [widget.id for widget in app.query("#cp-card Static.cp-block")]
        assert order.index("cp-orders") < order.index("cp-invoices")
        assert order.index("cp-messages") < order.index("cp-history")


async def test_the_next_card_does_not_keep_the_previous_customers_activity(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    activity = add_activity(seeded_session_factory, LATE_PAYER, clock.now())
    desk = CustomerDesk(seeded_session_factory, clock)
    sophie = customer_id(seeded_session_factory, "CL0000001")
    app = Harness(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(CustomerPanel)
        panel.show_customer(activity.customer_id)
        await settle(pilot)
        assert app.query_one("#cp-orders", Static).display
        panel.show_customer(sophie)
        await settle(pilot)
        assert text_of(app.query_one("#cp-name", Static)).endswith("CL0000001")
        # Sophie has neither orders, survey answers nor promises: no empty section for them.
        for name in ("orders", "surveys", "promises"):
            assert not app.query_one(f"#cp-{name}", Static).display, name
        text = card_text(pilot)
        assert "Commandes" not in text and "Installation date" not in text


async def test_activity_that_cannot_be_read_leaves_the_card_on_screen(
    seeded_company: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    class BrokenDesk(CustomerDesk):
        def activity(self, customer_id: int) -> CustomerActivity:
            raise OSError("disque plein")

    desk = BrokenDesk(seeded_company, clock)
    sophie = customer_id(seeded_company, "CL0000001")
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(120, 40), message_hook=captured) as pilot:
        app.query_one(CustomerPanel).show_customer(sophie)
        await settle(pilot)
        assert text_of(app.query_one("#cp-name", Static)) == "Mme Sophie Durand — CL0000001"
        assert visible(pilot, "#cp-name")
        status = app.query_one("#cp-activity-status", Static)
        assert status.display
        assert text_of(status) == (
            "Commandes, paiements et messages indisponibles : Erreur inattendue (OSError). "
            "Réessayez ; si elle persiste, prévenez le formateur."
        )
        assert [m.operation for m in captured.of(CustomerPanel.Failed)] == ["customer-activity"]
        assert captured.of(CustomerPanel.ActivityShown) == []


async def test_activity_read_again_during_the_call(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    desk = CustomerDesk(seeded_session_factory, clock)
    thomas = customer_id(seeded_session_factory, LATE_PAYER)
    captured = Captured()
    app = Harness(desk)
    async with app.run_test(size=(120, 40), message_hook=captured) as pilot:
        panel = app.query_one(CustomerPanel)
        panel.show_customer(thomas)
        await settle(pilot)
        assert not app.query_one("#cp-orders", Static).display
        activity = add_activity(seeded_session_factory, LATE_PAYER, clock.now())
        panel.refresh_activity()
        await settle(pilot)
        orders = text_of(app.query_one("#cp-orders", Static)).splitlines()
        assert orders[0] == "Commandes (1)"
        assert orders[1].startswith(activity.order.number)
        assert len(captured.of(CustomerPanel.CardShown)) == 1
        assert len(captured.of(CustomerPanel.ActivityShown)) == 2
