"""The sales panel (C1.6) in a harness app, on a seeded database and the seed scripts base:
from the needs to a confirmed sale, with rows asserted in the CRM."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select, table
from sqlalchemy.orm import sessionmaker
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, SelectionList, Static

from crm.models import CRM_TABLES, Appointment, Customer, Order, Payment
from crm.services.customers import find_by_number
from kb.search import KnowledgeBase
from seed_data import SEED_DIR
from tests.crm.conftest import engine, seeded_session_factory  # noqa: F401
from workstation.clock import VirtualClock
from workstation.sales_desk import SalesDesk, company_rules_from
from workstation.tui.widgets.article_view import ArticleView
from workstation.tui.widgets.sales_panel import SalesPanel

RULES = company_rules_from(Path(SEED_DIR) / "company.yaml")
IBAN = "FR76 3000 6000 0112 3456 7890 189"
PANEL_MESSAGES = (
    SalesPanel.OfferCompared,
    SalesPanel.ArgumentOpened,
    SalesPanel.UpsellSuggested,
    SalesPanel.OrderPlaced,
    SalesPanel.AppointmentBooked,
    SalesPanel.PaymentRecorded,
    SalesPanel.FormError,
)


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The seed knowledge bases, indexed once for the module."""
    return KnowledgeBase.open(SEED_DIR / "kb", tmp_path_factory.mktemp("sales-index"))


class Harness(App[None]):
    """The panel alone on a screen, as the desk mounts it in a tab."""

    def __init__(self, desk: SalesDesk, knowledge: KnowledgeBase) -> None:
        super().__init__()
        self.desk = desk
        self.knowledge = knowledge
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        yield SalesPanel(self.desk, self.knowledge, agent_id=None, id="panel")


