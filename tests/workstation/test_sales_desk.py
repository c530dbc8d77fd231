"""The sales desk's own rules: quantities typed in the form, the French read-back summary."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from crm.errors import ValidationError
from crm.services.sales import SaleQuote
from crm.views import OrderLineView, Slot
from seed_data import SEED_DIR
from workstation.clock import VirtualClock
from workstation.sales_desk import SaleForm, SalesDesk, company_rules_from, euros, slot_label

RULES = company_rules_from(Path(SEED_DIR) / "company.yaml")
SLOT = Slot(datetime(2026, 11, 7, 13, 0, tzinfo=UTC), datetime(2026, 11, 7, 15, 0, tzinfo=UTC))


def desk() -> SalesDesk:
    # sale_of and summary never touch the database.
    return SalesDesk(None, VirtualClock(), RULES)  # type: ignore[arg-type]


def test_amounts_and_slots_read_the_french_way() -> None:
    assert euros(Decimal("1234.5")).replace("\u00a0", " ") == "1 234,50 €"
    assert euros(Decimal("34.99")).replace("\u00a0", " ") == "34,99 €"
    # 13:00 UTC is 14:00 in Paris in November.
    assert slot_label(SLOT) == "samedi 7 novembre 2026, 14:00–16:00"


def test_form_becomes_the_crm_sale() -> None:
    sale = desk().sale_of(
        SaleForm(
            customer_id=4,
            box="BOX-PLUS",
            mobile="MOB-50",
            mobile_count=" 2 ",
            options=("OPT-CINE",),
            equipment="EQ-REPETEUR",
            equipment_count="3",
            payment_method="card",
            reference="AUT-1",
        )
    )
    assert sale.offers == ("BOX-PLUS", "MOB-50", "MOB-50")
    assert sale.equipment == (("EQ-REPETEUR", 3),)
    assert sale.options == ("OPT-CINE",)


@pytest.mark.parametrize("count", ["", "0", "5", "deux", "-1", "1.5"])
def test_wrong_quantities_are_refused_by_field(count: str) -> None:
    with pytest.raises(ValidationError) as caught:
        desk().sale_of(
            SaleForm(
                customer_id=4, mobile="MOB-50", mobile_count=count, equipment="EQ-REPETEUR",
                equipment_count="11",
            )
        )  # fmt: skip
    assert caught.value.for_field("quantite_mobile") == ("Saisissez un nombre de 1 à 4.",)
    assert caught.value.for_field("quantite_equipement") == ("Saisissez un nombre de 1 à 10.",)


def line(code: str, label: str, quantity: int, price: str, billing: str) -> OrderLineView:
    unit = Decimal(price)
    return OrderLineView(code, label, quantity, unit, billing, unit * quantity)


def test_summary_read_back_to_the_customer() -> None:
    quote = SaleQuote(
        lines=(
            line("BOX-ESS", "Box Essentielle", 1, "24.99", "monthly"),
            line("MOB-50", "Forfait 50 Go", 1, "9.99", "monthly"),
            line("EQ-REPETEUR", "Répéteur Wi-Fi 6 (achat)", 2, "59.00", "one_off"),
            line("FEE-ACTIVATION-BOX", "Frais de mise en service box", 1, "48.00", "one_off"),
        ),
        total_monthly=Decimal("29.98"),
        total_one_off=Decimal("166.00"),
        discount_monthly=Decimal("5.00"),
        engagement_months=0,
        has_box=True,
        slot=SLOT,
        payment_method="card",
        payment_label="AUT-448812",
        suggestion=None,
    )  # fmt: skip
    text = "\n".join(desk().summary(quote)).replace("\u00a0", " ")
    assert text == (
        "Récapitulatif de votre commande :\n"
        "  • Box Essentielle : 24,99 €/mois\n"
        "  • Forfait 50 Go : 9,99 €/mois\n"
        "  • 2 × Répéteur Wi-Fi 6 (achat) : 118,00 € une fois\n"
        "  • Frais de mise en service box : 48,00 € une fois\n"
        "  • Remise box + mobile : −5,00 €/mois\n"
        "Total mensuel : 29,98 €\n"
        "Total à régler aujourd'hui : 166,00 €\n"
        "Engagement : sans engagement\n"
        "Installation : samedi 7 novembre 2026, 14:00–16:00\n"
        "Paiement : carte bancaire, autorisation AUT-448812"
    )


def test_summary_of_a_change_of_offer_names_the_box_replaced() -> None:
    quote = SaleQuote(
        lines=(line("BOX-PLUS", "Box Plus", 1, "34.99", "monthly"),),
        total_monthly=Decimal("34.99"), total_one_off=Decimal("0.00"),
        discount_monthly=Decimal("0.00"), engagement_months=12, has_box=True, slot=SLOT,
        payment_method="card", payment_label="", suggestion=None,
        replaced_box="Box Essentielle ADSL/VDSL",
    )  # fmt: skip
    summary = desk().summary(quote)
    assert summary[:3] == (
        "Récapitulatif de votre commande :",
        "Changement d'offre : remplace votre Box Essentielle ADSL/VDSL.",
        "  • Box Plus : 34,99\u00a0€/mois",
    )
    assert summary[-1] == "Paiement : carte bancaire, rien à régler aujourd'hui"


def test_comparison_takes_two_or_three_offers() -> None:
    for codes in ((), ("BOX-ESS",), ("A", "B", "C", "D")):
        with pytest.raises(ValidationError, match="2 ou 3 offres"):
            desk().compare(codes)
