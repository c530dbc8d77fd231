"""The letters desk: a personalised letter from a customer's file (C3.3 "produire un message").

An application service for the letter panel: lists the company's Word templates with their
titles, fills a template's merge fields from the CRM customer card (`customer_record`, the one
CRM -> merge variables mapping, shared with `acvd merge one --customer`), types what the agent
adds (dates jj/mm/aaaa, amounts « 1 234,56 »), writes the .docx into the letters folder and
records the letter as sent in the customer's history. Every method that reads or writes may
block: call it from a worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from gettext import gettext as _
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

from sqlalchemy.orm import sessionmaker

from crm import validation
from crm.services import customers, interactions
from crm.services.interactions import NewInteraction
from crm.views import CustomerCard, InteractionView
from mailmerge import Template, merge_one, preview_record
from mailmerge.formatting import parse_number
from mailmerge.output import ensure_directory
from mailmerge.variables import lookup
from workstation.clock import Clock

PARIS = ZoneInfo("Europe/Paris")

#: How the CRM's payment method codes read in a letter.
PAYMENT_LABELS = {
    "direct_debit": "prélèvement SEPA",
    "card": "carte bancaire",
    "cheque": "chèque",
    "transfer": "virement",
}

#: The transmission details the agent gives for every letter, as merge variables.
TRANSMISSION_FIELDS = ("Reference", "VotreReference", "ModeEnvoi", "Objet")

#: The ways a letter is sent (C3.3 "éléments de transmission").
SENDING_MODES = (
    "Lettre simple",
    "Lettre recommandée avec accusé de réception",
    "Lettre suivie",
    "Courrier électronique",
)

#: The nature of the contact a letter answers, for the customer's history.
_NATURES = {
    "relance-impaye-1": "payment",
    "relance-impaye-2": "payment",
    "mise-en-demeure": "payment",
    "confirmation-echeancier": "payment",
    "confirmation-commande": "order",
    "bienvenue": "order",
    "rendez-vous-technicien": "technical",
    "reponse-reclamation": "complaint",
    "confirmation-resiliation": "termination",
}

_TABLE_ROW = re.compile(r"^\|\s*`([^`]+\.docx)`\s*\|\s*([^|]+?)\s*\|")
_FR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_INTEGER = re.compile(r"\d{1,3}")


def customer_record(card: CustomerCard, today: date) -> dict[str, object]:
    """The merge variables a CRM customer card fills (see mailmerge.variables)."""
    summary = card.summary
    phones = sorted(card.phones, key=lambda phone: not phone.is_primary)
    record: dict[str, object] = {
        "Civilite": summary.civility,
        "Prenom": summary.first_name,
        "Nom": summary.last_name,
        "RaisonSociale": summary.company_name or "",
        "Adresse": "\n".join(line for line in (card.address_line1, card.address_line2) if line),
        "CodePostal": summary.postcode,
        "Ville": summary.city,
        "NumeroClient": summary.number,
        "Email": card.email or "",
        "Telephone": phones[0].display if phones else "",
        "ModePaiement": PAYMENT_LABELS.get(card.payment_method, card.payment_method),
        "DateCourrier": today,
    }
    active = [c for c in card.contracts if c.status == "active"] or list(card.contracts)
    if active:
        contract = active[0]
        record.update(
            Offre=contract.offer_name,
            PrixMensuel=contract.monthly_price,
            NumeroLigne=contract.line_identifier or "",
            DateSouscription=contract.start_date,
            DateResiliation=contract.end_date,
        )
    if card.open_invoices:
        invoice = card.open_invoices[0]  # the oldest due: the one a reminder is about
        record.update(
            NumeroFacture=invoice.number,
            DateFacture=invoice.issued_on,
            MontantFacture=invoice.amount,
            DateEcheance=invoice.due_on,
            MontantDu=card.balance_due,
        )
    return {key: value for key, value in record.items() if value is not None}


@dataclass(frozen=True)
class LetterTemplate:
    """A Word template of the company: its file, its name (the file stem) and its title."""

    name: str
    title: str
    path: Path


def list_templates(templates_dir: Path) -> tuple[LetterTemplate, ...]:
    """The .docx templates of `templates_dir`, titled from its README table (else the name)."""
    titles: dict[str, str] = {}
    readme = templates_dir / "README.md"
    if readme.exists():
        for line in readme.read_text(encoding="utf-8").splitlines():
            if match := _TABLE_ROW.match(line):
                titles[match[1]] = match[2]
    return tuple(
        LetterTemplate(path.stem, titles.get(path.name, path.stem), path)
        for path in sorted(templates_dir.glob("*.docx"))
    )


@dataclass(frozen=True)
class FieldToFill:
    """A merge field the CRM record does not fill: the agent types it."""

    name: str
    description: str
    #: The vocabulary's kind: "texte", "date", "montant" or "nombre".
    kind: str


@dataclass(frozen=True)
class LetterDraft:
    """A template filled from a customer's file, with the fields still to type."""

    template: LetterTemplate
    customer_id: int
    customer_number: str
    customer_name: str
    #: The merge variables the CRM filled (read-only).
    record: Mapping[str, object]
    #: Fields the template needs that the record lacks (transmission details excepted).
    missing: tuple[FieldToFill, ...]
    #: Which transmission details this template prints.
    transmission: tuple[str, ...]
    #: The fields of the template the CRM filled, by name.
    filled: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transmission:
    """The transmission details of a letter (C3.3): N/Réf, V/Réf, sending mode, subject."""

    reference: str
    your_reference: str
    mode: str
    subject: str


@dataclass(frozen=True)
class ProducedLetter:
    """A letter written to disk, with its text preview."""

    draft: LetterDraft
    path: Path
    preview: str
    transmission: Transmission
    #: Names of the fields the agent typed.
    filled: tuple[str, ...]


