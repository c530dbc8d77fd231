"""The plain, frozen data the CRM services hand to their callers (never live ORM rows).

A view is built inside the service's transaction and stays valid after it: the workstation can
keep it on screen, send it to another thread or compare two of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer result; `total` counts every match."""

    items: tuple[T, ...]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """How many pages the whole result fills (at least 1)."""
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class Recent(Generic[T]):
    """The latest few items of a customer's list (newest first) and how many there are."""

    items: tuple[T, ...]
    total: int


@dataclass(frozen=True)
class PhoneView:
    """One of a customer's numbers."""

    e164: str
    display: str
    label: str
    is_primary: bool


@dataclass(frozen=True)
class CustomerSummary:
    """A customer as listed in search results and on the screen pop (C1.1)."""

    id: int
    number: str
    kind: str
    civility: str
    first_name: str
    last_name: str
    company_name: str | None
    postcode: str
    city: str

    @property
    def display_name(self) -> str:
        """ "Mme Claire Dubois", or the company for a business customer."""
        person = f"{self.civility} {self.first_name} {self.last_name}"
        return f"{self.company_name} ({person})" if self.company_name else person


@dataclass(frozen=True)
class ContractView:
    """A subscription with its active options."""

    id: int
    offer_code: str
    offer_name: str
    offer_kind: str
    status: str
    start_date: date
    end_date: date | None
    engagement_end: date | None
    line_identifier: str | None
    monthly_price: Decimal
    options: tuple[str, ...]
    options_monthly: Decimal


@dataclass(frozen=True)
class InvoiceView:
    """An invoice and what is left to pay on it; `days_late` is 0 until the due date passes."""

    id: int
    number: str
    issued_on: date
    due_on: date
    amount: Decimal
    paid_amount: Decimal
    balance: Decimal
    status: str
    days_late: int
    payment_plan_id: int | None


@dataclass(frozen=True)
class RequestView:
    """A request (ticket) and the service it is assigned to."""

    id: int
    number: str
    motive: str
    category: str
    status: str
    service_name: str | None
    opened_at: datetime


@dataclass(frozen=True)
class InteractionView:
    """One entry of a customer's history."""

    id: int
    customer_id: int | None
    channel: str
    direction: str
    motive: str
    nature: str
    outcome: str
    summary: str
    agent_name: str | None
    started_at: datetime
    ended_at: datetime | None
    call_id: str | None


@dataclass(frozen=True)
class InstalmentView:
    """One due date of a payment plan."""

    number: int
    due_on: date
    amount: Decimal
    status: str


@dataclass(frozen=True)
class PaymentPlanView:
    """A payment plan (échéancier) with its instalments (C1.8)."""

    id: int
    customer_id: int
    total_amount: Decimal
    status: str
    method: str
    created_at: datetime
    instalments: tuple[InstalmentView, ...]
    invoice_numbers: tuple[str, ...]


@dataclass(frozen=True)
class AppointmentView:
    """A technician visit."""

    id: int
    customer_id: int
    kind: str
    status: str
    slot_start: datetime
    slot_end: datetime
    technician: str | None
    note: str


@dataclass(frozen=True)
class CustomerCard:
    """The "customer 360": everything an agent needs on one screen while talking (C1.1, C1.2)."""

    summary: CustomerSummary
    email: str | None
    address_line1: str
    address_line2: str | None
    birth_date: date | None
    marketing_consent: bool
    contact_preference: str
    segment: str
    payment_method: str
    iban_masked: str | None
    created_at: datetime
    phones: tuple[PhoneView, ...]
    contracts: tuple[ContractView, ...]
    open_invoices: tuple[InvoiceView, ...]
    balance_due: Decimal
    open_requests: tuple[RequestView, ...]
    last_interactions: tuple[InteractionView, ...]
    payment_plans: tuple[PaymentPlanView, ...]
    appointments: tuple[AppointmentView, ...]


@dataclass(frozen=True)
class CustomerActivity:
    """What the activities left in a customer's file (C1.6 orders and payments, C1.7 survey
    responses, C1.8 promises to pay, C3.2 written messages): the latest few of each, newest
    first, with their count. Read apart from the card, so the ring shows the card first."""

    customer_id: int
    orders: Recent[OrderBrief]
    payments: Recent[PaymentView]
    promises: Recent[InteractionView]
    survey_responses: Recent[SurveyParticipation]
    messages: Recent[MessageBrief]


@dataclass(frozen=True)
class OrderBrief:
    """An order as the customer card sums it up: its lines' labels and its totals."""

    id: int
    number: str
    status: str
    channel: str
    created_at: datetime
    labels: tuple[str, ...]
    total_monthly: Decimal
    total_one_off: Decimal


