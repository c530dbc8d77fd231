"""Collection (C1.8): payment plans within the agent's rules, payments, promises to pay and
the collection list."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from gettext import gettext as _
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload, sessionmaker

from crm import validation
from crm.errors import NotFound, RuleViolation, ValidationError
from crm.models import (
    PAYMENT_METHODS,
    Customer,
    Instalment,
    Interaction,
    Invoice,
    Payment,
    PaymentPlan,
    User,
)
from crm.services._common import (
    ZERO,
    euros,
    get_customer,
    interaction_of,
    local_date,
    plan_of,
    require_aware,
    summary_of,
)
from crm.views import (
    CollectionItem,
    InteractionView,
    Page,
    PaymentPlanView,
    PaymentView,
    PromiseView,
    Recent,
)

OPEN_STATUSES = ("unpaid", "partially_paid")


@dataclass(frozen=True)
class CollectionRules:
    """What a first-level agent may grant, from the `collection` section of company.yaml.

    The services take the rules as a parameter; the workstation loads them with
    `CollectionRules.from_company(yaml["collection"])`.
    """

    max_instalments: int
    min_instalment: Decimal
    first_due_within_days: int
    max_total_agent: Decimal
    one_plan_per_12_months: bool
    reminder_1_days: int
    reminder_2_days: int
    formal_notice_days: int
    suspension_days: int
    termination_days: int

    @classmethod
    def from_company(cls, collection: Mapping[str, Any]) -> CollectionRules:
        """The rules from company.yaml's `collection` mapping."""
        plan = collection["plan"]
        return cls(
            max_instalments=int(plan["max_instalments"]),
            min_instalment=Decimal(str(plan["min_instalment"])).quantize(validation.CENT),
            first_due_within_days=int(plan["first_due_within_days"]),
            max_total_agent=Decimal(str(plan["max_total_agent"])).quantize(validation.CENT),
            one_plan_per_12_months=bool(plan["one_plan_per_12_months"]),
            reminder_1_days=int(collection["reminder_1_days"]),
            reminder_2_days=int(collection["reminder_2_days"]),
            formal_notice_days=int(collection["formal_notice_days"]),
            suspension_days=int(collection["suspension_days"]),
            termination_days=int(collection["termination_days"]),
        )

    def reminders(self, days_late: int) -> tuple[str, ...]:
        """The steps the company has taken by `days_late` days after the due date."""
        steps = (
            (self.reminder_1_days, _("Relance 1")),
            (self.reminder_2_days, _("Relance 2")),
            (self.formal_notice_days, _("Mise en demeure")),
            (self.suspension_days, _("Restriction de service")),
            (self.termination_days, _("Résiliation pour impayé")),
        )
        return tuple(label for days, label in steps if days_late >= days)


def split_in_instalments(total: Decimal, count: int) -> tuple[Decimal, ...]:
    """`total` in `count` instalments that sum exactly to it in cents, the odd cents first.

    1 000,00 € in 3: 333,34 + 333,33 + 333,33.
    """
    cents = int((total * 100).to_integral_value())
    base, remainder = divmod(cents, count)
    return tuple(Decimal(base + (1 if index < remainder else 0)) / 100 for index in range(count))


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class NewPaymentPlan:
    """A plan the agent proposes: how many monthly instalments, from which date, how paid.

    `invoice_numbers` empty means every open invoice of the customer not already in a plan.
    `iban` is required for a direct debit when the customer has none on file.
    """

    customer_id: int
    instalments: int
    first_due_on: str | date
    method: str = "direct_debit"
    invoice_numbers: tuple[str, ...] = ()
    iban: str = ""
    agent_id: int | None = None
    note: str = ""


