"""The customer history: record an interaction and read it back (C1.2, C2.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from gettext import gettext as _

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from crm import validation
from crm.errors import NotFound, ValidationError
from crm.models import CHANNELS, DIRECTIONS, NATURES, OUTCOMES, Interaction, User
from crm.services._common import get_customer, interaction_of
from crm.views import InteractionView, Page


@dataclass(frozen=True)
class NewInteraction:
    """What the agent records at wrap-up: channel, direction, motive, nature and outcome.

    `customer_id` is None for a caller who could not be identified; `call_id` is the PBX's
    Linkedid, tying the entry to the call in the journal.
    """

    channel: str
    direction: str
    motive: str
    nature: str
    outcome: str
    started_at: datetime
    customer_id: int | None = None
    summary: str = ""
    ended_at: datetime | None = None
    agent_id: int | None = None
    call_id: str | None = None
    campaign_id: int | None = None
    request_id: int | None = None


def check_interaction(entry: NewInteraction, check: validation.Checker) -> dict[str, object]:
    """The validated column values of `entry` (errors go to `check`)."""
    values: dict[str, object] = {
        "channel": check(validation.choice, entry.channel, CHANNELS, field="canal"),
        "direction": check(validation.choice, entry.direction, DIRECTIONS, field="sens"),
        "motive": check(validation.text_value, entry.motive, field="motif", max_length=120),
        "nature": check(validation.choice, entry.nature, NATURES, field="nature"),
        "outcome": check(validation.choice, entry.outcome, OUTCOMES, field="issue"),
        "summary": check(validation.text_value, entry.summary, field="commentaire", required=False),
        "call_id": check(
            validation.text_value, entry.call_id, field="appel", max_length=64, required=False
        )
        or None,
    }
    if not isinstance(entry.started_at, datetime) or entry.started_at.tzinfo is None:
        check.add("debut", _("Date et heure de début invalides."))
    if entry.ended_at is not None:
        if not isinstance(entry.ended_at, datetime) or entry.ended_at.tzinfo is None:
            check.add("fin", _("Date et heure de fin invalides."))
        elif entry.started_at.tzinfo is not None and entry.ended_at < entry.started_at:
            check.add("fin", _("La fin de l'échange précède son début."))
    return values


def record_interaction(session_factory: sessionmaker, entry: NewInteraction) -> InteractionView:
    """Add an entry to the customer's history: a call, an e-mail, a letter or a note.

    C2.3: the agent keeps the customer file up to date after every contact; the motive,
    nature and outcome are what supervision and evaluation read.
    """
    check = validation.Checker()
    values = check_interaction(entry, check)
    check.raise_if_any()
    with session_factory.begin() as session:
        if entry.customer_id is not None:
            get_customer(session, entry.customer_id)
        agent_name = None
        if entry.agent_id is not None:
            agent = session.get(User, entry.agent_id)
            if agent is None:
                raise NotFound(
                    _("Conseiller introuvable (identifiant {id}).").format(id=entry.agent_id)
                )
            agent_name = agent.display_name
        interaction = Interaction(
            customer_id=entry.customer_id,
            agent_id=entry.agent_id,
            agent_name=agent_name,
            started_at=entry.started_at,
            ended_at=entry.ended_at,
            campaign_id=entry.campaign_id,
            request_id=entry.request_id,
            **values,
        )
        session.add(interaction)
        session.flush()
        return interaction_of(interaction)


def history(
    session_factory: sessionmaker, customer_id: int, *, page: int = 1, page_size: int = 20
) -> Page[InteractionView]:
    """A customer's history, newest first, one page at a time (C1.2)."""
    if (
        not isinstance(page, int)
        or page < 1
        or not isinstance(page_size, int)
        or not (1 <= page_size <= 100)
    ):
        raise ValidationError.single("page", _("Pagination invalide."))
    with session_factory.begin() as session:
        get_customer(session, customer_id)
        total = (
            session.scalar(
                select(func.count())
                .select_from(Interaction)
                .where(Interaction.customer_id == customer_id)
            )
            or 0
        )
        rows = session.scalars(
            select(Interaction)
            .where(Interaction.customer_id == customer_id)
            .order_by(Interaction.started_at.desc(), Interaction.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        return Page(
            items=tuple(interaction_of(row) for row in rows),
            total=total,
            page=page,
            page_size=page_size,
        )