@dataclass(frozen=True)
class SurveyParticipation:
    """A customer's answers to a survey, summed up: which survey, how far, when."""

    id: int
    survey_code: str
    survey_title: str
    status: str
    answered: int
    questions: int
    started_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class MessageBrief:
    """A written message of a customer's file: received from them (`inbox`, `archive`) or
    sent to them (`sent`); drafts are not part of the file."""

    id: int
    channel: str
    language: str
    folder: str
    status: str
    subject: str
    received_at: datetime
    answered_at: datetime | None
    attachments: int

    @property
    def sent(self) -> bool:
        """Whether the company wrote it (a reply), rather than the customer."""
        return self.folder == "sent"


@dataclass(frozen=True)
class OfferView:
    """A catalogue entry."""

    code: str
    name: str
    kind: str
    monthly_price: Decimal | None
    one_off_price: Decimal | None
    engagement_months: int
    applies_to: str | None


@dataclass(frozen=True)
class OrderLineView:
    """One line of an order; `total` is quantity × unit price (negative for a discount)."""

    offer_code: str
    label: str
    quantity: int
    unit_price: Decimal
    billing: str
    total: Decimal


@dataclass(frozen=True)
class OrderView:
    """An order with the prices the service computed from the catalogue (C1.6)."""

    id: int
    number: str
    customer_id: int
    status: str
    channel: str
    created_at: datetime
    lines: tuple[OrderLineView, ...]
    total_monthly: Decimal
    total_one_off: Decimal
    discount_monthly: Decimal
    #: The box a box order replaces (a change of offer), None for a first box.
    replaced_box: str | None = None


@dataclass(frozen=True)
class PaymentView:
    """A payment recorded against an invoice."""

    id: int
    customer_id: int
    invoice_number: str | None
    method: str
    reference: str
    amount: Decimal
    paid_on: date
    status: str
    invoice_balance: Decimal | None


@dataclass(frozen=True)
class PromiseView:
    """A promise to pay, kept in the customer's history (C1.8)."""

    interaction_id: int
    customer_id: int
    amount: Decimal
    promised_on: date
    invoice_numbers: tuple[str, ...]


@dataclass(frozen=True)
class CollectionItem:
    """A customer on the collection list: overdue balance, lateness, reminders so far (C1.8)."""

    customer: CustomerSummary
    invoice_numbers: tuple[str, ...]
    amount_due: Decimal
    oldest_due_on: date
    days_late: int
    #: The reminders the company has sent by now according to its rules (relance 1, …).
    reminders: tuple[str, ...]
    collection_contacts: int
    last_contact_at: datetime | None
    has_active_plan: bool


@dataclass(frozen=True)
class QuestionView:
    """A survey question as the agent reads it."""

    id: int
    position: int
    text: str
    kind: str
    choices: tuple[str, ...]
    scale_min: int | None
    scale_max: int | None
    required: bool


@dataclass(frozen=True)
class SurveyView:
    """A questionnaire (C1.7)."""

    id: int
    code: str
    title: str
    introduction: str
    conclusion: str
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class SurveyResponseView:
    """Recorded answers, keyed by question id, exactly as given."""

    id: int
    survey_id: int
    customer_id: int | None
    status: str
    answers: dict[int, Any]
    completed_at: datetime | None


@dataclass(frozen=True)
class CompletionRate:
    """How much of a survey campaign's list has answered."""

    campaign_code: str
    contacts: int
    complete: int
    partial: int
    refused: int

    @property
    def rate(self) -> float:
        """Complete responses over contacts in the list (0.0 for an empty list)."""
        return self.complete / self.contacts if self.contacts else 0.0


@dataclass(frozen=True)
class CallListEntryView:
    """A contact of a campaign's call list and where the attempts stand."""

    id: int
    campaign_code: str
    customer: CustomerSummary
    phone_e164: str
    status: str
    outcome: str | None
    attempts: int
    priority: int
    callback_at: datetime | None
    last_attempt_at: datetime | None
    amount_due: Decimal | None
    days_late: int | None
    note: str


@dataclass(frozen=True)
class UserView:
    """A logged-in user: who they are and what they may do."""

    id: int
    login: str
    display_name: str
    role: str
    extension: str | None
    service_code: str | None


@dataclass(frozen=True)
class ServiceView:
    """A service of the org chart with its extension, for transfers (C4.1)."""

    code: str
    name: str
    extension: str
    queue: str | None
    role: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class ObjectiveView:
    """An objective of an agent or of their team (C4.4)."""

    id: int
    scope: str
    kind: str
    metric: str
    label: str
    description: str
    target: Decimal | None
    #: "at_least" or "at_most" the target (None for a qualitative objective).
    comparison: str | None
    unit: str | None
    period: str
    starts_on: date | None
    ends_on: date | None


@dataclass(frozen=True)
class Slot:
    """A technician time slot (UTC-aware datetimes)."""

    start: datetime
    end: datetime