def setup_payment_plan(
    session_factory: sessionmaker,
    plan: NewPaymentPlan,
    *,
    rules: CollectionRules,
    now: datetime,
) -> PaymentPlanView:
    """Set up a payment plan (échéancier) for overdue invoices, within the rules (C1.8).

    Refused with `RuleViolation` naming the rule: more than `max_instalments` instalments,
    an instalment under `min_instalment`, a first due date beyond `first_due_within_days`,
    a debt over `max_total_agent` (the recouvrement service decides), or a second plan
    within 12 months.
    """
    require_aware(now, "now")
    today = local_date(now)
    check = validation.Checker()
    if isinstance(plan.instalments, bool) or not isinstance(plan.instalments, int):
        check.add("echeances", _("Le nombre d'échéances doit être un nombre entier."))
    elif plan.instalments < 1:
        check.add("echeances", _("Le nombre d'échéances doit être d'au moins 1."))
    first_due = check(validation.date_value, plan.first_due_on, field="premiere_echeance")
    if first_due is not None and first_due < today:
        check.add("premiere_echeance", _("La première échéance ne peut pas être dans le passé."))
    method = check(validation.choice, plan.method, PAYMENT_METHODS, field="mode_paiement")
    iban = check(validation.iban, plan.iban, field="iban") if plan.iban.strip() else None
    numbers = [
        check(validation.text_value, n, field="factures", max_length=20)
        for n in plan.invoice_numbers
    ]
    note = check(validation.text_value, plan.note, field="commentaire", required=False)
    check.raise_if_any()
    if plan.instalments > rules.max_instalments:
        raise RuleViolation(
            "max_instalments",
            _(
                "Échéancier refusé : {count} échéances demandées, {max} au plus. Au-delà, "
                "transférez l'appel au service recouvrement."
            ).format(count=plan.instalments, max=rules.max_instalments),
        )
    assert first_due is not None
    if (first_due - today).days > rules.first_due_within_days:
        raise RuleViolation(
            "first_due_within_days",
            _(
                "Échéancier refusé : la première échéance doit tomber dans les {days} jours "
                "(au plus tard le {last})."
            ).format(
                days=rules.first_due_within_days,
                last=(today + timedelta(days=rules.first_due_within_days)).strftime("%d/%m/%Y"),
            ),
        )
    with session_factory.begin() as session:
        customer = get_customer(session, plan.customer_id)
        if plan.agent_id is not None and session.get(User, plan.agent_id) is None:
            raise NotFound(_("Conseiller introuvable (identifiant {id}).").format(id=plan.agent_id))
        invoices = _plan_invoices(session, customer.id, numbers)
        total = sum((invoice.amount - invoice.paid_amount for invoice in invoices), ZERO)
        if total > rules.max_total_agent:
            raise RuleViolation(
                "max_total_agent",
                _(
                    "Échéancier refusé : la dette ({total}) dépasse {max}, le plafond d'un "
                    "conseiller. Transférez l'appel au service recouvrement."
                ).format(total=euros(total), max=euros(rules.max_total_agent)),
            )
        amounts = split_in_instalments(total, plan.instalments)
        if min(amounts) < rules.min_instalment:
            raise RuleViolation(
                "min_instalment",
                _(
                    "Échéancier refusé : une échéance de {amount} est inférieure au minimum de "
                    "{min}. Proposez moins d'échéances."
                ).format(amount=euros(min(amounts)), min=euros(rules.min_instalment)),
            )
        if rules.one_plan_per_12_months:
            _refuse_recent_plan(session, customer.id, now)
        if method == "direct_debit":
            if iban is None and not customer.iban:
                raise ValidationError.single(
                    "iban", _("Un prélèvement demande l'IBAN du client : saisissez-le.")
                )
            if iban is not None:
                customer.iban = iban
        row = PaymentPlan(
            customer_id=customer.id,
            created_at=now,
            total_amount=total,
            status="active",
            method=method,
            agent_id=plan.agent_id,
            note=note,
            instalments=[
                Instalment(number=index, due_on=_add_months(first_due, index - 1), amount=amount)
                for index, amount in enumerate(amounts, start=1)
            ],
        )
        session.add(row)
        session.flush()
        for invoice in invoices:
            invoice.payment_plan_id = row.id
        session.flush()
        session.refresh(row, ["invoices"])
        return plan_of(row)


def _plan_invoices(session: Session, customer_id: int, numbers: list[str]) -> list[Invoice]:
    active_plan = aliased(PaymentPlan)
    query = (
        select(Invoice)
        .outerjoin(active_plan, active_plan.id == Invoice.payment_plan_id)
        .where(
            Invoice.customer_id == customer_id,
            Invoice.status.in_(OPEN_STATUSES),
            or_(Invoice.payment_plan_id.is_(None), active_plan.status != "active"),
        )
        .order_by(Invoice.due_on)
    )
    invoices = list(session.scalars(query))
    if numbers:
        by_number = {invoice.number: invoice for invoice in invoices}
        missing = [number for number in numbers if number not in by_number]
        if missing:
            raise ValidationError.single(
                "factures",
                _(
                    "Facture {number} introuvable, déjà réglée ou déjà dans un échéancier "
                    "pour ce client."
                ).format(number=missing[0]),
            )
        invoices = [by_number[number] for number in dict.fromkeys(numbers)]
    if not invoices:
        raise RuleViolation(
            "nothing_due", _("Ce client n'a aucune facture impayée à mettre en échéancier.")
        )
    return invoices


