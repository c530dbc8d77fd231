"""The campaign panels' services: running campaigns, and a payment plan quoted by the rules
that set it up, with nothing written (C1.8)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from crm.errors import RuleViolation, ValidationError
from crm.models import Instalment, PaymentPlan
from crm.services.billing import CollectionRules, NewPaymentPlan, setup_payment_plan
from crm.services.customers import find_by_number
from crm.services.outbound import quote_payment_plan, running_campaigns
from seed_data import SEED_DIR
from tests.crm.conftest import SEED_NOW, engine, seeded_session_factory  # noqa: F401

RULES = CollectionRules.from_company(
    yaml.safe_load((SEED_DIR / "company.yaml").read_text(encoding="utf-8"))["collection"]
)


def rows(factory: sessionmaker) -> tuple[int, int]:
    with factory() as session:
        return (
            session.scalar(select(func.count()).select_from(PaymentPlan)) or 0,
            session.scalar(select(func.count()).select_from(Instalment)) or 0,
        )


def petit(factory: sessionmaker) -> int:
    summary = find_by_number(factory, "CL0000003")
    assert summary is not None
    return summary.id


def test_running_campaigns_of_the_demo_company(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    found = {c.code: c for c in running_campaigns(seeded_session_factory, now=SEED_NOW)}
    assert set(found) == {"PROSPECTION-FIBRE", "SATISFACTION-T4", "RECOUVREMENT"}
    assert found["SATISFACTION-T4"].survey_code == "SAT-2026"
    assert found["RECOUVREMENT"].kind == "collection"
    # The survey campaign ends 23 days after the seed date.
    later = running_campaigns(seeded_session_factory, now=SEED_NOW + timedelta(days=30))
    assert "SATISFACTION-T4" not in {c.code for c in later}


def test_quote_is_the_plan_setup_grants_and_writes_nothing(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    factory = seeded_session_factory
    before = rows(factory)
    plan = NewPaymentPlan(petit(factory), 3, "15/11/2026", method="card")
    quote = quote_payment_plan(factory, plan, rules=RULES, now=SEED_NOW)
    assert rows(factory) == before
    assert quote.total_amount == Decimal("149.94")
    assert [(i.due_on.isoformat(), i.amount) for i in quote.instalments] == [
        ("2026-11-15", Decimal("49.98")),
        ("2026-12-15", Decimal("49.98")),
        ("2027-01-15", Decimal("49.98")),
    ]
    granted = setup_payment_plan(factory, plan, rules=RULES, now=SEED_NOW)
    assert granted.instalments == quote.instalments
    assert granted.invoice_numbers == quote.invoice_numbers
    assert rows(factory) == (before[0] + 1, before[1] + 3)
    # The second plan within 12 months is refused by the quote too.
    with pytest.raises(RuleViolation) as refused:
        quote_payment_plan(factory, plan, rules=RULES, now=SEED_NOW)
    assert refused.value.rule in ("one_plan_per_12_months", "nothing_due")
    assert rows(factory) == (before[0] + 1, before[1] + 3)


REFUSED = [
    (7, "15/11/2026", RuleViolation, "max_instalments"),
    (3, "15/12/2026", RuleViolation, "first_due_within_days"),
    (0, "15/11/2026", ValidationError, None),
    (3, "01/11/2026", ValidationError, None),
]


def test_quote_outside_the_rules_is_refused_in_french(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    factory = seeded_session_factory
    before = rows(factory)
    for count, first_due, error, rule in REFUSED:
        plan = NewPaymentPlan(petit(factory), count, first_due, method="card")
        with pytest.raises(error) as refused:
            quote_payment_plan(factory, plan, rules=RULES, now=SEED_NOW)
        if rule is not None:
            assert getattr(refused.value, "rule", None) == rule
            assert str(refused.value).startswith("Échéancier refusé")
        assert rows(factory) == before
