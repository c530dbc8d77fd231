"""Orders: the price is computed here from the catalogue, never taken from the caller (C1.6)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from gettext import gettext as _
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from crm import validation
from crm.errors import NotFound, RuleViolation, ValidationError
from crm.models import ORDER_CHANNELS, Contract, Offer, Order, OrderLine, User
from crm.services._common import ZERO, get_customer, local_date, require_aware
from crm.validation import CENT
from crm.views import OfferView, OrderBrief, OrderLineView, OrderView, Recent

MAX_QUANTITY = 10


@dataclass(frozen=True)
class PricingRules:
    """The commercial rules of seed_data/company.yaml that are not catalogue prices.

    `bundle_discount` is taken off each mobile plan of `bundle_plans` of a box customer, for
    at most `bundle_max_plans` plans (counting the eligible plans they already have); the
    Forfait 2h is not eligible (the discount would exceed its price). The activation fee is
    the catalogue offer `activation_fee_code`, billed once with a new box.
    """

    bundle_discount: Decimal = Decimal("5.00")
    bundle_max_plans: int = 4
    bundle_plans: frozenset[str] = frozenset({"MOB-50", "MOB-150", "MOB-300"})
    activation_fee_code: str = "FEE-ACTIVATION-BOX"

    @classmethod
    def from_company(cls, company: Mapping[str, Any]) -> PricingRules:
        """The rules from company.yaml (`bundle_discount`, `bundle_discount_plans`)."""
        return cls(
            bundle_discount=Decimal(str(company["bundle_discount"])).quantize(CENT),
            bundle_plans=frozenset(str(code) for code in company["bundle_discount_plans"]),
        )


@dataclass(frozen=True)
class NewOrder:
    """What the customer chose: subscriptions (box, mobile plans), options, equipment.

    Codes are catalogue codes (BOX-PLUS, MOB-50, OPT-CINE, EQ-KALO-A5); equipment is a
    tuple of (code, quantity).
    """

    customer_id: int
    offers: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    equipment: tuple[tuple[str, int], ...] = ()
    channel: str = "telephone"
    agent_id: int | None = None
    note: str = ""


def catalogue(session_factory: sessionmaker, *, kind: str | None = None) -> tuple[OfferView, ...]:
    """The active offers, by kind then code (what the agent can sell, C1.6)."""
    with session_factory.begin() as session:
        query = select(Offer).where(Offer.active.is_(True)).order_by(Offer.kind, Offer.code)
        if kind is not None:
            query = query.where(Offer.kind == kind)
        return tuple(
            OfferView(
                code=offer.code,
                name=offer.name,
                kind=offer.kind,
                monthly_price=offer.monthly_price,
                one_off_price=offer.one_off_price,
                engagement_months=offer.engagement_months,
                applies_to=offer.applies_to,
            )
            for offer in session.scalars(query)
        )


def create_order(
    session_factory: sessionmaker,
    order: NewOrder,
    *,
    now: datetime,
    rules: PricingRules | None = None,
) -> OrderView:
    """Record a confirmed order, priced from the catalogue (C1.6 "vendre").

    Monthly total: subscriptions and monthly options, minus the box + mobile bundle discount.
    One-off total: equipment, one-off options and the activation fee of a new box.
    """
    require_aware(now, "now")
    rules = rules or PricingRules()
    check = validation.Checker()
    channel = check(validation.choice, order.channel, ORDER_CHANNELS, field="canal")
    note = check(validation.text_value, order.note, field="commentaire", required=False)
    if not order.offers and not order.options and not order.equipment:
        check.add("offres", _("La commande est vide : choisissez au moins une offre."))
    for code, count in Counter(order.options).items():
        if count > 1:
            check.add("options", _("L'option {code} est choisie deux fois.").format(code=code))
    for code, quantity in order.equipment:
        if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            check.add(
                "equipements",
                _("Quantité invalide pour {code} (1 à {max}).").format(code=code, max=MAX_QUANTITY),
            )
    check.raise_if_any()
    with session_factory.begin() as session:
        customer = get_customer(session, order.customer_id)
        if order.agent_id is not None and session.get(User, order.agent_id) is None:
            raise NotFound(
                _("Conseiller introuvable (identifiant {id}).").format(id=order.agent_id)
            )
        wanted = {*order.offers, *order.options, *(code for code, _q in order.equipment)}
        offers = {
            offer.code: offer
            for offer in session.scalars(
                select(Offer).where(Offer.code.in_(wanted), Offer.active.is_(True))
            )
        }
        _check_kinds(offers, order)
        subscriptions = [offers[code] for code in order.offers]
        boxes = [offer for offer in subscriptions if offer.kind == "box"]
        mobiles = [offer for offer in subscriptions if offer.kind == "mobile"]
        existing = _active_contract_kinds(session, customer.id)
        if len(boxes) > 1:
            raise RuleViolation(
                "one_box",
                _("Une seule box par commande : choisissez-en une."),
            )
        # A box ordered by a box customer is a change of offer (KB OFF-020): the new box
        # replaces the current one, without a new activation fee.
        replaced = _box_change(session, customer.id, boxes[0], now) if boxes else None
        if replaced is not None:
            change = _("Changement d'offre : {new} en remplacement de {old}.").format(
                new=boxes[0].name, old=replaced
            )
            note = f"{change} {note}".strip()
        has_box = bool(boxes) or existing["box"] > 0
        for code in order.options:
            target = offers[code].applies_to
            if target == "box" and not has_box:
                raise RuleViolation(
                    "option_needs_box",
                    _("L'option {name} demande une box Orbelia.").format(name=offers[code].name),
                )
            if target == "mobile" and not mobiles and not existing["mobile"]:
                raise RuleViolation(
                    "option_needs_mobile",
                    _("L'option {name} demande un forfait mobile Orbelia.").format(
                        name=offers[code].name
                    ),
                )
        lines: list[OrderLine] = []
        for offer in subscriptions:
            lines.append(_line(offer, 1, "monthly"))
        for code in order.options:
            offer = offers[code]
            mode = "monthly" if offer.monthly_price is not None else "one_off"
            lines.append(_line(offer, 1, mode))
        for code, quantity in order.equipment:
            lines.append(_line(offers[code], quantity, "one_off"))
        if boxes and replaced is None:
            fee = session.scalar(select(Offer).where(Offer.code == rules.activation_fee_code))
            if fee is None:
                raise NotFound(
                    _("Frais de mise en service absents du catalogue ({code}).").format(
                        code=rules.activation_fee_code
                    )
                )
            lines.append(_line(fee, 1, "one_off"))
        discounted = 0
        if has_box:
            eligible = [offer for offer in mobiles if offer.code in rules.bundle_plans]
            held = _active_plans_among(session, customer.id, rules.bundle_plans)
            room = max(0, rules.bundle_max_plans - held)
            discounted = min(room, len(eligible))
        discount = rules.bundle_discount * discounted
        total_monthly = sum(
            (line.unit_price * line.quantity for line in lines if line.billing == "monthly"), ZERO
        )
        total_one_off = sum(
            (line.unit_price * line.quantity for line in lines if line.billing == "one_off"), ZERO
        )
        row = Order(
            number=_next_order_number(session, now),
            customer_id=customer.id,
            created_at=now,
            status="confirmed",
            channel=channel,
            agent_id=order.agent_id,
            total_monthly=total_monthly - discount,
            total_one_off=total_one_off,
            note=note,
            lines=lines,
        )
        session.add(row)
        session.flush()
        return OrderView(
            id=row.id,
            number=row.number,
            customer_id=row.customer_id,
            status=row.status,
            channel=row.channel,
            created_at=row.created_at,
            lines=tuple(
                OrderLineView(
                    offer_code=line.offer.code,
                    label=line.label,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    billing=line.billing,
                    total=line.unit_price * line.quantity,
                )
                for line in lines
            ),
            total_monthly=row.total_monthly,
            total_one_off=row.total_one_off,
            discount_monthly=discount,
            replaced_box=replaced,
        )


def _check_kinds(offers: dict[str, Offer], order: NewOrder) -> None:
    check = validation.Checker()
    expected = (
        ("offres", order.offers, ("box", "mobile")),
        ("options", order.options, ("option",)),
        ("equipements", tuple(code for code, _q in order.equipment), ("equipment",)),
    )
    for field, codes, kinds in expected:
        for code in codes:
            offer = offers.get(code)
            if offer is None:
                check.add(
                    field, _("Code inconnu du catalogue : « {code} ».").format(code=str(code)[:32])
                )
            elif offer.kind not in kinds:
                check.add(
                    field,
                    _("« {name} » ne se commande pas ici ({kind}).").format(
                        name=offer.name, kind=offer.kind
                    ),
                )
    check.raise_if_any()


def _line(offer: Offer, quantity: int, billing: str) -> OrderLine:
    price = offer.monthly_price if billing == "monthly" else offer.one_off_price
    if price is None:
        raise ValidationError.single(
            "offres", _("« {name} » n'a pas de prix au catalogue.").format(name=offer.name)
        )
    return OrderLine(
        offer=offer, label=offer.name, quantity=quantity, unit_price=price, billing=billing
    )


def _box_change(session: Session, customer_id: int, box: Offer, now: datetime) -> str | None:
    """The name of the box `box` replaces, None for a first box; refused when it is the same
    box, or a cheaper one while the current box is still under engagement (OFF-020)."""
    current = session.execute(
        select(Contract, Offer)
        .join(Offer, Contract.offer_id == Offer.id)
        .where(
            Contract.customer_id == customer_id,
            Contract.status != "terminated",
            Offer.kind == "box",
        )
        .order_by(Contract.start_date.desc())
    ).first()
    if current is None:
        return None
    contract, offer = current
    if offer.code == box.code:
        raise RuleViolation(
            "same_box",
            _("Le client a déjà la {name} : proposez une option ou une autre box.").format(
                name=offer.name
            ),
        )
    today = local_date(now)
    new_price = box.monthly_price or ZERO
    if (
        new_price < contract.monthly_price
        and contract.engagement_end is not None
        and contract.engagement_end > today
    ):
        raise RuleViolation(
            "downgrade_engaged",
            _(
                "Passage à une box moins chère impossible avant la fin de l'engagement de la "
                "{name} ({date}) : voir l'article OFF-020."
            ).format(name=offer.name, date=contract.engagement_end.strftime("%d/%m/%Y")),
        )
    return offer.name


def _active_contract_kinds(session: Session, customer_id: int) -> Counter[str]:
    rows = session.execute(
        select(Offer.kind, func.count())
        .join(Contract, Contract.offer_id == Offer.id)
        .where(Contract.customer_id == customer_id, Contract.status != "terminated")
        .group_by(Offer.kind)
    ).all()
    return Counter({kind: count for kind, count in rows})


def _active_plans_among(session: Session, customer_id: int, codes: frozenset[str]) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Contract)
            .join(Offer, Contract.offer_id == Offer.id)
            .where(
                Contract.customer_id == customer_id,
                Contract.status != "terminated",
                Offer.code.in_(codes),
            )
        )
        or 0
    )


def _next_order_number(session: Session, now: datetime) -> str:
    prefix = f"CM-{local_date(now).year}-"
    highest = session.scalar(select(func.max(Order.number)).where(Order.number.like(prefix + "%")))
    following = int(highest[len(prefix) :]) + 1 if highest else 1
    return f"{prefix}{following:07d}"


def recent_orders(session: Session, customer_id: int, limit: int = 3) -> Recent[OrderBrief]:
    """A customer's latest orders, newest first, and how many they placed (within `session`,
    so the customer card reads them in its own transaction)."""
    # The window count travels with the rows: one round trip gives the items and the total.
    rows = session.execute(
        select(Order, func.count().over())
        .where(Order.customer_id == customer_id)
        .options(selectinload(Order.lines))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(max(1, limit))
    ).all()
    items = tuple(
        OrderBrief(
            id=order.id,
            number=order.number,
            status=order.status,
            channel=order.channel,
            created_at=order.created_at,
            labels=tuple(line.label for line in order.lines),
            total_monthly=order.total_monthly,
            total_one_off=order.total_one_off,
        )
        for order, _total in rows
    )
    return Recent(items, rows[0][1] if rows else 0)


def customer_orders(
    session_factory: sessionmaker, customer_id: int, *, limit: int = 3
) -> Recent[OrderBrief]:
    """A customer's latest orders (C1.6), newest first, with their count; `NotFound` if the
    customer does not exist."""
    with session_factory.begin() as session:
        get_customer(session, customer_id)
        return recent_orders(session, customer_id, limit)