def _refuse_recent_plan(session: Session, customer_id: int, now: datetime) -> None:
    recent = session.scalar(
        select(PaymentPlan.created_at)
        .where(
            PaymentPlan.customer_id == customer_id,
            PaymentPlan.status != "cancelled",
            PaymentPlan.created_at > now - timedelta(days=365),
        )
        .order_by(PaymentPlan.created_at.desc())
        .limit(1)
    )
    if recent is not None:
        raise RuleViolation(
            "one_plan_per_12_months",
            _(
                "Échéancier refusé : un échéancier a déjà été accordé le {day} ; un seul par "
                "période de 12 mois. Transférez l'appel au service recouvrement."
            ).format(day=local_date(recent).strftime("%d/%m/%Y")),
        )


_CARD_NUMBER = re.compile(r"(?:\d[ -]?){13,19}")


@dataclass(frozen=True)
class NewPayment:
    """A payment taken by the agent for one invoice.

    Card: `reference` is the payment terminal's authorisation reference (never the card
    number). SEPA direct debit: `iban`. Cheque and transfer: `reference`.
    """

    customer_id: int
    invoice_number: str
    amount: str | Decimal
    method: str
    paid_on: str | date
    reference: str = ""
    iban: str = ""


def record_payment(
    session_factory: sessionmaker, payment: NewPayment, *, now: datetime
) -> PaymentView:
    """Record a payment against an open invoice and update its balance (C1.8)."""
    require_aware(now, "now")
    check = validation.Checker()
    amount = check(validation.amount, payment.amount, field="montant")
    method = check(validation.choice, payment.method, PAYMENT_METHODS, field="mode_paiement")
    paid_on = check(validation.date_value, payment.paid_on, field="date_paiement")
    if paid_on is not None and paid_on > local_date(now):
        check.add("date_paiement", _("La date de paiement ne peut pas être dans le futur."))
    reference = ""
    iban = None
    if method == "direct_debit":
        iban = check(validation.iban, payment.iban, field="iban")
        if iban is not None:
            reference = f"SEPA {iban[:4]}…{iban[-4:]}"
    elif method is not None:
        reference = check(
            validation.text_value, payment.reference, field="reference", max_length=64
        )
        if reference and _CARD_NUMBER.fullmatch(reference):
            check.add(
                "reference",
                _(
                    "Ne saisissez jamais un numéro de carte : indiquez la référence "
                    "d'autorisation du paiement."
                ),
            )
    check.raise_if_any()
    with session_factory.begin() as session:
        customer = get_customer(session, payment.customer_id)
        invoice = session.scalar(
            select(Invoice).where(
                Invoice.customer_id == customer.id, Invoice.number == payment.invoice_number
            )
        )
        if invoice is None:
            raise NotFound(
                _("Facture {number} introuvable pour ce client.").format(
                    number=str(payment.invoice_number)[:20]
                )
            )
        if invoice.status not in OPEN_STATUSES:
            raise RuleViolation(
                "invoice_closed",
                _("La facture {number} est déjà réglée ou annulée.").format(number=invoice.number),
            )
        balance = invoice.amount - invoice.paid_amount
        if amount > balance:
            raise RuleViolation(
                "overpayment",
                _(
                    "Le montant ({amount}) dépasse le reste à payer de la facture ({balance})."
                ).format(amount=euros(amount), balance=euros(balance)),
            )
        if iban is not None:
            customer.iban = iban
        row = Payment(
            customer_id=customer.id,
            invoice_id=invoice.id,
            method=method,
            reference=reference,
            amount=amount,
            paid_on=paid_on,
            status="accepted",
        )
        session.add(row)
        invoice.paid_amount = invoice.paid_amount + amount
        invoice.status = "paid" if invoice.paid_amount == invoice.amount else "partially_paid"
        session.flush()
        return PaymentView(
            id=row.id,
            customer_id=customer.id,
            invoice_number=invoice.number,
            method=row.method,
            reference=row.reference,
            amount=row.amount,
            paid_on=row.paid_on,
            status=row.status,
            invoice_balance=invoice.amount - invoice.paid_amount,
        )


@dataclass(frozen=True)
class NewPromise:
    """A customer's promise to pay `amount` by `promised_on` (C1.8)."""

    customer_id: int
    amount: str | Decimal
    promised_on: str | date
    started_at: datetime
    agent_id: int | None = None
    call_id: str | None = None
    direction: str = "outbound"
    note: str = ""


