"""The customer desk: what the customer panel and the qualification form ask of the CRM.

An application service (C1.1 identify the customer, C1.2 qualify the request): each method is
one use case, delegates to `crm.services` with the injected session factory and clock, and
returns the CRM's frozen views. The rules of the desk's forms (identity checklist, decision and
wrap-up code) live here too, so the widgets only show, collect and report. Every method may
block on the database: call it from a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from gettext import gettext as _
from pathlib import Path
from threading import Lock

import yaml
from sqlalchemy.orm import sessionmaker

from crm import validation
from crm.errors import FieldError, ValidationError
from crm.services import customers, interactions, users
from crm.services.customers import NewPhone, NewProspect
from crm.services.interactions import NewInteraction
from crm.views import (
    CustomerActivity,
    CustomerCard,
    CustomerSummary,
    InteractionView,
    ServiceView,
)
from workstation.clock import Clock
from workstation.dispositions import BY_CODE, N_, TRANSFER_CODE


@dataclass(frozen=True)
class Choice:
    """A code the database stores and its French description."""

    code: str
    description: str

    @property
    def label(self) -> str:
        """The description in the user's language."""
        return _(self.description)


#: The natures of a request offered to the agent (PRO-003), as the CRM's nature codes.
REQUEST_NATURES: tuple[Choice, ...] = (
    Choice("information", N_("Information")),
    Choice("billing", N_("Explication (facture, offre)")),
    Choice("technical", N_("Conseil / assistance technique")),
    Choice("complaint", N_("Réclamation")),
    Choice("order", N_("Commande")),
    Choice("modification", N_("Modification (coordonnées, contrat)")),
    Choice("termination", N_("Résiliation")),
    Choice("payment", N_("Paiement / recouvrement")),
    Choice("survey", N_("Enquête")),
    Choice("prospection", N_("Prospection")),
)
_NATURE_CODES = frozenset(choice.code for choice in REQUEST_NATURES)

TREAT = "traiter"
TRANSFER = "transferer"
#: What the agent decides once the request is qualified (PRO-003, step 5).
DECISIONS: tuple[Choice, ...] = (
    Choice(TREAT, N_("Traiter")),
    Choice(TRANSFER, N_("Transférer")),
)

#: The identity checks of procedure PRO-002, in the order the agent asks.
IDENTITY_CHECKS: tuple[Choice, ...] = (
    Choice("nom", N_("Nom et prénom du titulaire")),
    Choice("adresse", N_("Adresse postale")),
    Choice("date_naissance", N_("Date de naissance")),
    Choice("iban", N_("4 derniers chiffres de l'IBAN")),
)
_IDENTITY_REQUIRED = frozenset({"nom", "adresse"})
#: One security element is enough: the birth date or the end of the IBAN.
_SECURITY_ELEMENTS = frozenset({"date_naissance", "iban"})
#: How each check is named in the history note (PRO-002: never the value itself).
_IDENTITY_NOTE = {
    "nom": N_("nom"),
    "adresse": N_("adresse"),
    "date_naissance": N_("date de naissance"),
    "iban": N_("fin de l'IBAN"),
}


def identity_verified(checked: Iterable[str]) -> bool:
    """Whether the ticked checks identify the caller (PRO-002: name, address and one
    security element)."""
    ticked = set(checked)
    return ticked >= _IDENTITY_REQUIRED and bool(ticked & _SECURITY_ELEMENTS)


