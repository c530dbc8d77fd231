"""The models behave the same on SQLite and PostgreSQL: UTC datetimes, exact money, and the
database refusing what the CHECK and UNIQUE constraints forbid."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import sessionmaker

from crm.models import (
    Customer,
    Interaction,
    Invoice,
    Objective,
    Offer,
    PhoneNumber,
    Service,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)


def _customer(number: str = "CL0000001", **changes: object) -> Customer:
    values: dict[str, object] = {
        "number": number,
        "kind": "particulier",
        "civility": "Mme",
        "first_name": "Sophie",
        "last_name": "Durand",
        "address_line1": "12 rue des Lilas",
        "postcode": "69003",
        "city": "Lyon",
    }
    values.update(changes)
    return Customer(**values)


def test_datetimes_come_back_aware_in_utc(session_factory: sessionmaker) -> None:
    paris_summer = timezone(timedelta(hours=2))
    started = datetime(2026, 6, 15, 10, 30, 5, 123456, tzinfo=paris_summer)
    with session_factory.begin() as session:
        customer = _customer(created_at=started)
        session.add(customer)
        session.flush()
        session.add(
            Interaction(
                customer_id=customer.id,
                channel="call",
                direction="inbound",
                motive="Question sur la facture",
                nature="billing",
                outcome="resolved",
                started_at=started,
                ended_at=started + timedelta(minutes=4),
            )
        )
    with session_factory() as session:
        stored = session.scalars(select(Interaction)).one()
        assert stored.started_at == started
        assert stored.started_at.tzinfo is UTC
        assert stored.started_at.hour == 8
        assert stored.ended_at is not None
        assert stored.ended_at - stored.started_at == timedelta(minutes=4)
        # Comparisons in SQL use UTC too.
        later = session.scalars(
            select(Interaction).where(
                Interaction.started_at > datetime(2026, 6, 15, 8, 30, tzinfo=UTC)
            )
        ).all()
        assert len(later) == 1


def test_naive_datetimes_are_refused(session_factory: sessionmaker) -> None:
    with pytest.raises(StatementError, match="naive datetime"), session_factory.begin() as session:
        session.add(_customer(created_at=datetime(2026, 1, 1, 12, 0)))
        session.flush()


def test_money_is_exact(session_factory: sessionmaker) -> None:
    with session_factory.begin() as session:
        customer = _customer()
        session.add(customer)
        session.flush()
        for month, amount in enumerate(["24.99", "34.99", "0.10", "0.20"], start=1):
            session.add(
                Invoice(
                    number=f"FA-2026-000000{month}",
                    customer_id=customer.id,
                    issued_on=date(2026, month, 1),
                    due_on=date(2026, month, 15),
                    amount=Decimal(amount),
                )
            )
    with session_factory() as session:
        amounts = session.scalars(select(Invoice.amount).order_by(Invoice.issued_on)).all()
    assert amounts == [Decimal("24.99"), Decimal("34.99"), Decimal("0.10"), Decimal("0.20")]
    assert sum(amounts) == Decimal("60.28")
    assert all(isinstance(amount, Decimal) for amount in amounts)


CUSTOMER_VIOLATIONS = [
    {"kind": "entreprise"},
    {"civility": "Mlle"},
    {"segment": "gold"},
    {"kind": "professionnel", "company_name": None},
]


def test_customer_constraints(session_factory: sessionmaker) -> None:
    for changes in CUSTOMER_VIOLATIONS:
        with pytest.raises(IntegrityError), session_factory.begin() as session:
            session.add(_customer(**changes))
    with session_factory() as session:
        assert session.scalars(select(Customer)).all() == []
    with session_factory.begin() as session:
        session.add(_customer(kind="professionnel", company_name="Garage Durand SARL"))


def test_phone_numbers_are_unique_across_customers(session_factory: sessionmaker) -> None:
    with session_factory.begin() as session:
        first = _customer("CL0000001")
        first.phones.append(PhoneNumber(label="mobile", e164="+33612345678", is_primary=True))
        session.add(first)
    with pytest.raises(IntegrityError), session_factory.begin() as session:
        second = _customer("CL0000002", first_name="Marc")
        second.phones.append(PhoneNumber(label="fixe", e164="+33612345678"))
        session.add(second)
    with session_factory() as session:
        found = session.scalars(
            select(Customer).join(PhoneNumber).where(PhoneNumber.e164 == "+33612345678")
        ).one()
        assert found.number == "CL0000001"
        assert session.scalars(select(Customer.number)).all() == ["CL0000001"]


def test_customer_numbers_are_unique(session_factory: sessionmaker) -> None:
    with session_factory.begin() as session:
        session.add(_customer("CL0000001"))
    with pytest.raises(IntegrityError), session_factory.begin() as session:
        session.add(_customer("CL0000001", first_name="Autre"))


OFFER_VIOLATIONS = [
    {"monthly_price": Decimal("-1.00")},
    {"monthly_price": None, "one_off_price": None},
    {"kind": "service"},
    {"engagement_months": -12},
]


def test_offer_constraints(session_factory: sessionmaker) -> None:
    values: dict[str, object] = {
        "code": "BOX-ESS",
        "name": "Box Essentielle",
        "kind": "box",
        "monthly_price": Decimal("24.99"),
    }
    for changes in OFFER_VIOLATIONS:
        with pytest.raises(IntegrityError), session_factory.begin() as session:
            session.add(Offer(**{**values, **changes}))
    with session_factory.begin() as session:
        session.add(Offer(**values))


def test_objective_is_for_an_agent_or_a_team_not_both(session_factory: sessionmaker) -> None:
    with session_factory.begin() as session:
        service = Service(code="accueil", name="Accueil clients", extension="200")
        session.add(service)
    with pytest.raises(IntegrityError), session_factory.begin() as session:
        session.add(
            Objective(kind="qualitative", metric="greeting", label="Accueil", period="shift")
        )
    with pytest.raises(IntegrityError), session_factory.begin() as session:
        session.add(
            Objective(service_id=service.id, kind="quantitative", metric="calls", label="Appels",
                      period="day")
        )  # fmt: skip
    with session_factory.begin() as session:
        session.add(
            Objective(service_id=service.id, kind="quantitative", metric="calls_handled",
                      label="Appels traités", target=Decimal("40"), comparison="at_least",
                      unit="appels", period="day")
        )  # fmt: skip


def test_survey_answers_are_stored_as_given(session_factory: sessionmaker) -> None:
    given = ["Très satisfait", ["Internet", "Télévision"], 9, "  Rien à signaler, merci !  "]
    with session_factory.begin() as session:
        survey = Survey(code="SAT", title="Satisfaction")
        for position, kind in enumerate(["single", "multiple", "scale", "text"], start=1):
            survey.questions.append(
                SurveyQuestion(
                    position=position,
                    text=f"Question {position}",
                    kind=kind,
                    choices=["Très satisfait", "Internet", "Télévision"]
                    if kind in ("single", "multiple")
                    else None,
                    scale_min=0 if kind == "scale" else None,
                    scale_max=10 if kind == "scale" else None,
                )
            )
        session.add(survey)
        session.flush()
        response = SurveyResponse(survey_id=survey.id)
        for question, value in zip(survey.questions, given, strict=True):
            response.answers.append(SurveyAnswer(question_id=question.id, value=value))
        session.add(response)
    with session_factory() as session:
        values = session.scalars(select(SurveyAnswer.value).order_by(SurveyAnswer.id)).all()
    assert values == given
