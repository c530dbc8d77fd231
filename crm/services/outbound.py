"""What the campaign panels need beyond the other services: the running campaigns, and a
payment plan quoted by the very rules that set it up, with nothing written (C1.3, C1.8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload, sessionmaker

from crm.models import Campaign
from crm.services._common import local_date, require_aware
from crm.services.billing import CollectionRules, NewPaymentPlan, setup_payment_plan
from crm.views import InstalmentView


@dataclass(frozen=True)
class CampaignView:
    """A running campaign an agent can work: its kind (prospection, survey, collection),
    the script to follow and, for a survey, the questionnaire's code."""

    code: str
    kind: str
    name: str
    script: str
    survey_code: str | None


def running_campaigns(session_factory: sessionmaker, *, now: datetime) -> tuple[CampaignView, ...]:
    """The campaigns in progress on `now`'s date, by name."""
    require_aware(now, "now")
    today = local_date(now)
    with session_factory.begin() as session:
        rows = session.scalars(
            select(Campaign)
            .where(Campaign.status == "running", Campaign.starts_on <= today)
            .options(selectinload(Campaign.survey))
            .order_by(Campaign.name)
        ).all()
        return tuple(
            CampaignView(
                code=row.code,
                kind=row.kind,
                name=row.name,
                script=row.script,
                survey_code=row.survey.code if row.survey is not None else None,
            )
            for row in rows
            if row.ends_on is None or row.ends_on >= today
        )


@dataclass(frozen=True)
class PlanQuote:
    """The payment plan `setup_payment_plan` would grant, read back before the customer
    agrees."""

    customer_id: int
    total_amount: Decimal
    method: str
    first_due_on: date
    instalments: tuple[InstalmentView, ...]
    invoice_numbers: tuple[str, ...]


def quote_payment_plan(
    session_factory: sessionmaker,
    plan: NewPaymentPlan,
    *,
    rules: CollectionRules,
    now: datetime,
) -> PlanQuote:
    """The plan as `setup_payment_plan` computes it, refused by the same rules with the same
    French messages, then rolled back: nothing is written (C1.8 "négocier un échéancier").

    Running the real service inside a transaction that is always rolled back keeps one copy
    of the rules; the sessions it opens join that transaction and cannot commit it.
    """
    engine = session_factory.kw["bind"]
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            trial = sessionmaker(
                bind=connection, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
            view = setup_payment_plan(trial, plan, rules=rules, now=now)
        finally:
            # A refusal has already rolled the transaction back through the session.
            if transaction.is_active:
                transaction.rollback()
    return PlanQuote(
        customer_id=view.customer_id,
        total_amount=view.total_amount,
        method=view.method,
        first_due_on=view.instalments[0].due_on,
        instalments=view.instalments,
        invoice_numbers=view.invoice_numbers,
    )