def motives_from_history(path: Path) -> tuple[str, ...]:
    """The call motives of the seed history (`seed_data/history.yaml`), sorted, for
    suggestions in the qualification form."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    motives = {
        str(item["motive"])
        for item in document.get("interactions", ())
        if item.get("channel") == "call" and item.get("motive")
    }
    return tuple(sorted(motives, key=validation.fold))


@dataclass(frozen=True)
class SearchCriteria:
    """What the caller gave to be found: a customer number, or a name and/or a postcode."""

    name: str = ""
    number: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class SearchResult:
    """The customers found (first page) and how many match in all."""

    criteria: SearchCriteria
    items: tuple[CustomerSummary, ...]
    total: int


@dataclass(frozen=True)
class ProspectForm:
    """The prospect form of the customer panel, as typed."""

    civility: str
    first_name: str
    last_name: str
    address_line1: str
    postcode: str
    city: str
    phone: str
    email: str = ""


@dataclass(frozen=True)
class Qualification:
    """The qualification form (C1.2), as filled in; codes are those of the choice tables."""

    nature: str
    motive: str
    reformulation: str
    decision: str
    disposition: str
    service_code: str | None = None
    customer_id: int | None = None
    #: The PBX's Linkedid of the call being qualified.
    call_id: str | None = None
    direction: str = "inbound"
    started_at: datetime | None = None
    agent_id: int | None = None
    #: The identity checks ticked in the customer panel (codes of `IDENTITY_CHECKS`).
    identity_items: tuple[str, ...] = ()


# The CRM names fields after its parameters; the forms use these names.
_PROSPECT_FIELDS = {"telephone_1": "telephone", "telephones": "telephone"}
_QUALIFICATION_FIELDS = {"issue": "code", "commentaire": "reformulation"}


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    return ValidationError(
        FieldError(names.get(item.field, item.field), item.message) for item in error.errors
    )


class CustomerDesk:
    """The CRM use cases of the customer panel and the qualification form."""

    def __init__(
        self,
        session_factory: sessionmaker,
        clock: Clock,
        *,
        motives: tuple[str, ...] = (),
        history_size: int = 10,
        recent_size: int = 3,
    ) -> None:
        self.clock = clock
        #: Suggestions for the motive field (see `motives_from_history`).
        self.motives = motives
        self._session_factory = session_factory
        self._history_size = history_size
        #: How many orders, payments, promises, surveys and messages the card lists.
        self._recent_size = recent_size
        self._services: tuple[ServiceView, ...] | None = None
        self._services_lock = Lock()

    def card(self, customer_id: int) -> CustomerCard:
        """The customer 360 as of now (C1.1); `NotFound` if the customer is gone."""
        return customers.customer_card(
            self._session_factory,
            customer_id,
            now=self.clock.now(),
            interactions=self._history_size,
        )

    def activity(self, customer_id: int) -> CustomerActivity:
        """What the activities left in the customer's file: latest orders, payments, promises
        to pay, survey responses and messages, with their counts (C1.6, C1.7, C1.8, C3.2).
        Asked once the card is shown, so the ring never waits for it."""
        return customers.customer_activity(
            self._session_factory, customer_id, recent=self._recent_size
        )

    def find_by_phone(self, number: str) -> CustomerSummary | None:
        """The customer whose number is the caller's (the screen pop), or None."""
        return customers.find_by_phone(self._session_factory, number)

    def search(self, criteria: SearchCriteria, *, page_size: int = 20) -> SearchResult:
        """Find a caller by customer number, or else by name and/or postcode (PRO-002)."""
        if criteria.number.strip():
            found = customers.find_by_number(self._session_factory, criteria.number)
            items = () if found is None else (found,)
            return SearchResult(criteria, items, len(items))
        page = customers.search_customers(
            self._session_factory,
            name=criteria.name,
            postcode=criteria.postcode,
            page_size=page_size,
        )
        return SearchResult(criteria, page.items, page.total)

    def create_prospect(self, form: ProspectForm) -> CustomerSummary:
        """Create the caller as a prospect with their phone number (C2.3); every wrong field
        is reported at once under the form's field names."""
        prospect = NewProspect(
            civility=form.civility,
            first_name=form.first_name,
            last_name=form.last_name,
            address_line1=form.address_line1,
            postcode=form.postcode,
            city=form.city,
            email=form.email.strip(),
            phones=(NewPhone(form.phone, _phone_label(form.phone), True),),
        )
        try:
            return customers.create_prospect(self._session_factory, prospect, now=self.clock.now())
        except ValidationError as error:
            errors = _renamed(error, _PROSPECT_FIELDS).errors
            if not form.civility:
                # "Valeur invalide : «  »" says little about a choice not made yet.
                errors = tuple(
                    FieldError(item.field, _("Choisissez la civilité."))
                    if item.field == "civilite"
                    else item
                    for item in errors
                )
            raise ValidationError(errors) from None

    def services(self) -> tuple[ServiceView, ...]:
        """The org chart's services, for the transfer decision (read once, then kept)."""
        with self._services_lock:
            if self._services is None:
                self._services = users.org_chart(self._session_factory)
            return self._services

    def record_qualification(self, form: Qualification) -> InteractionView:
        """Check the qualification and save it in the customer's history (C1.2, C2.3).

        Every wrong field is reported at once (`ValidationError`, fields: nature, motif,
        reformulation, decision, service, code); nothing is written then.
        """
        check = validation.Checker()
        if form.nature not in _NATURE_CODES:
            check.add("nature", _("Choisissez la nature de la demande."))
        if not form.motive.strip():
            check.add("motif", _("Indiquez le motif de l'appel."))
        if not form.reformulation.strip():
            check.add("reformulation", _("Rédigez la reformulation validée par le client."))
        service = None
        if form.decision not in (TREAT, TRANSFER):
            check.add("decision", _("Choisissez : traiter ou transférer."))
        elif form.decision == TRANSFER:
            service = next(
                (item for item in self.services() if item.code == form.service_code), None
            )
            if service is None:
                check.add("service", _("Choisissez le service vers lequel transférer."))
        disposition = BY_CODE.get(form.disposition)
        if disposition is None:
            check.add("code", _("Choisissez un code de clôture."))
        elif form.decision == TRANSFER and disposition.code != TRANSFER_CODE:
            check.add("code", _("Un appel transféré se clôt avec le code TRANSFERT."))
        elif form.decision == TREAT and disposition.code == TRANSFER_CODE:
            check.add(
                "decision", _("Le code TRANSFERT suppose de transférer l'appel : choisissez-le.")
            )
        check.raise_if_any()
        assert disposition is not None  # checked above
        now = self.clock.now()
        if service is None:
            decision = _("Décision : demande traitée par le conseiller.")
        else:
            decision = _("Décision : transfert au service {name} (poste {extension}).").format(
                name=service.name, extension=service.extension
            )
        lines = [form.reformulation.strip()]
        checked = [code for code in _IDENTITY_NOTE if code in form.identity_items]
        if checked:
            names = ", ".join(_(_IDENTITY_NOTE[code]) for code in checked)
            if identity_verified(checked):
                lines.append(_("Identité vérifiée : {checks}.").format(checks=names))
            else:
                lines.append(_("Identité non vérifiée (contrôlé : {checks}).").format(checks=names))
        lines += [decision, _("Code de clôture : {code}.").format(code=disposition.code)]
        summary = "\n".join(lines)
        entry = NewInteraction(
            channel="call",
            direction=form.direction,
            motive=form.motive,
            nature=form.nature,
            outcome=disposition.outcome,
            started_at=form.started_at or now,
            ended_at=now,
            customer_id=form.customer_id,
            summary=summary,
            agent_id=form.agent_id,
            call_id=form.call_id,
        )
        try:
            return interactions.record_interaction(self._session_factory, entry)
        except ValidationError as error:
            raise _renamed(error, _QUALIFICATION_FIELDS) from None


def _phone_label(number: str) -> str:
    # French mobile numbers start with 6 or 7 after the country code; others are landlines.
    try:
        e164 = validation.phone(number)
    except ValidationError:
        return "mobile"  # the CRM reports the bad number itself
    return "mobile" if e164.startswith(("+336", "+337")) else "fixe"
