"""Helpers shared by the services: local dates, ORM-row-to-view converters, lookups."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from gettext import gettext as _
from zoneinfo import ZoneInfo

from babel.numbers import format_currency
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import validation
from crm.errors import NotFound, ValidationError
from crm.models import (
    Appointment,
    Contract,
    Customer,
    Interaction,
    Invoice,
    PaymentPlan,
    PhoneNumber,
    Request,
)
from crm.views import (
    AppointmentView,
    ContractView,
    CustomerSummary,
    InstalmentView,
    InteractionView,
    InvoiceView,
    PaymentPlanView,
    PhoneView,
    RequestView,
)

#: The company works on French time: "today" and days late follow Paris, not UTC.
PARIS = ZoneInfo("Europe/Paris")
ZERO = Decimal("0.00")


def euros(value: Decimal) -> str:
    """An amount as French users read it: 1 500,00 €."""
    return format_currency(value, "EUR", locale="fr_FR")


def local_date(moment: datetime) -> date:
    """The calendar date in Paris of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass the clock's aware time")
    return moment.astimezone(PARIS).date()


def require_aware(moment: datetime, field: str) -> datetime:
    """Refuse a naive datetime with a French message (the database stores UTC)."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValidationError.single(field, _("Date et heure invalides (fuseau horaire manquant)."))
    return moment


def summary_of(customer: Customer) -> CustomerSummary:
    """The listing view of a customer row."""
    return CustomerSummary(
        id=customer.id,
        number=customer.number,
        kind=customer.kind,
        civility=customer.civility,
        first_name=customer.first_name,
        last_name=customer.last_name,
        company_name=customer.company_name,
        postcode=customer.postcode,
        city=customer.city,
    )


def phone_of(phone: PhoneNumber) -> PhoneView:
    """The view of a phone row, with its French display form."""
    return PhoneView(
        e164=phone.e164,
        display=validation.phone_display(phone.e164),
        label=phone.label,
        is_primary=phone.is_primary,
    )


def contract_of(contract: Contract, today: date) -> ContractView:
    """A contract with the options active on `today`."""
    options = [
        option
        for option in contract.options
        if option.removed_on is None or option.removed_on > today
    ]
    return ContractView(
        id=contract.id,
        offer_code=contract.offer.code,
        offer_name=contract.offer.name,
        offer_kind=contract.offer.kind,
        status=contract.status,
        start_date=contract.start_date,
        end_date=contract.end_date,
        engagement_end=contract.engagement_end,
        line_identifier=contract.line_identifier,
        monthly_price=contract.monthly_price,
        options=tuple(option.offer.name for option in options),
        options_monthly=sum((option.monthly_price for option in options), ZERO),
    )


def invoice_of(invoice: Invoice, today: date) -> InvoiceView:
    """An invoice with its balance and days late on `today`."""
    balance = invoice.amount - invoice.paid_amount
    late = (today - invoice.due_on).days if balance > 0 and invoice.status != "cancelled" else 0
    return InvoiceView(
        id=invoice.id,
        number=invoice.number,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        amount=invoice.amount,
        paid_amount=invoice.paid_amount,
        balance=balance,
        status=invoice.status,
        days_late=max(0, late),
        payment_plan_id=invoice.payment_plan_id,
    )


def request_of(request: Request) -> RequestView:
    """A request with its service's name."""
    return RequestView(
        id=request.id,
        number=request.number,
        motive=request.motive,
        category=request.category,
        status=request.status,
        service_name=request.service.name if request.service else None,
        opened_at=request.opened_at,
    )


def interaction_of(interaction: Interaction) -> InteractionView:
    """An entry of the history."""
    return InteractionView(
        id=interaction.id,
        customer_id=interaction.customer_id,
        channel=interaction.channel,
        direction=interaction.direction,
        motive=interaction.motive,
        nature=interaction.nature,
        outcome=interaction.outcome,
        summary=interaction.summary,
        agent_name=interaction.agent_name,
        started_at=interaction.started_at,
        ended_at=interaction.ended_at,
        call_id=interaction.call_id,
    )


def plan_of(plan: PaymentPlan) -> PaymentPlanView:
    """A payment plan with its instalments and the invoices it covers."""
    return PaymentPlanView(
        id=plan.id,
        customer_id=plan.customer_id,
        total_amount=plan.total_amount,
        status=plan.status,
        method=plan.method,
        created_at=plan.created_at,
        instalments=tuple(
            InstalmentView(
                number=instalment.number,
                due_on=instalment.due_on,
                amount=instalment.amount,
                status=instalment.status,
            )
            for instalment in plan.instalments
        ),
        invoice_numbers=tuple(sorted(invoice.number for invoice in plan.invoices)),
    )


def appointment_of(appointment: Appointment) -> AppointmentView:
    """A technician visit."""
    return AppointmentView(
        id=appointment.id,
        customer_id=appointment.customer_id,
        kind=appointment.kind,
        status=appointment.status,
        slot_start=appointment.slot_start,
        slot_end=appointment.slot_end,
        technician=appointment.technician,
        note=appointment.note,
    )


def get_customer(session: Session, customer_id: int) -> Customer:
    """The customer row, or NotFound with a French message."""
    customer = session.get(Customer, customer_id) if isinstance(customer_id, int) else None
    if customer is None:
        raise NotFound(_("Client introuvable (identifiant {id}).").format(id=customer_id))
    return customer


def customer_id_by_number(session: Session, number: str) -> int | None:
    """The id of the customer with this (valid) number, or None."""
    return session.scalar(select(Customer.id).where(Customer.number == number))
