"""Closing a sale (C1.6): catalogue filters, the additional-sale rule, the quote, and the
order + installation visit + payment written all together or not at all."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select, table
from sqlalchemy.orm import sessionmaker

from crm.errors import ValidationError
from crm.models import CRM_TABLES, Customer, Invoice, Payment
from crm.services import appointments
from crm.services.appointments import NewAppointment
from crm.services.customers import find_by_number
from crm.services.sales import (
    NewSale,
    SaleRules,
    close_sale,
    filter_offers,
    installation_slots_free,
    offer_catalogue,
    quote_sale,
    suggest_additional_sale,
)
from tests.crm.conftest import (  # noqa: F401
    SEED_NOW,
    engine,
    seeded_company,
    seeded_session_factory,
)

COMPANY = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "seed_data" / "company.yaml").read_text("utf-8")
)
RULES = SaleRules.from_company(COMPANY)
NOW = SEED_NOW
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def counts(session_factory: sessionmaker) -> dict[str, int]:
    with session_factory() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table(name))) or 0
            for name in CRM_TABLES
        }


def customer(session_factory: sessionmaker, number: str) -> int:
    found = find_by_number(session_factory, number)
    assert found is not None
    return found.id


def codes(offers: tuple) -> list[str]:
    return [offer.code for offer in offers]


def test_rules_come_from_company_yaml() -> None:
    assert RULES.installation.hours == ("08:00-10:00", "10:00-12:00", "14:00-16:00", "16:00-18:00")
    assert RULES.installation.lead_time_days == 3
    assert RULES.due_after_days == 14
    assert RULES.pricing.bundle_plans == {"MOB-50", "MOB-150", "MOB-300"}


def test_catalogue_filters_need_budget_and_eligibility(
    seeded_company: sessionmaker,  # noqa: F811
) -> None:
    offers = offer_catalogue(seeded_company)
    assert "FEE-ACTIVATION-BOX" not in codes(offers)
    assert codes(filter_offers(offers, need="internet")) == ["BOX-ESS", "BOX-PLUS", "BOX-ULTRA"]
    assert codes(filter_offers(offers, need="internet", fibre_eligible=False)) == ["BOX-ADSL"]
    assert codes(filter_offers(offers, need="internet", max_monthly=Decimal("30"))) == ["BOX-ESS"]
    assert codes(filter_offers(offers, need="mobile", max_monthly=Decimal("10"))) == [
        "MOB-2H",
        "MOB-50",
    ]
    assert codes(filter_offers(offers, need="tv")) == [
        "BOX-ESS",
        "BOX-PLUS",
        "BOX-ULTRA",
        "OPT-CINE",
        "OPT-DECODEUR",
        "OPT-SPORT",
    ]
    assert "EQ-REPETEUR" in codes(filter_offers(offers, need="equipement"))
    with pytest.raises(ValidationError, match="Besoin inconnu"):
        filter_offers(offers, need="voyage")


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ({"BOX-ESS"}, "OPT-DECODEUR"),
        ({"BOX-ESS", "OPT-DECODEUR"}, "OPT-CINE"),
        ({"BOX-PLUS"}, "OPT-CINE"),
        ({"BOX-PLUS", "OPT-CINE", "MOB-50"}, "OPT-ASSURANCE"),
        ({"MOB-2H"}, "OPT-ASSURANCE"),
        ({"BOX-ULTRA"}, "MOB-50"),
        ({"BOX-PLUS", "OPT-CINE", "MOB-50", "OPT-ASSURANCE"}, "OPT-REPETEUR"),
        ({"BOX-ULTRA", "MOB-150", "OPT-ASSURANCE"}, None),
        ({"EQ-CABLE-FIBRE"}, None),
    ],
)
def test_additional_sale_table(
    seeded_company: sessionmaker,  # noqa: F811
    order: set[str],
    expected: str | None,
) -> None:
    catalogue = {offer.code: offer for offer in offer_catalogue(seeded_company)}
    suggestion = suggest_additional_sale(order, catalogue)
    assert (suggestion.code if suggestion else None) == expected
    if suggestion is not None:
        assert suggestion.name == catalogue[expected].name
        assert suggestion.reason.endswith(".")


def test_free_installation_slots_follow_lead_time_and_bookings(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    slots = installation_slots_free(seeded_session_factory, RULES.installation, now=NOW)
    # NOW is Monday 2 November 2026, 09:00 in Paris: the first visit is on Thursday the 5th.
    assert slots[0].start.date() == date(2026, 11, 5)
    assert slots[0].start.hour == 8 and slots[0].end.hour == 10
    assert all(slot.start.weekday() != 6 for slot in slots)
    appointments.book_appointment(
        seeded_session_factory,
        NewAppointment(customer(seeded_session_factory, "CL0000001"), slots[0], kind="repair"),
        now=NOW,
    )
    after = installation_slots_free(seeded_session_factory, RULES.installation, now=NOW)
    assert after[0] == slots[1]


def box_sale(session_factory: sessionmaker) -> NewSale:
    slot = installation_slots_free(session_factory, RULES.installation, now=NOW)[2]
    return NewSale(
        customer_id=customer(session_factory, "CL0000009"),
        offers=("BOX-PLUS", "MOB-50"),
        options=("OPT-CINE",),
        slot=slot,
        payment_method="direct_debit",
        iban=IBAN,
    )


def test_quote_prices_the_sale_and_writes_nothing(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    before = counts(seeded_session_factory)
    quote = quote_sale(
        seeded_session_factory, box_sale(seeded_session_factory), rules=RULES, now=NOW
    )
    # 34.99 + 9.99 + 9.99 - 5.00 (the new Forfait 50 Go of a box customer)
    assert quote.total_monthly == Decimal("49.97")
    assert quote.discount_monthly == Decimal("5.00")
    assert quote.total_one_off == Decimal("48.00")  # activation of the box
    assert quote.engagement_months == 12
    assert quote.has_box
    assert quote.payment_label == "FR76…0189"
    assert quote.suggestion is not None and quote.suggestion.code == "OPT-ASSURANCE"
    assert counts(seeded_session_factory) == before


def test_box_sale_by_direct_debit_lands_in_the_crm(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    sale = box_sale(seeded_session_factory)
    before = counts(seeded_session_factory)
    result = close_sale(seeded_session_factory, sale, rules=RULES, now=NOW)
    after = counts(seeded_session_factory)
    grew = {name for name in CRM_TABLES if after[name] != before[name]}
    assert grew == {"orders", "order_lines", "appointments", "invoices", "payments"}
    assert after["orders"] == before["orders"] + 1
    assert after["appointments"] == before["appointments"] + 1
    assert result.order.total_monthly == Decimal("49.97")
    assert result.appointment is not None and result.appointment.kind == "installation"
    assert result.appointment.slot_start == sale.slot.start
    assert result.payment is not None
    assert (result.payment.method, result.payment.amount) == ("direct_debit", Decimal("48.00"))
    assert result.payment.reference == "SEPA FR76…0189"
    with seeded_session_factory() as session:
        row = session.get(Customer, sale.customer_id)
        assert row is not None
        assert (row.payment_method, row.iban) == ("direct_debit", "FR7630006000011234567890189")
        invoice = session.scalar(select(Invoice).where(Invoice.number == result.invoice_number))
        assert invoice is not None and invoice.status == "paid"
        assert invoice.due_on == date(2026, 11, 16)
    assert result.invoice_number == "FA-2026-0000181"


def test_mobile_and_phone_paid_by_card(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    sale = NewSale(
        customer_id=customer(seeded_session_factory, "CL0000011"),
        offers=("MOB-300",),
        options=("OPT-ASSURANCE",),
        equipment=(("EQ-KALO-A5", 1),),
        payment_method="card",
        reference="AUT-448812",
    )
    result = close_sale(seeded_session_factory, sale, rules=RULES, now=NOW)
    assert result.appointment is None
    assert result.order.total_monthly == Decimal("31.98")
    assert result.payment is not None
    assert (result.payment.method, result.payment.reference) == ("card", "AUT-448812")
    assert result.payment.amount == Decimal("199.00")


def test_option_only_by_direct_debit_records_the_mandate(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    sophie = customer(seeded_session_factory, "CL0000001")
    before = counts(seeded_session_factory)
    result = close_sale(
        seeded_session_factory,
        NewSale(sophie, options=("OPT-SPORT",), payment_method="direct_debit", iban=IBAN),
        rules=RULES,
        now=NOW,
    )
    assert result.payment is None and result.invoice_number is None
    assert result.order.total_one_off == Decimal("0.00")
    assert counts(seeded_session_factory)["payments"] == before["payments"]


def test_refused_sale_names_every_field_and_writes_nothing(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    before = counts(seeded_session_factory)
    with pytest.raises(ValidationError) as caught:
        close_sale(
            seeded_session_factory,
            NewSale(customer(seeded_session_factory, "CL0000009"), payment_method="direct_debit",
                    iban="FR76 3000 6000 0112 3456 7890 188"),
            rules=RULES,
            now=NOW,
        )  # fmt: skip
    fields = {item.field for item in caught.value.errors}
    assert fields == {"offres", "iban"}
    assert "commande est vide" in caught.value.for_field("offres")[0]
    sale = replace(box_sale(seeded_session_factory), slot=None, payment_method="")
    with pytest.raises(ValidationError) as caught:
        close_sale(seeded_session_factory, sale, rules=RULES, now=NOW)
    assert caught.value.for_field("creneau") == (
        "Choisissez le créneau d'installation de la box avec le client.",
    )
    assert caught.value.for_field("mode_paiement")
    card = replace(box_sale(seeded_session_factory), payment_method="card", reference="")
    with pytest.raises(ValidationError, match="référence d'autorisation"):
        close_sale(seeded_session_factory, card, rules=RULES, now=NOW)
    card = replace(card, reference="4970 1012 3456 7890")
    with pytest.raises(ValidationError, match="jamais un numéro de carte"):
        close_sale(seeded_session_factory, card, rules=RULES, now=NOW)
    # Customer 1 already has the Box Plus: the same box again is refused (another box is a
    # change of offer, see test_services_sales).
    with pytest.raises(ValidationError, match="a déjà la Box Plus"):
        close_sale(
            seeded_session_factory,
            replace(box_sale(seeded_session_factory), customer_id=1),
            rules=RULES,
            now=NOW,
        )
    with pytest.raises(ValidationError) as caught:
        close_sale(
            seeded_session_factory,
            NewSale(customer(seeded_session_factory, "CL0000009"), options=("OPT-CINE",),
                    payment_method="card"),
            rules=RULES,
            now=NOW,
        )  # fmt: skip
    assert caught.value.for_field("options") == (
        "L'option Pack Ciné Séries demande une box Orbelia.",
    )
    assert counts(seeded_session_factory) == before


def test_slot_taken_meanwhile_undoes_the_whole_sale(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    sale = box_sale(seeded_session_factory)
    assert sale.slot is not None
    appointments.book_appointment(
        seeded_session_factory,
        NewAppointment(customer(seeded_session_factory, "CL0000001"), sale.slot, kind="repair"),
        now=NOW,
    )
    before = counts(seeded_session_factory)
    with seeded_session_factory() as session:
        payments = session.scalar(select(func.count()).select_from(Payment))
    with pytest.raises(ValidationError) as caught:
        close_sale(seeded_session_factory, sale, rules=RULES, now=NOW + timedelta(minutes=1))
    assert caught.value.for_field("creneau") == (
        "Ce créneau n'est plus disponible : proposez-en un autre au client.",
    )
    # The order was written before the visit was refused: it is gone too.
    assert counts(seeded_session_factory) == before
    with seeded_session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == payments
    assert NOW.tzinfo is UTC


def test_an_adsl_customer_moves_to_the_box_plus_as_a_change_of_offer(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    """Walk-through: the PROSPECTION-FIBRE campaign calls ADSL customers to sell the Box Plus,
    and every such sale was refused ("une seule box"). Now a change of offer: the summary read
    to the customer names the box it replaces, and no activation fee is charged (OFF-020)."""
    hoarau = customer(seeded_session_factory, "CL0000004")  # Box Essentielle ADSL/VDSL
    slot = installation_slots_free(seeded_session_factory, RULES.installation, now=NOW)[0]
    sale = NewSale(
        hoarau, offers=("BOX-PLUS",), slot=slot, payment_method="direct_debit", iban=IBAN
    )
    quote = quote_sale(seeded_session_factory, sale, rules=RULES, now=NOW)
    assert quote.replaced_box == "Box Essentielle ADSL/VDSL"
    assert [line.offer_code for line in quote.lines] == ["BOX-PLUS"]
    assert quote.total_one_off == Decimal("0.00")
    result = close_sale(seeded_session_factory, sale, rules=RULES, now=NOW)
    assert result.appointment is not None and result.payment is None
    assert result.order.replaced_box == "Box Essentielle ADSL/VDSL"
