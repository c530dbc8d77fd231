"""Keeping a customer's file up to date with its history of changes (C2.3).

`customers.update_contact` changes the contact details; this module adds who changed what:
after a change, a note "Mise à jour de la fiche : adresse, e-mail…" signed by the agent goes
into the customer's history (never the old or new values: the file holds them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from gettext import gettext as _

from sqlalchemy.orm import sessionmaker

from crm.errors import NotFound
from crm.models import User
from crm.services import customers, interactions
from crm.services._common import get_customer
from crm.services.customers import ContactUpdate
from crm.services.interactions import NewInteraction
from crm.views import CustomerSummary, InteractionView

#: How each part of the contact details is named in the history, in the order shown.
FIELD_NAMES = {
    "telephones": "téléphones",
    "adresse": "adresse",
    "email": "e-mail",
    "preference_contact": "préférence de contact",
    "consentement": "consentement commercial",
}


@dataclass(frozen=True)
class FileUpdate:
    """The result of an update: the customer, what changed and the history note (if any)."""

    summary: CustomerSummary
    #: Keys of `FIELD_NAMES` that changed, in its order.
    changed: tuple[str, ...]
    note: InteractionView | None


def _snapshot(session_factory: sessionmaker, customer_id: int) -> dict[str, object]:
    with session_factory() as session:
        customer = get_customer(session, customer_id)
        return {
            "telephones": sorted((p.e164, p.label, p.is_primary) for p in customer.phones),
            "adresse": (
                customer.address_line1,
                customer.address_line2,
                customer.postcode,
                customer.city,
            ),
            "email": customer.email,
            "preference_contact": customer.contact_preference,
            "consentement": customer.marketing_consent,
        }


def update_file(
    session_factory: sessionmaker,
    customer_id: int,
    update: ContactUpdate,
    *,
    agent_id: int | None,
    now: datetime,
) -> FileUpdate:
    """Change the contact details and note in the history who changed which ones (C2.3).

    Refused input (`ValidationError`, French message per field) and an unknown agent or
    customer (`NotFound`) write nothing. Nothing changed: no note.
    """
    if agent_id is not None:
        with session_factory() as session:
            if session.get(User, agent_id) is None:
                raise NotFound(_("Conseiller introuvable (identifiant {id}).").format(id=agent_id))
    before = _snapshot(session_factory, customer_id)
    summary = customers.update_contact(session_factory, customer_id, update)
    after = _snapshot(session_factory, customer_id)
    changed = tuple(key for key in FIELD_NAMES if before[key] != after[key])
    if not changed:
        return FileUpdate(summary, (), None)
    names = ", ".join(_(FIELD_NAMES[key]) for key in changed)
    note = interactions.record_interaction(
        session_factory,
        NewInteraction(
            channel="note",
            direction="internal",
            motive=_("Mise à jour de la fiche"),
            nature="modification",
            outcome="resolved",
            started_at=now,
            ended_at=now,
            customer_id=customer_id,
            summary=_("Mise à jour de la fiche : {fields}.").format(fields=names),
            agent_id=agent_id,
        ),
    )
    return FileUpdate(summary, changed, note)
