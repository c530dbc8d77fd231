"""What a shift leaves in a customer's file, written through the CRM services as the desk
would: a sale (order + installation visit + card payment), a 3-instalment plan, a promise to
pay, a partly answered survey and an English e-mail answered. Shared by the service tests of
the customer card and the customer panel's Pilot test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy.orm import sessionmaker

from crm.services import billing, inbox, sales, surveys
from crm.services.billing import CollectionRules, NewPaymentPlan, NewPromise
from crm.services.customers import find_by_number
from crm.services.inbox import IncomingMessage
from crm.services.sales import NewSale, SaleRules
from crm.services.surveys import NewSurveyResponse
from crm.views import AppointmentView, OrderView, PaymentPlanView

COMPANY = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "seed_data" / "company.yaml").read_text("utf-8")
)
SALE_RULES = SaleRules.from_company(COMPANY)
COLLECTION_RULES = CollectionRules.from_company(COMPANY["collection"])
#: A late payer of seed_data/customers.yaml (two overdue invoices, 99,96 € in all).
LATE_PAYER = "CL0000003"


@dataclass(frozen=True)
class Activity:
    customer_id: int
    order: OrderView
    appointment: AppointmentView
    plan: PaymentPlanView
    reply_subject: str


def add_activity(factory: sessionmaker, number: str, now: datetime) -> Activity:
    """Write one of each activity for customer `number`, a minute apart from `now` on."""
    summary = find_by_number(factory, number)
    assert summary is not None
    customer_id = summary.id
    slot = sales.installation_slots_free(factory, SALE_RULES.installation, now=now)[0]
    sale = sales.close_sale(
        factory,
        NewSale(
            customer_id=customer_id,
            offers=("BOX-ULTRA",),
            options=("OPT-CINE",),
            slot=slot,
            payment_method="card",
            reference="AUT-512400",
        ),
        rules=SALE_RULES,
        now=now,
    )
    assert sale.appointment is not None
    plan = billing.setup_payment_plan(
        factory,
        NewPaymentPlan(customer_id, 3, (now + timedelta(days=10)).date(), method="card"),
        rules=COLLECTION_RULES,
        now=now + timedelta(minutes=1),
    )
    billing.record_promise(
        factory,
        NewPromise(
            customer_id=customer_id,
            amount="33.32",
            promised_on=(now + timedelta(days=10)).date(),
            started_at=now + timedelta(minutes=2),
        ),
        rules=COLLECTION_RULES,
        now=now + timedelta(minutes=2),
    )
    survey = surveys.get_survey(factory, "SAT-2026")
    surveys.record_answers(
        factory,
        NewSurveyResponse(
            survey_code="SAT-2026",
            answers={survey.questions[0].id: "Oui, entièrement", survey.questions[1].id: 9},
            customer_id=customer_id,
            status="partial",
        ),
        now=now + timedelta(minutes=3),
    )
    received = inbox.receive_message(
        factory,
        IncomingMessage(
            channel="email",
            language="en",
            sender="",
            subject="Installation date",
            body="Hello, could you confirm the date of the installation? Thank you.",
            received_at=now + timedelta(minutes=4),
            customer_number=number,
        ),
    )
    sent = inbox.send_reply(
        factory,
        received.id,
        "Dear Mr Petit, the technician will come as planned. Kind regards.",
        now + timedelta(minutes=5),
    )
    return Activity(customer_id, sale.order, sale.appointment, plan, sent.reply.subject)