def record_promise(
    session_factory: sessionmaker,
    promise: NewPromise,
    *,
    rules: CollectionRules,
    now: datetime,
) -> PromiseView:
    """Record a promise to pay in the customer's history (outcome "promise_to_pay").

    The amount cannot exceed the overdue balance and the date must fall within the same
    window as a plan's first instalment.
    """
    require_aware(now, "now")
    today = local_date(now)
    check = validation.Checker()
    amount = check(validation.amount, promise.amount, field="montant")
    promised_on = check(validation.date_value, promise.promised_on, field="date_promesse")
    note = check(validation.text_value, promise.note, field="commentaire", required=False)
    if promise.direction not in ("inbound", "outbound"):
        check.add("sens", _("Sens de l'appel invalide."))
    if not isinstance(promise.started_at, datetime) or promise.started_at.tzinfo is None:
        check.add("debut", _("Date et heure de début invalides."))
    if promised_on is not None:
        if promised_on < today:
            check.add("date_promesse", _("La date promise ne peut pas être dans le passé."))
        elif (promised_on - today).days > rules.first_due_within_days:
            check.add(
                "date_promesse",
                _("La date promise doit tomber dans les {days} jours.").format(
                    days=rules.first_due_within_days
                ),
            )
    check.raise_if_any()
    with session_factory.begin() as session:
        customer = get_customer(session, promise.customer_id)
        agent_name = None
        if promise.agent_id is not None:
            agent = session.get(User, promise.agent_id)
            if agent is None:
                raise NotFound(
                    _("Conseiller introuvable (identifiant {id}).").format(id=promise.agent_id)
                )
            agent_name = agent.display_name
        overdue = list(
            session.scalars(
                select(Invoice)
                .where(
                    Invoice.customer_id == customer.id,
                    Invoice.status.in_(OPEN_STATUSES),
                    Invoice.due_on < today,
                )
                .order_by(Invoice.due_on)
            )
        )
        due = sum((invoice.amount - invoice.paid_amount for invoice in overdue), ZERO)
        if not overdue:
            raise RuleViolation("nothing_due", _("Ce client n'a aucune facture en retard."))
        if amount > due:
            raise RuleViolation(
                "promise_exceeds_debt",
                _("Le montant promis ({amount}) dépasse la somme due ({due}).").format(
                    amount=euros(amount), due=euros(due)
                ),
            )
        numbers = tuple(invoice.number for invoice in overdue)
        summary = _("Promesse de règlement de {amount} au plus tard le {day} ({invoices}).").format(
            amount=euros(amount), day=promised_on.strftime("%d/%m/%Y"), invoices=", ".join(numbers)
        )
        interaction = Interaction(
            customer_id=customer.id,
            channel="call",
            direction=promise.direction,
            motive=_("Promesse de règlement"),
            nature="payment",
            outcome="promise_to_pay",
            summary=f"{summary}\n{note}".strip(),
            agent_id=promise.agent_id,
            agent_name=agent_name,
            started_at=promise.started_at,
            call_id=promise.call_id,
        )
        session.add(interaction)
        session.flush()
        return PromiseView(
            interaction_id=interaction.id,
            customer_id=customer.id,
            amount=amount,
            promised_on=promised_on,
            invoice_numbers=numbers,
        )


