"""Sales services: orders priced from the catalogue of company.yaml (C1.6), and technician
appointments."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select, table
from sqlalchemy.orm import sessionmaker

from crm.errors import NotFound, RuleViolation, ValidationError
from crm.models import CRM_TABLES, Contract, Customer, Offer, Order
from crm.services import appointments, orders
from crm.services.appointments import NewAppointment, installation_slots
from crm.services.orders import NewOrder, PricingRules
from crm.views import Slot

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
COMPANY = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "seed_data" / "company.yaml").read_text("utf-8")
)
RULES = PricingRules.from_company(COMPANY)


def counts(session_factory: sessionmaker) -> dict[str, int]:
    with session_factory() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table(name))) or 0
            for name in CRM_TABLES
        }


def _price(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.fixture
def catalogue(session_factory: sessionmaker) -> None:
    """The offers of company.yaml, with the activation fee as the seeding names it."""
    with session_factory.begin() as session:
        for item in COMPANY["boxes"]:
            session.add(
                Offer(
                    code=item["code"],
                    name=item["name"],
                    kind="box",
                    monthly_price=_price(item["monthly_price"]),
                    engagement_months=item["engagement_months"],
                )
            )
        for item in COMPANY["mobile_plans"]:
            session.add(
                Offer(
                    code=item["code"],
                    name=item["name"],
                    kind="mobile",
                    monthly_price=_price(item["monthly_price"]),
                )
            )
        for item in COMPANY["options"]:
            session.add(
                Offer(
                    code=item["code"],
                    name=item["name"],
                    kind="option",
                    applies_to=item["for"],
                    monthly_price=_price(item.get("monthly_price")),
                    one_off_price=_price(item.get("one_off_price")),
                )
            )
        for item in COMPANY["equipment"]:
            session.add(
                Offer(
                    code=item["code"],
                    name=item["name"],
                    kind="equipment",
                    one_off_price=_price(item["price"]),
                )
            )
        session.add(
            Offer(
                code="FEE-ACTIVATION-BOX",
                name="Frais de mise en service",
                kind="fee",
                one_off_price=_price(COMPANY["fees"]["activation_box"]),
            )
        )


@pytest.fixture
def customer(session_factory: sessionmaker, catalogue: None) -> int:
    with session_factory.begin() as session:
        row = Customer(
            number="CL0000001",
            kind="particulier",
            civility="Mme",
            first_name="Sophie",
            last_name="Durand",
            address_line1="12 rue des Lilas",
            postcode="69003",
            city="Lyon",
        )
        session.add(row)
        session.flush()
        return row.id


def test_catalogue_lists_active_offers(session_factory: sessionmaker, catalogue: None) -> None:
    boxes = orders.catalogue(session_factory, kind="box")
    assert [b.code for b in boxes] == ["BOX-ADSL", "BOX-ESS", "BOX-PLUS", "BOX-ULTRA"]
    assert boxes[2].monthly_price == Decimal("34.99")


def test_box_with_two_mobiles_option_and_phone(
    session_factory: sessionmaker, customer: int
) -> None:
    order = orders.create_order(
        session_factory,
        NewOrder(
            customer_id=customer,
            offers=("BOX-PLUS", "MOB-50", "MOB-150"),
            options=("OPT-CINE", "OPT-ROAMING"),
            equipment=(("EQ-KALO-A5", 2),),
        ),
        now=NOW,
        rules=RULES,
    )
    assert order.number == "CM-2026-0000001"
    # 34.99 + 9.99 + 15.99 + 9.99 (Ciné) - 2 × 5.00 (box + mobile bundle)
    assert order.total_monthly == Decimal("60.96")
    assert order.discount_monthly == Decimal("10.00")
    # 2 × 199.00 + 19.99 (Pass Monde) + 48.00 (activation)
    assert order.total_one_off == Decimal("465.99")
    assert [(line.offer_code, line.billing, line.total) for line in order.lines] == [
        ("BOX-PLUS", "monthly", Decimal("34.99")),
        ("MOB-50", "monthly", Decimal("9.99")),
        ("MOB-150", "monthly", Decimal("15.99")),
        ("OPT-CINE", "monthly", Decimal("9.99")),
        ("OPT-ROAMING", "one_off", Decimal("19.99")),
        ("EQ-KALO-A5", "one_off", Decimal("398.00")),
        ("FEE-ACTIVATION-BOX", "one_off", Decimal("48.00")),
    ]
    second = orders.create_order(
        session_factory, NewOrder(customer, equipment=(("EQ-CABLE-FIBRE", 1),)), now=NOW
    )
    assert second.number == "CM-2026-0000002"
    assert second.total_monthly == Decimal("0.00") and second.total_one_off == Decimal("15.00")


def test_bundle_discount_counts_existing_plans(
    session_factory: sessionmaker, customer: int
) -> None:
    with session_factory.begin() as session:
        box = session.scalar(select(Offer).where(Offer.code == "BOX-ESS"))
        mobile = session.scalar(select(Offer).where(Offer.code == "MOB-50"))
        assert box is not None and mobile is not None
        session.add(
            Contract(
                customer_id=customer,
                offer_id=box.id,
                start_date=date(2025, 1, 1),
                monthly_price=box.monthly_price,
            )
        )
        for _ in range(3):
            session.add(
                Contract(
                    customer_id=customer,
                    offer_id=mobile.id,
                    start_date=date(2025, 1, 1),
                    monthly_price=mobile.monthly_price,
                )
            )
    order = orders.create_order(
        session_factory,
        NewOrder(customer, offers=("MOB-50", "MOB-50"), options=("OPT-DECODEUR",)),
        now=NOW,
        rules=RULES,
    )
    # Only one more plan fits under the 4-plan cap; no activation fee without a new box.
    assert order.discount_monthly == Decimal("5.00")
    assert order.total_monthly == Decimal("9.99") * 2 + Decimal("5.00") - Decimal("5.00")
    assert order.total_one_off == Decimal("0.00")
    with pytest.raises(RuleViolation, match="a déjà la Box Essentielle") as caught:
        orders.create_order(session_factory, NewOrder(customer, offers=("BOX-ESS",)), now=NOW)
    assert caught.value.rule == "same_box"


def test_a_box_customer_changes_box_without_activation_fee(
    session_factory: sessionmaker, customer: int
) -> None:
    """Walk-through: 3 customers in 4 have a box and the seller was told to "propose a change
    of offer" that nothing allowed. OFF-020: moving up is possible at any time, no new 48 € fee;
    moving down waits for the end of the engagement."""
    with session_factory.begin() as session:
        box = session.scalar(select(Offer).where(Offer.code == "BOX-PLUS"))
        assert box is not None
        session.add(
            Contract(
                customer_id=customer,
                offer_id=box.id,
                start_date=date(2026, 6, 1),
                engagement_end=date(2027, 6, 1),
                monthly_price=box.monthly_price,
            )
        )
    with pytest.raises(RuleViolation, match="fin de l'engagement de la Box Plus") as caught:
        orders.create_order(session_factory, NewOrder(customer, offers=("BOX-ESS",)), now=NOW)
    assert caught.value.rule == "downgrade_engaged"
    order = orders.create_order(
        session_factory, NewOrder(customer, offers=("BOX-ULTRA",)), now=NOW, rules=RULES
    )
    assert [line.offer_code for line in order.lines] == ["BOX-ULTRA"]
    assert order.total_one_off == Decimal("0.00")
    assert order.total_monthly == Decimal("49.99")
    with session_factory() as session:
        row = session.scalar(select(Order).where(Order.number == order.number))
        assert row is not None
        assert row.note.startswith("Changement d'offre : Box Ultra en remplacement de Box Plus.")


def test_forfait_2h_gets_no_bundle_discount(session_factory: sessionmaker, customer: int) -> None:
    """company.yaml `bundle_discount_plans`: the 2,99 € plan is not eligible."""
    order = orders.create_order(
        session_factory,
        NewOrder(customer, offers=("BOX-ESS", "MOB-2H", "MOB-50")),
        now=NOW,
        rules=RULES,
    )
    assert RULES.bundle_plans == {"MOB-50", "MOB-150", "MOB-300"}
    assert order.discount_monthly == Decimal("5.00")
    assert order.total_monthly == Decimal("24.99") + Decimal("2.99") + Decimal("4.99")
    # A box customer's Forfaits 2h do not use up the 4-plan cap.
    with session_factory.begin() as session:
        box = session.scalar(select(Offer).where(Offer.code == "BOX-ESS"))
        mobile = session.scalar(select(Offer).where(Offer.code == "MOB-2H"))
        assert box is not None and mobile is not None
        session.add(
            Contract(
                customer_id=customer,
                offer_id=box.id,
                start_date=date(2025, 1, 1),
                monthly_price=box.monthly_price,
            )
        )
        for _ in range(4):
            session.add(
                Contract(
                    customer_id=customer,
                    offer_id=mobile.id,
                    start_date=date(2025, 1, 1),
                    monthly_price=mobile.monthly_price,
                )
            )
    more = orders.create_order(
        session_factory, NewOrder(customer, offers=("MOB-150",)), now=NOW, rules=RULES
    )
    assert more.discount_monthly == Decimal("5.00")


BAD_ORDERS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({}, ValidationError, "commande est vide"),
    ({"offers": ("BOX-NOPE",)}, ValidationError, "Code inconnu du catalogue"),
    ({"offers": ("OPT-CINE",)}, ValidationError, "ne se commande pas ici"),
    ({"options": ("BOX-PLUS",)}, ValidationError, "ne se commande pas ici"),
    (
        {"offers": ("MOB-50",), "options": ("OPT-SECURITE", "OPT-SECURITE")},
        ValidationError,
        "deux fois",
    ),
    ({"equipment": (("EQ-KALO-A5", 0),)}, ValidationError, "Quantité invalide"),
    ({"equipment": (("EQ-KALO-A5", 11),)}, ValidationError, "Quantité invalide"),
    ({"offers": ("MOB-50",), "options": ("OPT-CINE",)}, RuleViolation, "demande une box"),
    ({"offers": ("BOX-ESS",), "options": ("OPT-ASSURANCE",)}, RuleViolation, "forfait mobile"),
    ({"offers": ("BOX-ESS", "BOX-PLUS")}, RuleViolation, "Une seule box par commande"),
    ({"offers": ("MOB-50",), "channel": "pigeon"}, ValidationError, "Valeur invalide"),
    ({"offers": ("MOB-50",), "customer_id": 404}, NotFound, "Client introuvable"),
    ({"offers": ("MOB-50",), "agent_id": 404}, NotFound, "Conseiller introuvable"),
]


def test_bad_orders_write_nothing(session_factory: sessionmaker, customer: int) -> None:
    before = counts(session_factory)
    for changes, error, message in BAD_ORDERS:
        with pytest.raises(error, match=message):
            orders.create_order(
                session_factory, replace(NewOrder(customer), **changes), now=NOW, rules=RULES
            )
    assert counts(session_factory) == before


def test_installation_slots_follow_company_yaml() -> None:
    slots = installation_slots(date(2026, 11, 28), 3, COMPANY["installation"]["slots"])
    # Saturday 28, (no Sunday), Monday 30: 2 days × 4 slots.
    assert len(slots) == 8
    assert slots[0].start == datetime(2026, 11, 28, 7, 0, tzinfo=UTC)  # 08:00 Paris
    assert slots[-1].end == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 18:00 Paris


def test_free_slots_and_booking(session_factory: sessionmaker, customer: int) -> None:
    slots = installation_slots(date(2026, 11, 23), 1, COMPANY["installation"]["slots"])
    assert appointments.free_slots(session_factory, slots, now=NOW) == slots
    booked = appointments.book_appointment(
        session_factory, NewAppointment(customer, slots[1], note="Digicode 1234"), now=NOW
    )
    assert booked.slot_start == slots[1].start and booked.status == "planned"
    assert appointments.free_slots(session_factory, slots, now=NOW) == (
        slots[0],
        slots[2],
        slots[3],
    )
    assert appointments.free_slots(session_factory, slots, now=NOW, technicians=2) == slots
    with pytest.raises(ValidationError, match="fuseau horaire"):
        appointments.free_slots(session_factory, slots, now=datetime(2026, 11, 20, 9, 30))
    before = counts(session_factory)
    with pytest.raises(RuleViolation, match="plus disponible") as caught:
        appointments.book_appointment(session_factory, NewAppointment(customer, slots[1]), now=NOW)
    assert caught.value.rule == "slot_taken"
    past = Slot(NOW - timedelta(hours=2), NOW - timedelta(hours=1))
    naive = Slot(datetime(2026, 12, 1, 8), datetime(2026, 12, 1, 10))
    cases: list[tuple[NewAppointment, type[Exception], str]] = [
        (NewAppointment(customer, past), ValidationError, "déjà passé"),
        (NewAppointment(customer, naive), ValidationError, "Créneau invalide"),
        (NewAppointment(customer, slots[2], kind="party"), ValidationError, "Valeur invalide"),
        (NewAppointment(404, slots[2]), NotFound, "Client introuvable"),
        (NewAppointment(customer, slots[2], contract_id=404), ValidationError, "contrat"),
    ]
    for request, error, message in cases:
        with pytest.raises(error, match=message):
            appointments.book_appointment(session_factory, request, now=NOW)
    assert counts(session_factory) == before