def _typed(name: str, kind: str, text: str) -> object:
    """`text` typed for a merge field; raises ValueError with the French message."""
    text = text.strip()
    if not text:
        raise ValueError(_("Champ obligatoire pour ce modèle."))
    if kind == "date":
        match = _FR_DATE.fullmatch(text)
        try:
            if match is None:
                raise ValueError
            return date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            raise ValueError(_("Date attendue au format jj/mm/aaaa (ex. 12/03/2027).")) from None
    if kind == "montant":
        amount = parse_number(text)
        if amount is None or amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise ValueError(_("Montant attendu en euros, ex. « 1 234,56 »."))
        return amount.quantize(Decimal("0.01"))
    if kind == "nombre":
        if not _INTEGER.fullmatch(text) or int(text) == 0:
            raise ValueError(_("Nombre entier attendu (ex. 3)."))
        return int(text)
    return text


class LettersDesk:
    """The use cases of the letter panel (C3.3)."""

    def __init__(
        self,
        session_factory: sessionmaker,
        clock: Clock,
        templates_dir: Path,
        letters_dir: Path,
        *,
        agent_id: int | None = None,
        agent_name: str = "",
        service_name: str = "",
    ) -> None:
        self.clock = clock
        self.letters_dir = letters_dir
        self._session_factory = session_factory
        self._templates_dir = templates_dir
        self._agent_id = agent_id
        self._agent_name = agent_name
        self._service_name = service_name

    def templates(self) -> tuple[LetterTemplate, ...]:
        """The company's letter templates, by file name."""
        return list_templates(self._templates_dir)

    def customer_label(self, customer_id: int) -> str:
        """ "Thomas Petit — CL0000003": who the letter will be written to, shown before a
        template is chosen (`NotFound` if the customer is gone)."""
        card = customers.customer_card(self._session_factory, customer_id, now=self.clock.now())
        summary = card.summary
        name = f"{summary.first_name} {summary.last_name}".strip()
        return _("Client : {name} — {number}").format(name=name, number=summary.number)

    def draft(self, template: LetterTemplate, customer_id: int) -> LetterDraft:
        """`template` filled from the customer's file as of now; `MergeError` if the template
        cannot be read, `NotFound` if the customer is gone."""
        compiled = Template.open(template.path)
        now = self.clock.now()
        card = customers.customer_card(self._session_factory, customer_id, now=now)
        record = customer_record(card, now.astimezone(PARIS).date())
        if self._agent_name:
            record["Conseiller"] = self._agent_name
        if self._service_name:
            record["Service"] = self._service_name
        report = compiled.check(record)
        used = {info.variable.name for info in compiled.fields if info.variable is not None}
        missing = tuple(
            FieldToFill(name, variable.description, variable.kind)
            for name in report.missing
            if name not in TRANSMISSION_FIELDS and (variable := lookup(name)) is not None
        )
        summary = card.summary
        return LetterDraft(
            template=template,
            customer_id=customer_id,
            customer_number=summary.number,
            customer_name=f"{summary.first_name} {summary.last_name}".strip(),
            record=MappingProxyType(record),
            missing=missing,
            transmission=tuple(name for name in TRANSMISSION_FIELDS if name in used),
            filled=tuple(
                sorted(name for name in used if name not in report.missing and name in record)
            ),
        )

    def produce(
        self, draft: LetterDraft, values: Mapping[str, str], transmission: Transmission
    ) -> ProducedLetter:
        """Check what the agent typed and write the letter into the letters folder.

        Every wrong field is reported at once (`ValidationError`, fields named after the merge
        variables, and `reference`, `mode`, `objet`); nothing is written then.
        """
        check = validation.Checker()
        record = dict(draft.record)
        for item in draft.missing:
            try:
                record[item.name] = _typed(item.name, item.kind, values.get(item.name, ""))
            except ValueError as error:
                check.add(item.name, str(error))
        if not transmission.reference.strip():
            check.add("reference", _("Indiquez notre référence (N/Réf)."))
        if transmission.mode not in SENDING_MODES:
            check.add("mode", _("Choisissez le mode d'envoi."))
        if not transmission.subject.strip():
            check.add("objet", _("Indiquez l'objet du courrier."))
        check.raise_if_any()
        record.update(
            Reference=transmission.reference.strip(),
            VotreReference=transmission.your_reference.strip(),
            ModeEnvoi=transmission.mode,
            Objet=transmission.subject.strip(),
        )
        compiled = Template.open(draft.template.path)
        ensure_directory(self.letters_dir)
        path = merge_one(compiled, record, self.letters_dir)
        return ProducedLetter(
            draft=draft,
            path=path,
            preview=preview_record(compiled, record),
            transmission=transmission,
            filled=tuple(item.name for item in draft.missing),
        )

    def record_sent(self, letter: ProducedLetter) -> InteractionView:
        """Record the letter as sent in the customer's history (C2.3, C3.3)."""
        draft = letter.draft
        now = self.clock.now()
        summary = _("Courrier « {title} » envoyé ({mode}), N/Réf {reference} : {file}.").format(
            title=draft.template.title,
            mode=letter.transmission.mode.lower(),
            reference=letter.transmission.reference.strip(),
            file=letter.path.name,
        )
        entry = NewInteraction(
            channel="letter",
            direction="outbound",
            motive=letter.transmission.subject.strip(),
            nature=_NATURES.get(draft.template.name, "information"),
            outcome="resolved",
            started_at=now,
            ended_at=now,
            customer_id=draft.customer_id,
            summary=summary,
            agent_id=self._agent_id,
        )
        return interactions.record_interaction(self._session_factory, entry)