def collection_list(
    session_factory: sessionmaker,
    *,
    rules: CollectionRules,
    now: datetime,
    page: int = 1,
    page_size: int = 20,
) -> Page[CollectionItem]:
    """Customers with overdue invoices not covered by an active plan, oldest debt first,
    with the amount due, days late, the reminders sent so far and past collection contacts
    (C1.8)."""
    require_aware(now, "now")
    if (
        not isinstance(page, int)
        or page < 1
        or not isinstance(page_size, int)
        or not (1 <= page_size <= 100)
    ):
        raise ValidationError.single("page", _("Pagination invalide."))
    today = local_date(now)
    active_plan = aliased(PaymentPlan)
    overdue = (
        select(Invoice)
        .outerjoin(active_plan, active_plan.id == Invoice.payment_plan_id)
        .where(
            Invoice.status.in_(OPEN_STATUSES),
            Invoice.due_on < today,
            or_(Invoice.payment_plan_id.is_(None), active_plan.status != "active"),
        )
        .subquery()
    )
    grouped = (
        select(
            overdue.c.customer_id,
            func.sum(overdue.c.amount - overdue.c.paid_amount).label("due"),
            func.min(overdue.c.due_on).label("oldest"),
        )
        .group_by(overdue.c.customer_id)
        .subquery()
    )
    with session_factory.begin() as session:
        total = session.scalar(select(func.count()).select_from(grouped)) or 0
        rows = session.execute(
            select(grouped.c.customer_id, grouped.c.due, grouped.c.oldest)
            .order_by(grouped.c.oldest, grouped.c.customer_id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        ids = [row.customer_id for row in rows]
        customers = {
            customer.id: customer
            for customer in session.scalars(select(Customer).where(Customer.id.in_(ids)))
        }
        numbers: dict[int, list[str]] = {}
        for customer_id, number in session.execute(
            select(overdue.c.customer_id, overdue.c.number)
            .where(overdue.c.customer_id.in_(ids))
            .order_by(overdue.c.due_on)
        ):
            numbers.setdefault(customer_id, []).append(number)
        contacts = {
            customer_id: (count, last)
            for customer_id, count, last in session.execute(
                select(
                    Interaction.customer_id,
                    func.count(),
                    func.max(Interaction.started_at),
                )
                .where(Interaction.customer_id.in_(ids), Interaction.nature == "payment")
                .group_by(Interaction.customer_id)
            )
        }
        with_plan = set(
            session.scalars(
                select(PaymentPlan.customer_id).where(
                    PaymentPlan.customer_id.in_(ids), PaymentPlan.status == "active"
                )
            )
        )
        items = []
        for row in rows:
            oldest: date = row.oldest
            days_late = (today - oldest).days
            count, last = contacts.get(row.customer_id, (0, None))
            items.append(
                CollectionItem(
                    customer=summary_of(customers[row.customer_id]),
                    invoice_numbers=tuple(numbers.get(row.customer_id, ())),
                    amount_due=Decimal(row.due).quantize(validation.CENT),
                    oldest_due_on=oldest,
                    days_late=days_late,
                    reminders=rules.reminders(days_late),
                    collection_contacts=count,
                    last_contact_at=last,
                    has_active_plan=row.customer_id in with_plan,
                )
            )
    return Page(items=tuple(items), total=total, page=page, page_size=page_size)


def payment_plans(session_factory: sessionmaker, customer_id: int) -> tuple[PaymentPlanView, ...]:
    """A customer's payment plans, newest first."""
    with session_factory.begin() as session:
        get_customer(session, customer_id)
        plans = session.scalars(
            select(PaymentPlan)
            .where(PaymentPlan.customer_id == customer_id)
            .options(selectinload(PaymentPlan.instalments), selectinload(PaymentPlan.invoices))
            .order_by(PaymentPlan.created_at.desc())
        ).all()
        return tuple(plan_of(plan) for plan in plans)


def recent_payments(session: Session, customer_id: int, limit: int = 3) -> Recent[PaymentView]:
    """A customer's latest payments (accepted or rejected), newest first, with their count
    (within `session`, for the customer card's transaction)."""
    # The window count travels with the rows: one round trip gives the items and the total.
    rows = session.execute(
        select(Payment, Invoice.number, func.count().over())
        .outerjoin(Invoice, Invoice.id == Payment.invoice_id)
        .where(Payment.customer_id == customer_id)
        .order_by(Payment.paid_on.desc(), Payment.id.desc())
        .limit(max(1, limit))
    ).all()
    items = tuple(
        PaymentView(
            id=payment.id,
            customer_id=payment.customer_id,
            invoice_number=number,
            method=payment.method,
            reference=payment.reference,
            amount=payment.amount,
            paid_on=payment.paid_on,
            status=payment.status,
            invoice_balance=None,
        )
        for payment, number, _total in rows
    )
    return Recent(items, rows[0][2] if rows else 0)


def customer_payments(
    session_factory: sessionmaker, customer_id: int, *, limit: int = 3
) -> Recent[PaymentView]:
    """A customer's latest payments, newest first, with their count (C1.6, C1.8); `NotFound`
    if the customer does not exist."""
    with session_factory.begin() as session:
        get_customer(session, customer_id)
        return recent_payments(session, customer_id, limit)


def recent_promises(session: Session, customer_id: int, limit: int = 3) -> Recent[InteractionView]:
    """A customer's latest promises to pay (history entries "promise_to_pay", whose summary
    states amount, date and invoices), newest first, with their count."""
    rows = session.execute(
        select(Interaction, func.count().over())
        .where(Interaction.customer_id == customer_id, Interaction.outcome == "promise_to_pay")
        .order_by(Interaction.started_at.desc(), Interaction.id.desc())
        .limit(max(1, limit))
    ).all()
    return Recent(tuple(interaction_of(row) for row, _total in rows), rows[0][1] if rows else 0)


def customer_promises(
    session_factory: sessionmaker, customer_id: int, *, limit: int = 3
) -> Recent[InteractionView]:
    """A customer's latest promises to pay (C1.8), newest first, with their count; `NotFound`
    if the customer does not exist."""
    with session_factory.begin() as session:
        get_customer(session, customer_id)
        return recent_promises(session, customer_id, limit)
