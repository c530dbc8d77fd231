"""Finding customers, their 360 card, new prospects and contact-detail updates (C1.1, C2.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from gettext import gettext as _

from sqlalchemy import ColumnElement, Dialect, Engine, and_, bindparam, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload, sessionmaker

from crm import validation
from crm.errors import ValidationError
from crm.models import (
    CIVILITIES,
    CONTACT_PREFERENCES,
    CUSTOMER_KINDS,
    PHONE_LABELS,
    Appointment,
    Contract,
    ContractOption,
    Customer,
    Interaction,
    Invoice,
    PaymentPlan,
    PhoneNumber,
    Request,
)
from crm.services._common import (
    ZERO,
    appointment_of,
    contract_of,
    get_customer,
    interaction_of,
    invoice_of,
    local_date,
    phone_of,
    plan_of,
    request_of,
    require_aware,
    summary_of,
)
from crm.services.billing import recent_payments, recent_promises
from crm.services.inbox import recent_messages
from crm.services.orders import recent_orders
from crm.services.surveys import recent_responses
from crm.views import CustomerActivity, CustomerCard, CustomerSummary, Page

MAX_PAGE_SIZE = 100
_SUMMARY_COLUMNS = (
    Customer.id,
    Customer.number,
    Customer.kind,
    Customer.civility,
    Customer.first_name,
    Customer.last_name,
    Customer.company_name,
    Customer.postcode,
    Customer.city,
)


@cache
def _by_phone_sql(dialect: Dialect) -> tuple[str, bool]:
    """The screen-pop SELECT compiled once per dialect: its SQL and whether it is positional.

    The statement is written with SQLAlchemy (one source for the columns and the join);
    only its execution skips SQLAlchemy's per-call machinery.
    """
    statement = (
        select(*_SUMMARY_COLUMNS)
        .join(PhoneNumber, PhoneNumber.customer_id == Customer.id)
        .where(PhoneNumber.e164 == bindparam("e164"))
    )
    compiled = statement.compile(dialect=dialect)
    return compiled.string, compiled.positional


def find_by_phone(session_factory: sessionmaker, phone: str) -> CustomerSummary | None:
    """The customer whose number is `phone` (as typed or as sent by the PBX), or None.

    C1.1, the screen pop: the number is normalised to E.164, then looked up by equality on
    the unique index. It runs on every incoming call, so it is a read-only query on a pooled
    DB-API connection: no ORM session and no SQLAlchemy result layer, which cost five times
    the SELECT itself (benchmarks/bench_lookup.py). One indexed SELECT needs no transaction.
    """
    e164 = validation.phone(phone)
    engine: Engine = session_factory.kw["bind"]
    sql, positional = _by_phone_sql(engine.dialect)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(sql, (e164,) if positional else {"e164": e164})
            row = cursor.fetchone()
        finally:
            cursor.close()
    finally:
        connection.close()  # back to the pool, which ends the read transaction
    return None if row is None else CustomerSummary(*row)


def find_by_number(session_factory: sessionmaker, number: str) -> CustomerSummary | None:
    """The customer with this customer number (CL0004512), or None (C1.1)."""
    value = validation.customer_number(number)
    with session_factory.begin() as session:
        row = session.execute(select(*_SUMMARY_COLUMNS).where(Customer.number == value)).first()
        return None if row is None else CustomerSummary(*row)


def search_customers(
    session_factory: sessionmaker,
    *,
    name: str = "",
    postcode: str = "",
    page: int = 1,
    page_size: int = 20,
) -> Page[CustomerSummary]:
    """Customers whose last name starts with `name` and/or in `postcode`, paginated.

    C1.1: the agent identifies a caller who gives a name. Case and accents are ignored
    ("lefevre" finds Lefèvre); at least one criterion is required.
    """
    check = validation.Checker()
    folded = validation.fold(" ".join(name.split())) if isinstance(name, str) else ""
    code = check(validation.postcode, postcode, field="code_postal") if postcode.strip() else ""
    if not folded and not code:
        check.add("nom", _("Saisissez un nom (au moins 2 lettres) ou un code postal."))
    elif folded and len(folded) < 2:
        check.add("nom", _("Saisissez au moins 2 lettres du nom."))
    if not isinstance(page, int) or page < 1:
        check.add("page", _("Numéro de page invalide."))
    if not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
        check.add(
            "page_size",
            _("Taille de page invalide (1 à {max}).").format(max=MAX_PAGE_SIZE),
        )
    check.raise_if_any()
    criteria = []
    if folded:
        criteria.append(_prefix(Customer.search_name, folded))
    if code:
        criteria.append(Customer.postcode == code)
    with session_factory.begin() as session:
        total = session.scalar(select(func.count()).select_from(Customer).where(*criteria)) or 0
        rows = session.execute(
            select(*_SUMMARY_COLUMNS)
            .where(*criteria)
            .order_by(Customer.search_name, Customer.first_name, Customer.id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
    return Page(
        items=tuple(CustomerSummary(*row) for row in rows),
        total=total,
        page=page,
        page_size=page_size,
    )


def _prefix(column: InstrumentedAttribute[str], prefix: str) -> ColumnElement[bool]:
    # The range uses the plain B-tree index on SQLite and PostgreSQL alike (LIKE alone does
    # not); LIKE then keeps exactly the names that start with the prefix.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper, column.startswith(prefix, autoescape=True))


def customer_card(
    session_factory: sessionmaker, customer_id: int, *, now: datetime, interactions: int = 10
) -> CustomerCard:
    """The customer 360: identity, phones, contracts, open invoices with days late, open
    requests, last interactions, payment plans and planned appointments (C1.1, C1.2); what
    the other activities left is in `customer_activity`."""
    require_aware(now, "now")
    today = local_date(now)
    with session_factory.begin() as session:
        customer = get_customer(session, customer_id)
        contracts = session.scalars(
            select(Contract)
            .where(Contract.customer_id == customer.id)
            .options(
                selectinload(Contract.offer),
                selectinload(Contract.options).selectinload(ContractOption.offer),
            )
            .order_by(Contract.status, Contract.start_date)
        ).all()
        open_invoices = session.scalars(
            select(Invoice)
            .where(
                Invoice.customer_id == customer.id,
                Invoice.status.in_(("unpaid", "partially_paid")),
            )
            .order_by(Invoice.due_on)
        ).all()
        requests = session.scalars(
            select(Request)
            .where(
                Request.customer_id == customer.id,
                Request.status != "closed",
            )
            .options(selectinload(Request.service))
            .order_by(Request.opened_at.desc())
        ).all()
        history = session.scalars(
            select(Interaction)
            .where(Interaction.customer_id == customer.id)
            .order_by(Interaction.started_at.desc(), Interaction.id.desc())
            .limit(max(1, interactions))
        ).all()
        plans = session.scalars(
            select(PaymentPlan)
            .where(PaymentPlan.customer_id == customer.id)
            .options(selectinload(PaymentPlan.instalments), selectinload(PaymentPlan.invoices))
            .order_by(PaymentPlan.created_at.desc())
        ).all()
        appointments = session.scalars(
            select(Appointment)
            .where(Appointment.customer_id == customer.id, Appointment.status == "planned")
            .order_by(Appointment.slot_start)
        ).all()
        invoice_views = tuple(invoice_of(invoice, today) for invoice in open_invoices)
        return CustomerCard(
            summary=summary_of(customer),
            email=customer.email,
            address_line1=customer.address_line1,
            address_line2=customer.address_line2,
            birth_date=customer.birth_date,
            marketing_consent=customer.marketing_consent,
            contact_preference=customer.contact_preference,
            segment=customer.segment,
            payment_method=customer.payment_method,
            iban_masked=_mask_iban(customer.iban),
            created_at=customer.created_at,
            phones=tuple(phone_of(phone) for phone in customer.phones),
            contracts=tuple(contract_of(contract, today) for contract in contracts),
            open_invoices=invoice_views,
            balance_due=sum((invoice.balance for invoice in invoice_views), ZERO),
            open_requests=tuple(request_of(request) for request in requests),
            last_interactions=tuple(interaction_of(item) for item in history),
            payment_plans=tuple(plan_of(plan) for plan in plans),
            appointments=tuple(appointment_of(item) for item in appointments),
        )


def customer_activity(
    session_factory: sessionmaker, customer_id: int, *, recent: int = 3
) -> CustomerActivity:
    """The `recent` latest orders, payments, promises to pay, survey responses and written
    messages of a customer, each with its count (C1.6, C1.7, C1.8, C3.2), in one transaction;
    `NotFound` if the customer does not exist. Kept apart from `customer_card` so a ringing
    call shows the card without waiting for these."""
    with session_factory.begin() as session:
        customer = get_customer(session, customer_id)
        return CustomerActivity(
            customer_id=customer.id,
            orders=recent_orders(session, customer.id, recent),
            payments=recent_payments(session, customer.id, recent),
            promises=recent_promises(session, customer.id, recent),
            survey_responses=recent_responses(session, customer.id, recent),
            messages=recent_messages(session, customer.id, recent),
        )


def _mask_iban(iban: str | None) -> str | None:
    # An agent confirms the last digits with the customer, never reads out the whole IBAN.
    if not iban:
        return None
    return f"{iban[:4]} **** **** {iban[-4:]}"


@dataclass(frozen=True)
class NewPhone:
    """A phone number to add: as typed, its label (mobile, fixe, pro), primary or not."""

    number: str
    label: str = "mobile"
    is_primary: bool = False


@dataclass(frozen=True)
class NewProspect:
    """What an agent types to create a prospect (C1.6, C2.3)."""

    civility: str
    first_name: str
    last_name: str
    address_line1: str
    postcode: str
    city: str
    phones: tuple[NewPhone, ...]
    kind: str = "particulier"
    company_name: str = ""
    address_line2: str = ""
    email: str = ""
    birth_date: str | date | None = None
    marketing_consent: bool = False
    contact_preference: str = "telephone"


def create_prospect(
    session_factory: sessionmaker, prospect: NewProspect, *, now: datetime
) -> CustomerSummary:
    """Create a prospect (a customer without contracts) with a new customer number (C2.3).

    Every field is checked first and all errors are reported together; a phone number that
    already belongs to a customer is refused, naming that customer's number.
    """
    require_aware(now, "now")
    check = validation.Checker()
    kind = check(validation.choice, prospect.kind, CUSTOMER_KINDS, field="type")
    civility = check(validation.choice, prospect.civility, CIVILITIES, field="civilite")
    first_name = check(validation.person_name, prospect.first_name, field="prenom")
    last_name = check(validation.person_name, prospect.last_name, field="nom")
    company = check(
        validation.text_value,
        prospect.company_name,
        field="raison_sociale",
        max_length=200,
        required=prospect.kind == "professionnel",
    )
    line1 = check(validation.text_value, prospect.address_line1, field="adresse", max_length=200)
    line2 = check(
        validation.text_value,
        prospect.address_line2,
        field="complement_adresse",
        max_length=200,
        required=False,
    )
    postcode = check(validation.postcode, prospect.postcode, field="code_postal")
    city = check(validation.text_value, prospect.city, field="ville", max_length=100)
    mail = check(validation.email, prospect.email, field="email") if prospect.email else None
    birth = (
        check(validation.date_value, prospect.birth_date, field="date_naissance")
        if prospect.birth_date
        else None
    )
    if birth is not None and birth >= local_date(now):
        check.add("date_naissance", _("La date de naissance doit être dans le passé."))
    preference = check(
        validation.choice,
        prospect.contact_preference,
        CONTACT_PREFERENCES,
        field="preference_contact",
    )
    phones = _check_phones(check, prospect.phones)
    if not prospect.phones:
        check.add("telephones", _("Saisissez au moins un numéro de téléphone."))
    check.raise_if_any()
    with session_factory.begin() as session:
        _refuse_taken_numbers(session, [e164 for e164, _label, _primary in phones], None)
        customer = Customer(
            number=_next_customer_number(session),
            kind=kind,
            civility=civility,
            first_name=first_name,
            last_name=last_name,
            search_name=validation.fold(last_name),
            company_name=company or None,
            address_line1=line1,
            address_line2=line2 or None,
            postcode=postcode,
            city=city,
            email=mail,
            birth_date=birth,
            marketing_consent=bool(prospect.marketing_consent),
            contact_preference=preference,
            created_at=now,
        )
        if not any(primary for _e164, _label, primary in phones):
            phones[0] = (phones[0][0], phones[0][1], True)
        customer.phones = [
            PhoneNumber(e164=e164, label=label, is_primary=primary)
            for e164, label, primary in phones
        ]
        session.add(customer)
        session.flush()
        return summary_of(customer)


def _check_phones(
    check: validation.Checker, phones: tuple[NewPhone, ...]
) -> list[tuple[str, str, bool]]:
    result: list[tuple[str, str, bool]] = []
    seen: set[str] = set()
    for index, phone in enumerate(phones, start=1):
        field = f"telephone_{index}"
        e164 = check(validation.phone, phone.number, field=field)
        label = check(validation.choice, phone.label, PHONE_LABELS, field=f"{field}_type")
        if e164 is None or label is None:
            continue
        if e164 in seen:
            check.add(field, _("Ce numéro est saisi deux fois."))
            continue
        seen.add(e164)
        result.append((e164, label, bool(phone.is_primary)))
    if sum(1 for _e164, _label, primary in result if primary) > 1:
        check.add("telephones", _("Un seul numéro peut être le numéro principal."))
    return result


def _refuse_taken_numbers(session: Session, numbers: list[str], customer_id: int | None) -> None:
    if not numbers:
        return
    taken = session.execute(
        select(PhoneNumber.e164, Customer.number)
        .join(Customer, Customer.id == PhoneNumber.customer_id)
        .where(PhoneNumber.e164.in_(numbers), PhoneNumber.customer_id != (customer_id or -1))
    ).all()
    if taken:
        raise ValidationError.single(
            "telephones",
            _("Le numéro {phone} appartient déjà au client {number}.").format(
                phone=validation.phone_display(taken[0][0]), number=taken[0][1]
            ),
        )


def _next_customer_number(session: Session) -> str:
    # Numbers are CL + 7 digits, given in order; the unique index refuses a concurrent twin.
    highest = session.scalar(select(func.max(Customer.number)))
    following = int(highest[2:]) + 1 if highest else 1
    if following > 9_999_999:
        raise ValidationError.single("numero_client", _("Plus aucun numéro client disponible."))
    return f"CL{following:07d}"


@dataclass(frozen=True)
class ContactUpdate:
    """Contact details to change; a field left to None is kept as it is (C2.3)."""

    email: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    postcode: str | None = None
    city: str | None = None
    contact_preference: str | None = None
    marketing_consent: bool | None = None
    #: When given, replaces every phone number of the customer.
    phones: tuple[NewPhone, ...] | None = None


def update_contact(
    session_factory: sessionmaker, customer_id: int, update: ContactUpdate
) -> CustomerSummary:
    """Change a customer's contact details: "qualifier un fichier et l'enrichir" (C2.3).

    An empty e-mail ("") removes it. Returns the updated summary.
    """
    check = validation.Checker()
    values: dict[str, object] = {}
    if update.email is not None:
        values["email"] = (
            check(validation.email, update.email, field="email") if update.email.strip() else None
        )
    if update.address_line1 is not None:
        values["address_line1"] = check(
            validation.text_value, update.address_line1, field="adresse", max_length=200
        )
    if update.address_line2 is not None:
        values["address_line2"] = (
            check(
                validation.text_value,
                update.address_line2,
                field="complement_adresse",
                max_length=200,
                required=False,
            )
            or None
        )
    if update.postcode is not None:
        values["postcode"] = check(validation.postcode, update.postcode, field="code_postal")
    if update.city is not None:
        values["city"] = check(validation.text_value, update.city, field="ville", max_length=100)
    if update.contact_preference is not None:
        values["contact_preference"] = check(
            validation.choice,
            update.contact_preference,
            CONTACT_PREFERENCES,
            field="preference_contact",
        )
    if update.marketing_consent is not None:
        values["marketing_consent"] = bool(update.marketing_consent)
    phones = None
    if update.phones is not None:
        phones = _check_phones(check, update.phones)
        if not update.phones:
            check.add("telephones", _("Saisissez au moins un numéro de téléphone."))
    check.raise_if_any()
    with session_factory.begin() as session:
        customer = get_customer(session, customer_id)
        for key, value in values.items():
            setattr(customer, key, value)
        if phones is not None:
            _refuse_taken_numbers(session, [e164 for e164, _label, _p in phones], customer.id)
            if not any(primary for _e164, _label, primary in phones):
                phones[0] = (phones[0][0], phones[0][1], True)
            existing = {phone.e164: phone for phone in customer.phones}
            kept = []
            for e164, label, primary in phones:
                phone = existing.pop(e164, None) or PhoneNumber(e164=e164)
                phone.label, phone.is_primary = label, primary
                kept.append(phone)
            # Delete the dropped numbers first so a number can move between labels safely.
            for phone in existing.values():
                customer.phones.remove(phone)
            session.flush()
            customer.phones = kept
        session.flush()
        return summary_of(customer)
