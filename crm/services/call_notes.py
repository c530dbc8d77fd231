"""Quick notes taken during a call, kept in the customer history with the call (C3.1, C2.3).

A note is an interaction of channel "note" (direction "internal") carrying the call's id, so
it sits in the customer history beside the call it belongs to and the journal entry that
reports it. The caller may still be unidentified when the agent writes: the note is kept
without a customer, then given the customer once identified (`claim_call_notes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from gettext import gettext as _

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from crm import validation
from crm.models import Interaction
from crm.services._common import get_customer, interaction_of
from crm.services.interactions import NewInteraction, record_interaction
from crm.views import InteractionView

#: The motive shown in the history (stored in French: the CRM is the company's, not the UI's).
NOTE_MOTIVE = "Note prise pendant l'appel"
NOTE_MAX_LENGTH = 1000


@dataclass(frozen=True)
class NewCallNote:
    """What the agent types in the note bar, at `at` (the desk clock's aware time)."""

    call_id: str | None
    text: str
    at: datetime
    customer_id: int | None = None
    agent_id: int | None = None


def add_call_note(session_factory: sessionmaker, note: NewCallNote) -> InteractionView:
    """Keep a timestamped note with the call `note.call_id` (C3.1 "prendre des notes").

    Refused, with nothing written: an empty or too long note (field "note"), no call to keep
    it with (field "appel").
    """
    check = validation.Checker()
    text = check(validation.text_value, note.text, field="note", max_length=NOTE_MAX_LENGTH)
    if not isinstance(note.call_id, str) or not note.call_id.strip():
        check.add(
            "appel",
            _("Aucun appel en cours : la note se prend pendant un appel ou son post-appel."),
        )
    check.raise_if_any()
    return record_interaction(
        session_factory,
        NewInteraction(
            channel="note",
            direction="internal",
            motive=NOTE_MOTIVE,
            # A note has no result of its own: the call's interaction, recorded at wrap-up
            # with the same call id, carries the nature and the outcome.
            nature="information",
            outcome="pending",
            started_at=note.at,
            customer_id=note.customer_id,
            summary=text,
            agent_id=note.agent_id,
            call_id=note.call_id,
        ),
    )


def claim_call_notes(session_factory: sessionmaker, call_id: str, customer_id: int) -> int:
    """Give the call's notes taken before the caller was identified to `customer_id`;
    returns how many. Notes already tied to a customer keep theirs."""
    with session_factory.begin() as session:
        get_customer(session, customer_id)
        result = session.execute(
            update(Interaction)
            .where(
                Interaction.call_id == call_id,
                Interaction.channel == "note",
                Interaction.customer_id.is_(None),
            )
            .values(customer_id=customer_id)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)


def call_notes(session_factory: sessionmaker, call_id: str) -> tuple[InteractionView, ...]:
    """The notes of a call, oldest first."""
    with session_factory.begin() as session:
        rows = session.scalars(
            select(Interaction)
            .where(Interaction.call_id == call_id, Interaction.channel == "note")
            .order_by(Interaction.started_at, Interaction.id)
        ).all()
        return tuple(interaction_of(row) for row in rows)