class Captured:
    """The panel's public messages, each once."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, PANEL_MESSAGES) and all(m is not message for m in self.messages):
            self.messages.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]


async def settle(pilot: Pilot) -> None:
    for _round in range(5):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text_of(widget: Widget) -> str:
    return str(widget.render()).replace("\u00a0", " ")


def error_of(app: App[None], field: str) -> str:
    label = app.query_one(f"#sp-{field}-error", Static)
    return text_of(label) if label.has_class("-shown") else ""


def counts(factory: sessionmaker) -> dict[str, int]:
    with factory() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table(name))) or 0
            for name in CRM_TABLES
        }


def customer_id(factory: sessionmaker, number: str) -> int:
    found = find_by_number(factory, number)
    assert found is not None
    return found.id


async def start(pilot: Pilot, customer: int) -> SalesPanel:
    panel = pilot.app.query_one(SalesPanel)
    await settle(pilot)
    panel.show_customer(customer)
    await settle(pilot)
    return panel


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_box_sale_with_upsell_visit_and_direct_debit(
    seeded_session_factory: sessionmaker,  # noqa: F811
    knowledge: KnowledgeBase,
    clock: VirtualClock,
    size: tuple[int, int],
) -> None:
    factory = seeded_session_factory
    huet = customer_id(factory, "CL0000009")
    captured = Captured()
    app = Harness(SalesDesk(factory, clock, RULES), knowledge)
    async with app.run_test(size=size, message_hook=captured) as pilot:
        panel = await start(pilot, huet)
        panel.call_id = "1700000000.7"
        assert "Garage Huet SASU (M. Sébastien Huet) — CL0000009" in text_of(
            app.query_one("#sp-context", Static)
        )

        # 1. Needs: internet, fibre eligible, then not.
        app.query_one("#sp-need", Select).value = "internet"
        await settle(pilot)
        offers = app.query_one("#sp-offers", SelectionList)
        assert [offers.get_option_at_index(i).value for i in range(offers.option_count)] == [
            "BOX-ESS",
            "BOX-PLUS",
            "BOX-ULTRA",
        ]
        app.query_one("#sp-fibre", Checkbox).value = False
        await settle(pilot)
        assert offers.option_count == 1 and offers.get_option_at_index(0).value == "BOX-ADSL"
        app.query_one("#sp-fibre", Checkbox).value = True
        await settle(pilot)

        # Keyboard: tick two boxes, compare, and read the arguments of the highlighted one.
        offers.focus()
        await pilot.press("space", "down", "space")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        compared = captured.of(SalesPanel.OfferCompared)
        assert compared and compared[-1].codes == ("BOX-ESS", "BOX-PLUS")
        console = Console(width=120, file=io.StringIO(), record=True)
        console.print(app.query_one("#sp-compare", Static).content)
        table_text = console.export_text().replace("\u00a0", " ")
        assert "Box Essentielle" in table_text and "Box Plus" in table_text
        assert "24,99 €/mois" in table_text and "sans engagement" in table_text
        opened = captured.of(SalesPanel.ArgumentOpened)
        assert opened and opened[-1].article_id == "SCR-003"
        assert opened[-1].offer_code == "BOX-PLUS"
        assert "Argumentaire" in app.query_one("#sp-argument", ArticleView).markdown

        # 3-4. The order, the visit and the payment.
        app.query_one("#sp-box", Select).value = "BOX-PLUS"
        app.query_one("#sp-slot", Select).value = 0
        app.query_one("#sp-method", Select).value = "direct_debit"
        app.query_one("#sp-iban", Input).value = IBAN
        await clock.advance(95)
        await pilot.press("ctrl+r")
        await settle(pilot)
        summary = text_of(app.query_one("#sp-summary", Static))
        assert "Total mensuel : 34,99 €" in summary
        assert "Total à régler aujourd'hui : 48,00 €" in summary
        assert "Engagement : 12 mois" in summary
        assert "Installation : jeudi 5 novembre 2026, 08:00–10:00" in summary
        assert "prélèvement SEPA sur le compte FR76…0189" in summary
        assert "Pack Ciné Séries" in text_of(app.query_one("#sp-suggestion", Static))
        assert counts(factory)["orders"] == counts(factory)["orders"]  # quote wrote nothing
        before = counts(factory)

        # Tab reaches the confirmation button and scrolls it into view, even at 80x24.
        for _press in range(40):
            if app.focused is not None and app.focused.id == "sp-confirm-button":
                break
            await pilot.press("tab")
        await settle(pilot)
        button = app.query_one("#sp-confirm-button")
        assert app.focused is button and not button.disabled
        assert app.screen.region.contains_region(button.region)

        # The additional sale, then the confirmation.
        await pilot.press("ctrl+y")
        await settle(pilot)
        summary = text_of(app.query_one("#sp-summary", Static))
        assert "Total mensuel : 44,98 €" in summary
        await pilot.press("ctrl+s")
        await settle(pilot)

        placed = captured.of(SalesPanel.OrderPlaced)
        assert len(placed) == 1
        order = placed[0]
        assert order.customer_id == huet
        assert order.monthly_total == Decimal("44.98")
        assert order.one_off_total == Decimal("48.00")
        assert order.upsell_accepted is True
        assert order.call_id == "1700000000.7"
        assert order.lines == ("BOX-PLUS×1", "OPT-CINE×1", "FEE-ACTIVATION-BOX×1")
        assert order.duration_s >= 95
        assert (order.errors, order.corrections) == (0, 0)
        booked = captured.of(SalesPanel.AppointmentBooked)
        paid = captured.of(SalesPanel.PaymentRecorded)
        assert len(booked) == 1 and len(paid) == 1
        assert paid[0].method == "direct_debit" and paid[0].amount == Decimal("48.00")
        status = app.query_one("#sp-status", Static)
        assert "Commande CM-" in text_of(status)
        # Walk-through bug: the confirmation was written under the fold; it stays in sight.
        assert status.region.height > 0
        assert app.screen.region.contains_region(status.region)

    after = counts(factory)
    assert after["orders"] == before["orders"] + 1
    assert after["appointments"] == before["appointments"] + 1
    assert after["payments"] == before["payments"] + 1
    with factory() as session:
        row = session.scalar(select(Order).where(Order.number == order.order_number))
        assert row is not None and row.total_monthly == Decimal("44.98")
        visit = session.get(Appointment, booked[0].appointment_id)
        assert visit is not None and visit.customer_id == huet and visit.kind == "installation"
        payment = session.scalar(
            select(Payment).where(Payment.customer_id == huet).order_by(Payment.id.desc())
        )
        assert payment is not None and payment.reference == "SEPA FR76…0189"
        assert session.get(Customer, huet).payment_method == "direct_debit"


async def test_refused_sale_shows_errors_beside_fields_and_writes_nothing(
    seeded_session_factory: sessionmaker,  # noqa: F811
    knowledge: KnowledgeBase,
    clock: VirtualClock,
) -> None:
    factory = seeded_session_factory
    huet = customer_id(factory, "CL0000009")
    captured = Captured()
    app = Harness(SalesDesk(factory, clock, RULES), knowledge)
    before = counts(factory)
    async with app.run_test(size=(80, 24), message_hook=captured) as pilot:
        await start(pilot, huet)
        app.query_one("#sp-budget", Input).focus()
        # Empty order, no payment method.
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert error_of(app, "offres") == "La commande est vide : choisissez au moins une offre."
        assert "Choisissez le mode de paiement" in error_of(app, "mode_paiement")
        # A box without a slot, paid with a wrong IBAN.
        app.query_one("#sp-box", Select).value = "BOX-ESS"
        app.query_one("#sp-method", Select).value = "direct_debit"
        app.query_one("#sp-iban", Input).value = "FR76 3000 6000 0112 3456 7890 188"
        await settle(pilot)
        assert error_of(app, "offres") == ""  # hidden once corrected
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert error_of(app, "creneau") == (
            "Choisissez le créneau d'installation de la box avec le client."
        )
        assert "IBAN" in error_of(app, "iban")
        # Confirm is not offered without a valid summary.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not captured.of(SalesPanel.OrderPlaced)
        # A bad budget is refused beside its field.
        app.query_one("#sp-budget", Input).value = "beaucoup"
        await settle(pilot)
        assert "Montant invalide" in error_of(app, "budget")
        # Corrected: a slot, a valid IBAN, then the sale goes through.
        app.query_one("#sp-slot", Select).value = 1
        app.query_one("#sp-iban", Input).value = IBAN
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert error_of(app, "creneau") == "" and error_of(app, "iban") == ""
        assert counts(factory) == before
        await pilot.press("ctrl+s")
        await settle(pilot)
    errors = captured.of(SalesPanel.FormError)
    assert {(e.form, e.field) for e in errors} >= {
        ("vente", "offres"),
        ("vente", "mode_paiement"),
        ("vente", "creneau"),
        ("vente", "iban"),
        ("vente", "budget"),
    }
    placed = captured.of(SalesPanel.OrderPlaced)
    assert len(placed) == 1
    assert placed[0].errors == 5
    # After the 1st refusal: box, method, IBAN; after the 2nd: slot, IBAN again.
    assert placed[0].corrections == 5
    assert placed[0].upsell_accepted is False
    assert counts(factory)["orders"] == before["orders"] + 1


async def test_card_payment_needs_the_authorisation_reference(
    seeded_session_factory: sessionmaker,  # noqa: F811
    knowledge: KnowledgeBase,
    clock: VirtualClock,
) -> None:
    factory = seeded_session_factory
    parent = customer_id(factory, "CL0000011")
    captured = Captured()
    app = Harness(SalesDesk(factory, clock, RULES), knowledge)
    async with app.run_test(size=(120, 40), message_hook=captured) as pilot:
        await start(pilot, parent)
        app.query_one("#sp-mobile", Select).value = "MOB-150"
        app.query_one("#sp-mobile-count", Input).value = "2"
        app.query_one("#sp-equipment", Select).value = "EQ-KALO-A5"
        app.query_one("#sp-method", Select).value = "card"
        app.query_one("#sp-reference", Input).value = "4970 1012 3456 7890"
        app.query_one("#sp-budget", Input).focus()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "jamais un numéro de carte" in error_of(app, "reference")
        app.query_one("#sp-reference", Input).value = "AUT-448812"
        app.query_one("#sp-mobile-count", Input).value = "9"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert error_of(app, "quantite_mobile") == "Saisissez un nombre de 1 à 4."
        app.query_one("#sp-mobile-count", Input).value = "2"
        await pilot.press("ctrl+r")
        await settle(pilot)
        summary = text_of(app.query_one("#sp-summary", Static))
        assert summary.count("• Forfait 150 Go 5G : 15,99 €/mois") == 2
        assert "Total mensuel : 31,98 €" in summary
        assert "Paiement : carte bancaire, autorisation AUT-448812" in summary
        assert "Assurance mobile" in text_of(app.query_one("#sp-suggestion", Static))
        await pilot.press("ctrl+s")
        await settle(pilot)
    placed = captured.of(SalesPanel.OrderPlaced)
    assert len(placed) == 1 and placed[0].one_off_total == Decimal("199.00")
    assert not captured.of(SalesPanel.AppointmentBooked)
    paid = captured.of(SalesPanel.PaymentRecorded)
    assert paid[0].method == "card" and paid[0].reference == "AUT-448812"
