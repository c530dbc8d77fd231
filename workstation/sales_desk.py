"""The sales desk: what the sales panel asks of the CRM (C1.6 "vendre").

An application service, like `CustomerDesk`: each method is one use case over `crm.services`
with the injected session factory, clock and company rules; the sales form's typing rules
(quantities, budget) and the French read-back summary live here, so the panel only shows,
collects and reports. Methods that reach the database block: call them from a worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from gettext import gettext as _
from pathlib import Path
from threading import Lock
from zoneinfo import ZoneInfo

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal
from sqlalchemy.orm import sessionmaker

from crm import validation
from crm.errors import ValidationError
from crm.services import customers, sales
from crm.services.sales import NewSale, SaleOffer, SaleQuote, SaleResult, SaleRules
from crm.views import CustomerSummary, Slot
from workstation.clock import Clock
from workstation.dispositions import N_

#: Visit slots are read in the company's time zone.
PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"

#: The needs offered as catalogue filters, with their French labels.
NEED_LABELS: tuple[tuple[str, str], ...] = (
    ("internet", N_("Internet (box)")),
    ("mobile", N_("Mobile")),
    ("tv", N_("Télévision")),
    ("options", N_("Options")),
    ("equipement", N_("Équipement")),
)
#: How the sale's payment methods read.
PAYMENT_LABELS: tuple[tuple[str, str], ...] = (
    ("card", N_("Carte bancaire (référence d'autorisation)")),
    ("direct_debit", N_("Prélèvement SEPA (IBAN)")),
)
#: The argument and objection cards of the `scripts` base for each kind of offer.
ARGUMENTS: dict[str, tuple[str, ...]] = {
    "box": ("SCR-003", "SCR-005", "SCR-006"),
    "mobile": ("SCR-004", "SCR-005", "SCR-006"),
    "option": ("SCR-006", "SCR-005"),
    "equipment": ("SCR-006", "SCR-005"),
}
MAX_MOBILE_PLANS = 4
MAX_EQUIPMENT = 10


def euros(value: Decimal) -> str:
    """An amount as French users read it, with no-break spaces: 1 234,56 €."""
    text = format_decimal(value, format="#,##0.00", locale="fr_FR").replace("\u202f", NBSP)
    return f"{text}{NBSP}€"


def slot_label(slot: Slot) -> str:
    """A visit slot in French, Paris time: « jeudi 5 novembre 2026, 08:00–10:00 »."""
    start = slot.start.astimezone(PARIS)
    end = slot.end.astimezone(start.tzinfo)
    day = format_date(start.date(), "EEEE d MMMM y", locale="fr_FR")
    return f"{day}, {start:%H:%M}–{end:%H:%M}"


def offer_label(offer: SaleOffer) -> str:
    """One line of the catalogue: name, price, engagement."""
    if offer.monthly_price is not None:
        price = _("{amount}/mois").format(amount=euros(offer.monthly_price))
    else:
        price = euros(offer.one_off_price or Decimal("0"))
    return f"{offer.name} — {price}{engagement_text(offer.engagement_months, short=True)}"


def engagement_text(months: int, *, short: bool = False) -> str:
    """« 12 mois » / « sans engagement »; in short form « — engagement 12 mois » or nothing."""
    if short:
        return " — " + _("engagement {months} mois").format(months=months) if months else ""
    return _("{months} mois").format(months=months) if months else _("sans engagement")


def company_rules_from(company_yaml: Path) -> SaleRules:
    """The sale rules of seed_data/company.yaml (prices, bundle plans, installation)."""
    return SaleRules.from_company(yaml.safe_load(company_yaml.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class SaleForm:
    """The order, visit and payment fields of the sales panel, as typed."""

    customer_id: int
    box: str | None = None
    mobile: str | None = None
    mobile_count: str = "1"
    options: tuple[str, ...] = ()
    equipment: str | None = None
    equipment_count: str = "1"
    slot: Slot | None = None
    payment_method: str = ""
    reference: str = ""
    iban: str = ""
    agent_id: int | None = None


def _count(text: str, field: str, maximum: int, check: validation.Checker) -> int:
    value = text.strip()
    if value.isdigit() and 1 <= int(value) <= maximum:
        return int(value)
    check.add(field, _("Saisissez un nombre de 1 à {max}.").format(max=maximum))
    return 0


class SalesDesk:
    """The CRM use cases of the sales panel (C1.6)."""

    def __init__(self, session_factory: sessionmaker, clock: Clock, rules: SaleRules) -> None:
        self.clock = clock
        self.rules = rules
        self._session_factory = session_factory
        self._catalogue: tuple[SaleOffer, ...] | None = None
        self._lock = Lock()

    def catalogue(self) -> tuple[SaleOffer, ...]:
        """Every offer the agent can sell (read once, then kept)."""
        with self._lock:
            if self._catalogue is None:
                self._catalogue = sales.offer_catalogue(self._session_factory)
            return self._catalogue

    def customer(self, customer_id: int) -> CustomerSummary:
        """Who the sale is for (`NotFound` if the customer is gone)."""
        return customers.customer_card(
            self._session_factory, customer_id, now=self.clock.now(), interactions=0
        ).summary

    def offers(self, need: str | None, budget: str, fibre_eligible: bool) -> tuple[SaleOffer, ...]:
        """The catalogue filtered by need, budget (« 40 » or « 39,99 », empty: any) and the
        eligibility the agent set after the eligibility test."""
        max_monthly = None
        if budget.strip():
            max_monthly = validation.amount(budget, field="budget")
        return sales.filter_offers(
            self.catalogue(), need=need, max_monthly=max_monthly, fibre_eligible=fibre_eligible
        )

    def compare(self, codes: Sequence[str]) -> tuple[SaleOffer, ...]:
        """The 2 or 3 offers to show side by side, in the order given."""
        if not 2 <= len(codes) <= 3:
            raise ValidationError.single(
                "comparaison", _("Cochez 2 ou 3 offres à comparer (espace pour cocher).")
            )
        by_code = {offer.code: offer for offer in self.catalogue()}
        return tuple(by_code[code] for code in codes if code in by_code)

    @staticmethod
    def argument_ids(offer: SaleOffer) -> tuple[str, ...]:
        """The argument, objection and additional-sale cards for this kind of offer."""
        return ARGUMENTS.get(offer.kind, ("SCR-005",))

    def free_slots(self) -> tuple[Slot, ...]:
        """The installation slots still free, from the lead time of company.yaml."""
        return sales.installation_slots_free(
            self._session_factory, self.rules.installation, now=self.clock.now()
        )

    def sale_of(self, form: SaleForm) -> NewSale:
        """The form as the CRM's sale; wrong quantities are reported under their fields."""
        check = validation.Checker()
        offers: list[str] = []
        if form.box:
            offers.append(form.box)
        if form.mobile:
            offers += [form.mobile] * _count(
                form.mobile_count, "quantite_mobile", MAX_MOBILE_PLANS, check
            )
        equipment: tuple[tuple[str, int], ...] = ()
        if form.equipment:
            count = _count(form.equipment_count, "quantite_equipement", MAX_EQUIPMENT, check)
            equipment = ((form.equipment, count),)
        check.raise_if_any()
        return NewSale(
            customer_id=form.customer_id,
            offers=tuple(offers),
            options=form.options,
            equipment=equipment,
            slot=form.slot,
            payment_method=form.payment_method,
            reference=form.reference,
            iban=form.iban,
            agent_id=form.agent_id,
        )

    def quote(self, form: SaleForm) -> SaleQuote:
        """Check and price the sale without writing anything (`ValidationError` per field)."""
        return sales.quote_sale(
            self._session_factory, self.sale_of(form), rules=self.rules, now=self.clock.now()
        )

    def close(self, form: SaleForm) -> SaleResult:
        """Write the order, the installation visit and the payment, all or nothing."""
        return sales.close_sale(
            self._session_factory, self.sale_of(form), rules=self.rules, now=self.clock.now()
        )

    @staticmethod
    def summary(quote: SaleQuote) -> tuple[str, ...]:
        """The confirmation summary the agent reads back to the customer, line by line."""
        lines = [_("Récapitulatif de votre commande :")]
        if quote.replaced_box:
            lines.append(
                _("Changement d'offre : remplace votre {box}.").format(box=quote.replaced_box)
            )
        for line in quote.lines:
            if line.billing == "monthly":
                price = _("{amount}/mois").format(amount=euros(line.total))
            else:
                price = _("{amount} une fois").format(amount=euros(line.total))
            count = f"{line.quantity} × " if line.quantity > 1 else ""
            lines.append(f"  • {count}{line.label} : {price}")
        if quote.discount_monthly:
            lines.append(
                _("  • Remise box + mobile : −{amount}/mois").format(
                    amount=euros(quote.discount_monthly)
                )
            )
        lines.append(_("Total mensuel : {amount}").format(amount=euros(quote.total_monthly)))
        lines.append(
            _("Total à régler aujourd'hui : {amount}").format(amount=euros(quote.total_one_off))
        )
        lines.append(_("Engagement : {text}").format(text=engagement_text(quote.engagement_months)))
        if quote.slot is not None:
            lines.append(_("Installation : {slot}").format(slot=slot_label(quote.slot)))
        if quote.payment_method == "direct_debit":
            lines.append(
                _("Paiement : prélèvement SEPA sur le compte {iban}").format(
                    iban=quote.payment_label
                )
            )
        elif quote.total_one_off:
            lines.append(
                _("Paiement : carte bancaire, autorisation {reference}").format(
                    reference=quote.payment_label
                )
            )
        else:
            lines.append(_("Paiement : carte bancaire, rien à régler aujourd'hui"))
        return tuple(lines)
