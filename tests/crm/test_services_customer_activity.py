"""What the activities left in a customer's file, for the customer card (C1.6 orders and
payments, C1.7 surveys, C1.8 plans and promises, C3.2 written messages): newest first, a few
of each, with the full count, in one transaction; and the read functions of each section."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import sessionmaker

from crm.errors import NotFound
from crm.services import billing, customers, inbox, orders, surveys
from crm.views import Recent
from tests.crm.conftest import SEED_NOW, engine, seeded_session_factory  # noqa: F401
from tests.crm.customer_activity import LATE_PAYER, add_activity

NOW = SEED_NOW + timedelta(hours=1)


def test_the_file_shows_what_the_activities_left(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    activity = add_activity(seeded_session_factory, LATE_PAYER, SEED_NOW)
    card = customers.customer_card(seeded_session_factory, activity.customer_id, now=NOW)
    assert [item.note for item in card.appointments] == [
        f"Installation de la commande {activity.order.number}."
    ]
    assert card.payment_plans[0].id == activity.plan.id
    card = customers.customer_activity(seeded_session_factory, activity.customer_id)
    assert card.customer_id == activity.customer_id

    assert card.orders.total == 1
    (order,) = card.orders.items
    assert (order.number, order.status) == (activity.order.number, "confirmed")
    assert order.labels == ("Box Ultra", "Pack Ciné Séries")
    assert (order.total_monthly, order.total_one_off) == (Decimal("59.98"), Decimal("0.00"))

    # The newest promise is the one just made; the seed history holds an older one.
    assert card.promises.total == 2
    assert card.promises.items[0].summary.startswith("Promesse de règlement de 33,32\u00a0€")
    assert card.promises.items[0].started_at > card.promises.items[1].started_at

    (response,) = card.survey_responses.items
    assert (response.survey_code, response.status) == ("SAT-2026", "partial")
    assert (response.answered, response.questions) == (2, 7)

    # Sent and received, newest first: the reply, the e-mail it answers, the seed's e-mail.
    assert card.messages.total == 3
    assert [(item.subject, item.folder, item.sent) for item in card.messages.items] == [
        (activity.reply_subject, "sent", True),
        ("Installation date", "inbox", False),
        ("Prélèvement rejeté", "inbox", False),
    ]
    assert activity.reply_subject == "RE: Installation date"
    assert card.messages.items[1].status == "answered"

    # The seed's direct debits of this customer, newest first (two were rejected).
    assert card.payments.total == 5
    dates = [payment.paid_on for payment in card.payments.items]
    assert dates == sorted(dates, reverse=True)
    assert [payment.status for payment in card.payments.items] == [
        "rejected",
        "rejected",
        "accepted",
    ]
    assert card.payments.items[0].invoice_number is not None


def test_a_few_of_each_but_the_full_count(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    activity = add_activity(seeded_session_factory, LATE_PAYER, SEED_NOW)
    card = customers.customer_activity(seeded_session_factory, activity.customer_id, recent=1)
    assert (len(card.messages.items), card.messages.total) == (1, 3)
    assert (len(card.payments.items), card.payments.total) == (1, 5)
    assert (len(card.promises.items), card.promises.total) == (1, 2)
    assert card.messages.items[0].subject == "RE: Installation date"


def test_each_section_on_its_own_and_an_unknown_customer(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    activity = add_activity(seeded_session_factory, LATE_PAYER, SEED_NOW)
    customer_id = activity.customer_id
    assert orders.customer_orders(seeded_session_factory, customer_id).total == 1
    assert billing.customer_payments(seeded_session_factory, customer_id, limit=2).total == 5
    assert billing.customer_promises(seeded_session_factory, customer_id).total == 2
    assert surveys.customer_responses(seeded_session_factory, customer_id).total == 1
    assert inbox.customer_messages(seeded_session_factory, customer_id).total == 3
    for read in (
        customers.customer_activity,
        orders.customer_orders,
        billing.customer_payments,
        billing.customer_promises,
        surveys.customer_responses,
        inbox.customer_messages,
    ):
        with pytest.raises(NotFound, match="Client introuvable"):
            read(seeded_session_factory, 404_404)


def test_drafts_are_not_part_of_the_file_and_nothing_is_empty_not_missing(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    sophie = customers.find_by_number(seeded_session_factory, "CL0000001")
    assert sophie is not None
    assert orders.customer_orders(seeded_session_factory, sophie.id) == Recent((), 0)
    assert surveys.customer_responses(seeded_session_factory, sophie.id) == Recent((), 0)
    before = inbox.customer_messages(seeded_session_factory, sophie.id)
    received = inbox.receive_message(
        seeded_session_factory,
        inbox.IncomingMessage(
            channel="email",
            language="fr",
            sender="",
            subject="Changement d'adresse",
            body="Bonjour, je déménage le mois prochain.",
            received_at=NOW,
            customer_number="CL0000001",
        ),
    )
    inbox.save_draft(seeded_session_factory, received.id, "Bonjour Madame,", NOW)
    after = inbox.customer_messages(seeded_session_factory, sophie.id)
    assert after.total == before.total + 1
    assert after.items[0].subject == "Changement d'adresse"
    assert all(item.folder != "drafts" for item in after.items)
