"""Collection services (C1.8): payment plans within the rules of company.yaml, payments,
promises to pay and the collection list."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, table
from sqlalchemy.orm import sessionmaker

from crm.errors import NotFound, RuleViolation, ValidationError
from crm.models import CRM_TABLES, Customer, Interaction, Invoice, PaymentPlan
from crm.services import billing, customers
from crm.services.billing import (
    CollectionRules,
    NewPayment,
    NewPaymentPlan,
    NewPromise,
    split_in_instalments,
)

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
TODAY = date(2026, 11, 20)
COMPANY = Path(__file__).resolve().parents[2] / "seed_data" / "company.yaml"
RULES = CollectionRules.from_company(yaml.safe_load(COMPANY.read_text("utf-8"))["collection"])
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def counts(session_factory: sessionmaker) -> dict[str, int]:
    with session_factory() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table(name))) or 0
            for name in CRM_TABLES
        }


def add_debtor(
    session_factory: sessionmaker, number: str, amounts: list[str], *, first_due: date
) -> int:
    """A customer with one unpaid invoice per amount, due 50 days apart from `first_due`."""
    with session_factory.begin() as session:
        customer = Customer(
            number=number,
            kind="particulier",
            civility="M.",
            first_name="Paul",
            last_name="Bernard",
            address_line1="4 rue Victor Hugo",
            postcode="69002",
            city="Lyon",
        )
        session.add(customer)
        session.flush()
        for index, amount in enumerate(amounts):
            due = first_due + timedelta(days=50 * index)
            session.add(
                Invoice(
                    number=f"FA-2026-{customer.id:03d}{index:04d}",
                    customer_id=customer.id,
                    issued_on=due - timedelta(days=14),
                    due_on=due,
                    amount=Decimal(amount),
                )
            )
        return customer.id


@pytest.fixture
def debtor(session_factory: sessionmaker) -> int:
    return add_debtor(
        session_factory, "CL0000001", ["400.00", "600.00"], first_due=TODAY - timedelta(days=45)
    )


def test_rules_come_from_company_yaml() -> None:
    assert RULES.max_instalments == 6
    assert RULES.min_instalment == Decimal("15.00")
    assert RULES.first_due_within_days == 30
    assert RULES.max_total_agent == Decimal("1500.00")
    assert RULES.reminders(26) == ("Relance 1", "Relance 2")


def test_split_puts_the_odd_cents_first() -> None:
    assert split_in_instalments(Decimal("1000.00"), 3) == (
        Decimal("333.34"),
        Decimal("333.33"),
        Decimal("333.33"),
    )
    assert split_in_instalments(Decimal("100.00"), 6) == (
        Decimal("16.67"),
        Decimal("16.67"),
        Decimal("16.67"),
        Decimal("16.67"),
        Decimal("16.66"),
        Decimal("16.66"),
    )


@given(cents=st.integers(min_value=1, max_value=10_000_000), count=st.integers(1, 12))
def test_split_sums_exactly_in_cents(cents: int, count: int) -> None:
    total = Decimal(cents) / 100
    parts = split_in_instalments(total, count)
    assert sum(parts) == total
    assert max(parts) - min(parts) <= Decimal("0.01")
    assert all(part == part.quantize(Decimal("0.01")) for part in parts)


def test_plan_of_1000_in_3(session_factory: sessionmaker, debtor: int) -> None:
    plan = billing.setup_payment_plan(
        session_factory,
        NewPaymentPlan(customer_id=debtor, instalments=3, first_due_on="05/12/2026", iban=IBAN),
        rules=RULES,
        now=NOW,
    )
    assert plan.total_amount == Decimal("1000.00")
    assert [i.amount for i in plan.instalments] == [
        Decimal("333.34"),
        Decimal("333.33"),
        Decimal("333.33"),
    ]
    assert [i.due_on for i in plan.instalments] == [
        date(2026, 12, 5),
        date(2027, 1, 5),
        date(2027, 2, 5),
    ]
    assert len(plan.invoice_numbers) == 2
    assert plan.method == "direct_debit"
    card = customers.customer_card(session_factory, debtor, now=NOW)
    assert card.iban_masked == "FR76 **** **** 0189"
    assert card.payment_plans == (plan,)
    # Invoices in an active plan leave the collection list.
    assert billing.collection_list(session_factory, rules=RULES, now=NOW).total == 0


def test_month_ends_are_clamped(session_factory: sessionmaker, debtor: int) -> None:
    plan = billing.setup_payment_plan(
        session_factory,
        NewPaymentPlan(debtor, 4, date(2026, 12, 31), method="card"),
        rules=replace(RULES, first_due_within_days=45),
        now=NOW,
    )
    assert [i.due_on for i in plan.instalments] == [
        date(2026, 12, 31),
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
    ]


PLANS_OUTSIDE_THE_RULES = [
    ({"instalments": 7}, "max_instalments", "7 échéances demandées, 6 au plus"),
    ({"first_due_on": "21/12/2026"}, "first_due_within_days", "dans les 30 jours"),
]


def test_plans_outside_the_rules_are_refused_naming_the_rule(
    session_factory: sessionmaker, debtor: int
) -> None:
    before = counts(session_factory)
    for changes, rule, message in PLANS_OUTSIDE_THE_RULES:
        request = replace(NewPaymentPlan(debtor, 3, "05/12/2026", iban=IBAN), **changes)
        with pytest.raises(RuleViolation, match=message) as caught:
            billing.setup_payment_plan(session_factory, request, rules=RULES, now=NOW)
        assert caught.value.rule == rule
    assert counts(session_factory) == before


def test_debt_over_the_agent_ceiling_goes_to_recouvrement(session_factory: sessionmaker) -> None:
    big = add_debtor(session_factory, "CL0000002", ["900.00", "600.01"], first_due=TODAY)
    before = counts(session_factory)
    with pytest.raises(RuleViolation, match="service recouvrement") as caught:
        billing.setup_payment_plan(
            session_factory, NewPaymentPlan(big, 6, TODAY, method="card"), rules=RULES, now=NOW
        )
    assert caught.value.rule == "max_total_agent"
    assert "1\u202f500,00\xa0€" in str(caught.value)
    assert counts(session_factory) == before


def test_instalments_under_the_minimum_are_refused(session_factory: sessionmaker) -> None:
    small = add_debtor(session_factory, "CL0000002", ["80.00"], first_due=TODAY)
    with pytest.raises(RuleViolation, match="minimum") as caught:
        billing.setup_payment_plan(
            session_factory, NewPaymentPlan(small, 6, TODAY, method="card"), rules=RULES, now=NOW
        )
    assert caught.value.rule == "min_instalment"
    plan = billing.setup_payment_plan(
        session_factory, NewPaymentPlan(small, 5, TODAY, method="card"), rules=RULES, now=NOW
    )
    assert [i.amount for i in plan.instalments] == [Decimal("16.00")] * 5


def test_one_plan_per_twelve_months(session_factory: sessionmaker, debtor: int) -> None:
    with session_factory.begin() as session:
        session.add(
            PaymentPlan(
                customer_id=debtor,
                created_at=NOW - timedelta(days=200),
                total_amount=Decimal("50.00"),
                status="completed",
                method="card",
            )
        )
    before = counts(session_factory)
    with pytest.raises(RuleViolation, match="un seul par période de 12 mois") as caught:
        billing.setup_payment_plan(
            session_factory, NewPaymentPlan(debtor, 3, TODAY, method="card"), rules=RULES, now=NOW
        )
    assert caught.value.rule == "one_plan_per_12_months"
    assert counts(session_factory) == before
    lenient = replace(RULES, one_plan_per_12_months=False)
    billing.setup_payment_plan(
        session_factory, NewPaymentPlan(debtor, 3, TODAY, method="card"), rules=lenient, now=NOW
    )


BAD_PLANS = [
    ({"instalments": 0}, "echeances"),
    ({"instalments": "3"}, "echeances"),
    ({"first_due_on": "19/11/2026"}, "premiere_echeance"),
    ({"first_due_on": "demain"}, "premiere_echeance"),
    ({"method": "bitcoin"}, "mode_paiement"),
    ({"iban": "FR76 3000 6000 0112 3456 7890 188"}, "iban"),
    ({"iban": ""}, "iban"),
    ({"invoice_numbers": ("FA-2099-9999999",)}, "factures"),
]


def test_plan_bad_input_writes_nothing(session_factory: sessionmaker, debtor: int) -> None:
    before = counts(session_factory)
    for changes, field in BAD_PLANS:
        request = replace(NewPaymentPlan(debtor, 3, "05/12/2026", iban=IBAN), **changes)
        with pytest.raises(ValidationError) as caught:
            billing.setup_payment_plan(session_factory, request, rules=RULES, now=NOW)
        assert [e.field for e in caught.value.errors] == [field], changes
    assert counts(session_factory) == before


def test_plan_for_unknown_customer_or_without_debt(session_factory: sessionmaker) -> None:
    with pytest.raises(NotFound, match="Client introuvable"):
        billing.setup_payment_plan(
            session_factory, NewPaymentPlan(404, 3, TODAY, method="card"), rules=RULES, now=NOW
        )
    with pytest.raises(NotFound, match="Client introuvable"):
        billing.payment_plans(session_factory, 404)
    clean = add_debtor(session_factory, "CL0000003", [], first_due=TODAY)
    with pytest.raises(RuleViolation, match="aucune facture impayée"):
        billing.setup_payment_plan(
            session_factory, NewPaymentPlan(clean, 3, TODAY, method="card"), rules=RULES, now=NOW
        )


def test_card_payment_reduces_the_balance(session_factory: sessionmaker, debtor: int) -> None:
    number = billing.collection_list(session_factory, rules=RULES, now=NOW).items[0]
    first = number.invoice_numbers[0]
    paid = billing.record_payment(
        session_factory,
        NewPayment(debtor, first, "150,00", "card", "20/11/2026", reference="AUT123456"),
        now=NOW,
    )
    assert paid.amount == Decimal("150.00") and paid.invoice_balance == Decimal("250.00")
    rest = billing.record_payment(
        session_factory,
        NewPayment(debtor, first, "250", "direct_debit", TODAY, iban=IBAN),
        now=NOW,
    )
    assert rest.invoice_balance == Decimal("0.00")
    assert rest.reference == "SEPA FR76…0189"
    with session_factory() as session:
        invoice = session.scalar(select(Invoice).where(Invoice.number == first))
        assert invoice is not None and invoice.status == "paid"
    # The other invoice is not due yet: nothing is left to collect.
    assert billing.collection_list(session_factory, rules=RULES, now=NOW).total == 0


BAD_PAYMENTS = [
    ({"amount": "0"}, ValidationError, "supérieur à zéro"),
    ({"amount": "12,345"}, ValidationError, "deux décimales"),
    ({"amount": "400,01"}, RuleViolation, "dépasse le reste à payer"),
    ({"method": "direct_debit", "iban": "FR76 1234"}, ValidationError, "IBAN"),
    ({"reference": "4970 1012 3456 7890"}, ValidationError, "numéro de carte"),
    ({"reference": ""}, ValidationError, "obligatoire"),
    ({"paid_on": "21/11/2026"}, ValidationError, "futur"),
    ({"invoice_number": "FA-0000"}, NotFound, "introuvable"),
    ({"customer_id": 404}, NotFound, "Client introuvable"),
]


def test_payment_bad_input_writes_nothing(session_factory: sessionmaker, debtor: int) -> None:
    first = billing.collection_list(session_factory, rules=RULES, now=NOW).items[0]
    before = counts(session_factory)
    for changes, error, message in BAD_PAYMENTS:
        payment = replace(
            NewPayment(debtor, first.invoice_numbers[0], "10", "card", TODAY, reference="AUT1"),
            **changes,
        )
        with pytest.raises(error, match=message):
            billing.record_payment(session_factory, payment, now=NOW)
    assert counts(session_factory) == before


def test_promise_to_pay_is_kept_in_the_history(session_factory: sessionmaker, debtor: int) -> None:
    promise = billing.record_promise(
        session_factory,
        NewPromise(debtor, "200,00", "30/11/2026", started_at=NOW, call_id="1700.1"),
        rules=RULES,
        now=NOW,
    )
    assert promise.amount == Decimal("200.00") and promise.promised_on == date(2026, 11, 30)
    # Only the invoices already late are in the promise (the second is due in December).
    assert len(promise.invoice_numbers) == 1
    with session_factory() as session:
        row = session.get(Interaction, promise.interaction_id)
        assert row is not None and row.outcome == "promise_to_pay" and row.nature == "payment"
        assert "200,00" in row.summary and "30/11/2026" in row.summary
    item = billing.collection_list(session_factory, rules=RULES, now=NOW).items[0]
    assert item.collection_contacts == 1 and item.last_contact_at == NOW


BAD_PROMISES = [
    ({"amount": "400,01"}, RuleViolation, "dépasse la somme due"),
    ({"promised_on": "19/11/2026"}, ValidationError, "passé"),
    ({"promised_on": "31/12/2026"}, ValidationError, "30 jours"),
    ({"amount": "abc"}, ValidationError, "Montant invalide"),
    ({"customer_id": 404}, NotFound, "Client introuvable"),
    ({"agent_id": 404}, NotFound, "Conseiller introuvable"),
]


def test_promise_bad_input_writes_nothing(session_factory: sessionmaker, debtor: int) -> None:
    before = counts(session_factory)
    for changes, error, message in BAD_PROMISES:
        promise = replace(NewPromise(debtor, "100", "30/11/2026", started_at=NOW), **changes)
        with pytest.raises(error, match=message):
            billing.record_promise(session_factory, promise, rules=RULES, now=NOW)
    assert counts(session_factory) == before


def test_collection_list_orders_by_oldest_debt(session_factory: sessionmaker, debtor: int) -> None:
    older = add_debtor(
        session_factory, "CL0000002", ["30.00", "30.00"], first_due=TODAY - timedelta(days=80)
    )
    add_debtor(session_factory, "CL0000003", ["99.00"], first_due=TODAY + timedelta(days=3))
    page = billing.collection_list(session_factory, rules=RULES, now=NOW)
    assert page.total == 2
    first, second = page.items
    assert first.customer.id == older
    assert first.amount_due == Decimal("60.00") and first.days_late == 80
    assert first.reminders == (
        "Relance 1",
        "Relance 2",
        "Mise en demeure",
        "Restriction de service",
        "Résiliation pour impayé",
    )
    assert len(first.invoice_numbers) == 2
    assert second.customer.id == debtor
    assert second.amount_due == Decimal("400.00") and second.days_late == 45
    assert second.collection_contacts == 0 and second.last_contact_at is None
    assert not second.has_active_plan
    with pytest.raises(ValidationError):
        billing.collection_list(session_factory, rules=RULES, now=NOW, page=0)
