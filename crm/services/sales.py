"""Closing a sale (C1.6 "vendre"): the catalogue as the agent filters it, the additional-sale
rule, the quote read back to the customer, and the sale written in one transaction.

A sale is the order (`orders.create_order`), the installation visit of a new box
(`appointments.book_appointment`) and the payment of the one-off total by card or SEPA direct
debit (`billing.record_payment`, on an invoice made for the order). The three services run in
one database transaction: if any refuses, nothing at all is written.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from gettext import gettext as _
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from crm import validation
from crm.errors import RuleViolation, ValidationError
from crm.models import Customer, Invoice, Offer
from crm.services import appointments, billing, orders
from crm.services._common import ZERO, local_date, require_aware
from crm.services.appointments import NewAppointment
from crm.services.billing import NewPayment
from crm.services.orders import NewOrder, PricingRules
from crm.validation import CENT
from crm.views import AppointmentView, OrderLineView, OrderView, PaymentView, Slot

#: What the customer needs, as the agent filters the catalogue (C1.6 "découvrir les besoins").
NEEDS = ("internet", "mobile", "tv", "options", "equipement")
#: Options that bring or extend television.
TV_OPTIONS = frozenset({"OPT-DECODEUR", "OPT-CINE", "OPT-SPORT"})
#: The payment methods of a sale taken on the phone.
SALE_PAYMENT_METHODS = ("card", "direct_debit")
_CARD_NUMBER = re.compile(r"(?:\d[ -]?){13,19}")


def N_(text: str) -> str:
    """Mark a string for translation; it is translated when shown."""
    return text


@dataclass(frozen=True)
class SaleOffer:
    """An offer as the sales panel shows it, with what it includes and its technology."""

    code: str
    name: str
    kind: str
    technology: str | None
    description: str
    monthly_price: Decimal | None
    one_off_price: Decimal | None
    engagement_months: int
    applies_to: str | None


@dataclass(frozen=True)
class InstallationRules:
    """company.yaml `installation`: the visit slots and the lead time before the first one.

    The company installs Monday to Saturday ("lundi au samedi"), weekdays 0 to 5.
    """

    hours: tuple[str, ...] = ("08:00-10:00", "10:00-12:00", "14:00-16:00", "16:00-18:00")
    lead_time_days: int = 3
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5)
    #: How many calendar days of slots are offered from the first possible day.
    days_offered: int = 14


@dataclass(frozen=True)
class SaleRules:
    """The rules of company.yaml a sale follows."""

    pricing: PricingRules = field(default_factory=PricingRules)
    installation: InstallationRules = field(default_factory=InstallationRules)
    #: billing.due_after_days: the order's one-off invoice falls due this many days later.
    due_after_days: int = 14

    @classmethod
    def from_company(cls, company: Mapping[str, Any]) -> SaleRules:
        """The rules from the parsed company.yaml."""
        installation = company["installation"]
        return cls(
            pricing=PricingRules.from_company(company),
            installation=InstallationRules(
                hours=tuple(str(span) for span in installation["slots"]),
                lead_time_days=int(installation["lead_time_days"]),
            ),
            due_after_days=int(company["billing"]["due_after_days"]),
        )


@dataclass(frozen=True)
class Suggestion:
    """The additional sale to propose with an order, and the sentence that justifies it."""

    code: str
    name: str
    kind: str
    monthly_price: Decimal | None
    one_off_price: Decimal | None
    reason: str


@dataclass(frozen=True)
class UpsellRule:
    """Suggest `suggest` when the order holds one of `when_any` and none of `unless`."""

    suggest: str
    when_any: frozenset[str]
    unless: frozenset[str]
    reason: str


_BOXES = frozenset({"BOX-ESS", "BOX-PLUS", "BOX-ULTRA", "BOX-ADSL"})
_MOBILES = frozenset({"MOB-2H", "MOB-50", "MOB-150", "MOB-300"})

#: The additional-sale table of SCR-006, first matching rule wins (one proposal per call).
UPSELL_RULES: tuple[UpsellRule, ...] = (
    UpsellRule(
        "OPT-DECODEUR",
        frozenset({"BOX-ESS"}),
        frozenset({"OPT-DECODEUR"}),
        N_("Box Essentielle sans TV : 120 chaînes et le replay avec le décodeur 4K."),
    ),
    UpsellRule(
        "OPT-CINE",
        frozenset({"BOX-ESS", "BOX-PLUS"}),
        frozenset({"OPT-CINE"}),
        N_("La box a la TV sans le Pack Ciné Séries : films et séries à volonté, en 4K."),
    ),
    UpsellRule(
        "OPT-ASSURANCE",
        _MOBILES,
        frozenset({"OPT-ASSURANCE"}),
        N_("Forfait mobile sans assurance : casse, vol et oxydation du téléphone couverts."),
    ),
    UpsellRule(
        "MOB-50",
        _BOXES,
        _MOBILES,
        N_("Client box sans forfait mobile : 5 € de remise chaque mois sur le Forfait 50 Go."),
    ),
    UpsellRule(
        "OPT-REPETEUR",
        _BOXES - {"BOX-ULTRA"},
        frozenset({"OPT-REPETEUR", "EQ-REPETEUR"}),
        N_("Le répéteur apporte le Wi-Fi dans toutes les pièces du logement."),
    ),
)


@dataclass(frozen=True)
class NewSale:
    """The sale as the agent entered it: the order, the visit slot, the payment."""

    customer_id: int
    offers: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    equipment: tuple[tuple[str, int], ...] = ()
    #: The installation slot, required when the order holds a box.
    slot: Slot | None = None
    #: "card" (terminal authorisation `reference`) or "direct_debit" (`iban`).
    payment_method: str = ""
    reference: str = ""
    iban: str = ""
    agent_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class SaleQuote:
    """What the agent reads back to the customer before confirming (nothing written yet)."""

    lines: tuple[OrderLineView, ...]
    total_monthly: Decimal
    total_one_off: Decimal
    discount_monthly: Decimal
    #: The longest engagement of the subscriptions ordered (0: sans engagement).
    engagement_months: int
    has_box: bool
    slot: Slot | None
    payment_method: str
    #: "FR76…0189" for a direct debit, the authorisation reference for a card.
    payment_label: str
    suggestion: Suggestion | None
    #: The box the ordered one replaces (a change of offer, read back to the customer).
    replaced_box: str | None = None


@dataclass(frozen=True)
class SaleResult:
    """What the confirmed sale wrote."""

    order: OrderView
    appointment: AppointmentView | None
    payment: PaymentView | None
    invoice_number: str | None
    quote: SaleQuote


def offer_catalogue(session_factory: sessionmaker) -> tuple[SaleOffer, ...]:
    """The active offers the agent can sell (fees excluded), by kind then code."""
    with session_factory.begin() as session:
        rows = session.scalars(
            select(Offer)
            .where(Offer.active.is_(True), Offer.kind != "fee")
            .order_by(Offer.kind, Offer.code)
        )
        return tuple(
            SaleOffer(
                code=row.code,
                name=row.name,
                kind=row.kind,
                technology=row.technology,
                description=row.description,
                monthly_price=row.monthly_price,
                one_off_price=row.one_off_price,
                engagement_months=row.engagement_months,
                applies_to=row.applies_to,
            )
            for row in rows
        )


def filter_offers(
    offers: Sequence[SaleOffer],
    *,
    need: str | None = None,
    max_monthly: Decimal | None = None,
    fibre_eligible: bool = True,
) -> tuple[SaleOffer, ...]:
    """The offers that answer `need` within the budget (monthly price at most `max_monthly`).

    Eligibility is the agent's answer after the eligibility test: a fibre-eligible address
    gets the fibre boxes, any other the ADSL/VDSL box.
    """
    if need is not None and need not in NEEDS:
        raise ValidationError.single("besoin", _("Besoin inconnu."))
    kept = []
    for offer in offers:
        if offer.kind == "box" and (offer.technology == "fibre") != fibre_eligible:
            continue
        if need == "internet" and offer.kind != "box":
            continue
        if need == "mobile" and offer.kind != "mobile":
            continue
        if need == "options" and offer.kind != "option":
            continue
        if need == "equipement" and offer.kind != "equipment":
            continue
        if need == "tv" and not (
            (offer.kind == "box" and "décodeur" in offer.description.lower())
            or offer.code in TV_OPTIONS
        ):
            continue
        if max_monthly is not None and (offer.monthly_price or ZERO) > max_monthly:
            continue
        kept.append(offer)
    return tuple(kept)


def suggest_additional_sale(
    codes: Collection[str], catalogue: Mapping[str, SaleOffer]
) -> Suggestion | None:
    """The additional sale tied to an order (SCR-006), or None when none applies."""
    chosen = set(codes)
    for rule in UPSELL_RULES:
        offer = catalogue.get(rule.suggest)
        if offer is None or not (chosen & rule.when_any) or chosen & rule.unless:
            continue
        return Suggestion(
            code=offer.code,
            name=offer.name,
            kind=offer.kind,
            monthly_price=offer.monthly_price,
            one_off_price=offer.one_off_price,
            reason=_(rule.reason),
        )
    return None


def installation_slots_free(
    session_factory: sessionmaker, rules: InstallationRules, *, now: datetime
) -> tuple[Slot, ...]:
    """The free installation slots from the first day the lead time allows (Paris time)."""
    require_aware(now, "now")
    first_day = local_date(now) + timedelta(days=rules.lead_time_days)
    slots = appointments.installation_slots(
        first_day, rules.days_offered, rules.hours, weekdays=rules.weekdays
    )
    return appointments.free_slots(session_factory, slots, now=now)


@contextmanager
def _one_transaction(session_factory: sessionmaker, *, commit: bool) -> Iterator[sessionmaker]:
    """Sessions that all join one connection's transaction ("rollback_only": a service's
    commit only flushes, a service's rollback undoes everything); committed at the end only
    if `commit`, otherwise rolled back (a quote)."""
    engine = session_factory.kw["bind"]
    with engine.connect() as connection:
        transaction = connection.begin()
        joined = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="rollback_only"
        )
        try:
            yield joined
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            raise
        if commit:
            transaction.commit()
        else:
            transaction.rollback()


#: The form field a refused order rule is shown beside.
_RULE_FIELDS = {"option_needs_box": "options", "option_needs_mobile": "options"}


def _check_entry(sale: NewSale, check: validation.Checker) -> None:
    if not sale.offers and not sale.options and not sale.equipment:
        check.add("offres", _("La commande est vide : choisissez au moins une offre."))
    if sale.payment_method not in SALE_PAYMENT_METHODS:
        check.add(
            "mode_paiement",
            _("Choisissez le mode de paiement : carte bancaire ou prélèvement SEPA."),
        )
    elif sale.payment_method == "direct_debit":
        check(validation.iban, sale.iban, field="iban")


def _check_after_pricing(
    sale: NewSale, has_box: bool, one_off: Decimal, now: datetime, check: validation.Checker
) -> None:
    if has_box and sale.slot is None:
        check.add("creneau", _("Choisissez le créneau d'installation de la box avec le client."))
    elif sale.slot is not None and not has_box:
        check.add("creneau", _("Un rendez-vous d'installation n'accompagne qu'une box."))
    elif sale.slot is not None and sale.slot.start <= now:
        check.add("creneau", _("Ce créneau est déjà passé."))
    if sale.payment_method == "card" and one_off > ZERO:
        reference = sale.reference.strip()
        if not reference:
            check.add(
                "reference",
                _("Saisissez la référence d'autorisation donnée par le terminal de paiement."),
            )
        elif _CARD_NUMBER.fullmatch(reference):
            check.add(
                "reference",
                _(
                    "Ne saisissez jamais un numéro de carte : indiquez la référence "
                    "d'autorisation du paiement."
                ),
            )


def _order_of(sale: NewSale) -> NewOrder:
    return NewOrder(
        customer_id=sale.customer_id,
        offers=sale.offers,
        options=sale.options,
        equipment=sale.equipment,
        agent_id=sale.agent_id,
        note=sale.note,
    )


def _payment_label(sale: NewSale) -> str:
    if sale.payment_method == "direct_debit":
        compact = re.sub(r"\s", "", sale.iban).upper()
        return f"{compact[:4]}…{compact[-4:]}"
    return sale.reference.strip()


def _quote(
    session_factory: sessionmaker, sale: NewSale, *, rules: SaleRules, now: datetime
) -> tuple[SaleQuote, OrderView]:
    check = validation.Checker()
    _check_entry(sale, check)
    priced: OrderView | None = None
    kinds: dict[str, str] = {}
    if not any(item.field == "offres" for item in check.errors):
        try:
            with _one_transaction(session_factory, commit=False) as joined:
                priced = orders.create_order(joined, _order_of(sale), now=now, rules=rules.pricing)
                with joined.begin() as session:
                    kinds = dict(
                        session.execute(
                            select(Offer.code, Offer.kind).where(Offer.code.in_(sale.offers))
                        ).all()
                    )
        except ValidationError as error:
            check.errors.extend(error.errors)
        except RuleViolation as error:
            check.add(_RULE_FIELDS.get(error.rule, "offres"), error.message)
    has_box = any(kind == "box" for kind in kinds.values())
    one_off = priced.total_one_off if priced is not None else ZERO
    _check_after_pricing(sale, has_box, one_off, now, check)
    check.raise_if_any()
    assert priced is not None  # no error means the order was priced
    catalogue = {offer.code: offer for offer in offer_catalogue(session_factory)}
    codes = {*sale.offers, *sale.options, *(code for code, _q in sale.equipment)}
    engagement = max(
        (catalogue[code].engagement_months for code in sale.offers if code in catalogue),
        default=0,
    )
    quote = SaleQuote(
        lines=priced.lines,
        total_monthly=priced.total_monthly,
        total_one_off=priced.total_one_off,
        discount_monthly=priced.discount_monthly,
        engagement_months=engagement,
        has_box=has_box,
        slot=sale.slot,
        payment_method=sale.payment_method,
        payment_label=_payment_label(sale),
        suggestion=suggest_additional_sale(codes, catalogue),
        replaced_box=priced.replaced_box,
    )
    return quote, priced


def quote_sale(
    session_factory: sessionmaker, sale: NewSale, *, rules: SaleRules, now: datetime
) -> SaleQuote:
    """Check the whole sale and price it, writing nothing (the summary read to the customer).

    Every wrong field is reported at once (`ValidationError`; fields: offres, options,
    equipements, creneau, mode_paiement, iban, reference).
    """
    require_aware(now, "now")
    return _quote(session_factory, sale, rules=rules, now=now)[0]


def close_sale(
    session_factory: sessionmaker, sale: NewSale, *, rules: SaleRules, now: datetime
) -> SaleResult:
    """Write the confirmed sale: order, installation visit and payment, all or nothing.

    The one-off total (activation fee, equipment, one-off options) is invoiced with the
    order and paid at once: by card (authorisation reference) or by SEPA direct debit, whose
    IBAN becomes the customer's mandate for the monthly invoices too.
    """
    require_aware(now, "now")
    quote, _priced = _quote(session_factory, sale, rules=rules, now=now)
    today = local_date(now)
    with _one_transaction(session_factory, commit=True) as joined:
        order = orders.create_order(joined, _order_of(sale), now=now, rules=rules.pricing)
        appointment = None
        if quote.has_box:
            assert sale.slot is not None  # checked by the quote
            try:
                appointment = appointments.book_appointment(
                    joined,
                    NewAppointment(
                        customer_id=sale.customer_id,
                        slot=sale.slot,
                        kind="installation",
                        agent_id=sale.agent_id,
                        note=_("Installation de la commande {number}.").format(number=order.number),
                    ),
                    now=now,
                )
            except ValidationError as error:
                raise error.renamed("creneau") from None
            except RuleViolation as error:
                raise ValidationError.single("creneau", error.message) from None
        payment = None
        invoice_number = None
        if order.total_one_off > ZERO:
            invoice_number = _invoice_for(joined, order, today, rules.due_after_days)
            payment = billing.record_payment(
                joined,
                NewPayment(
                    customer_id=sale.customer_id,
                    invoice_number=invoice_number,
                    amount=order.total_one_off,
                    method=sale.payment_method,
                    paid_on=today,
                    reference=sale.reference.strip(),
                    iban=sale.iban,
                ),
                now=now,
            )
        if sale.payment_method == "direct_debit":
            with joined.begin() as session:
                customer = session.get(Customer, sale.customer_id)
                assert customer is not None  # create_order found it
                customer.payment_method = "direct_debit"
                customer.iban = validation.iban(sale.iban)
    return SaleResult(
        order=order,
        appointment=appointment,
        payment=payment,
        invoice_number=invoice_number,
        quote=quote,
    )


def _invoice_for(joined: sessionmaker, order: OrderView, today: date, due_after: int) -> str:
    """A one-off invoice of the order's one-off total; its number (FA-AAAA-NNNNNNN)."""
    with joined.begin() as session:
        prefix = f"FA-{today.year}-"
        highest = session.scalar(
            select(func.max(Invoice.number)).where(Invoice.number.like(prefix + "%"))
        )
        following = int(highest[len(prefix) :]) + 1 if highest else 1
        number = f"{prefix}{following:07d}"
        session.add(
            Invoice(
                number=number,
                customer_id=order.customer_id,
                issued_on=today,
                due_on=today + timedelta(days=due_after),
                amount=order.total_one_off.quantize(CENT),
            )
        )
    return number
