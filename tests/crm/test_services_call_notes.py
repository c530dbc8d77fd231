"""Quick notes during a call (C3.1): kept with the call in the customer history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from crm.errors import NotFound, ValidationError
from crm.models import Customer, Interaction, User
from crm.services import customers, interactions
from crm.services.call_notes import (
    NOTE_MOTIVE,
    NewCallNote,
    add_call_note,
    call_notes,
    claim_call_notes,
)
from tests.crm.conftest import SEED_NOW


def _ids(factory: sessionmaker) -> tuple[int, int]:
    with factory() as session:
        customer = session.scalars(select(Customer.id).where(Customer.number == "CL0000001")).one()
        agent = session.scalars(select(User.id).where(User.login == "eleve")).one()
    return customer, agent


def _count(factory: sessionmaker) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Interaction)) or 0


def test_notes_are_timestamped_and_shown_in_the_history(
    seeded_session_factory: sessionmaker,
) -> None:
    customer, agent = _ids(seeded_session_factory)
    at = SEED_NOW + timedelta(minutes=3)
    first = add_call_note(
        seeded_session_factory,
        NewCallNote("call-1", "  Box redémarrée deux fois par le client  ", at, customer, agent),
    )
    add_call_note(
        seeded_session_factory,
        NewCallNote("call-1", "Voyant DSL rouge", at + timedelta(seconds=40), customer, agent),
    )
    assert (first.channel, first.direction, first.motive) == ("note", "internal", NOTE_MOTIVE)
    assert first.summary == "Box redémarrée deux fois par le client"
    assert first.started_at == at and first.call_id == "call-1" and first.agent_name
    notes = call_notes(seeded_session_factory, "call-1")
    assert [n.summary for n in notes] == ["Box redémarrée deux fois par le client",
                                         "Voyant DSL rouge"]  # fmt: skip
    newest = interactions.history(seeded_session_factory, customer, page_size=5).items
    assert [(i.channel, i.summary) for i in newest[:2]] == [
        ("note", "Voyant DSL rouge"),
        ("note", "Box redémarrée deux fois par le client"),
    ]
    card = customers.customer_card(seeded_session_factory, customer, now=at + timedelta(hours=1))
    assert card.last_interactions[0].summary == "Voyant DSL rouge"


def test_a_note_before_identification_joins_the_customer_once_known(
    seeded_session_factory: sessionmaker,
) -> None:
    customer, agent = _ids(seeded_session_factory)
    add_call_note(
        seeded_session_factory, NewCallNote("call-2", "Appelle pour sa mère", SEED_NOW, None, agent)
    )
    add_call_note(
        seeded_session_factory, NewCallNote("call-3", "Autre appel", SEED_NOW, None, agent)
    )
    assert claim_call_notes(seeded_session_factory, "call-2", customer) == 1
    assert claim_call_notes(seeded_session_factory, "call-2", customer) == 0  # already given
    [note] = call_notes(seeded_session_factory, "call-2")
    assert note.customer_id == customer
    [other] = call_notes(seeded_session_factory, "call-3")
    assert other.customer_id is None
    with pytest.raises(NotFound):
        claim_call_notes(seeded_session_factory, "call-3", 999_999)


@pytest.mark.parametrize(
    ("call_id", "text", "fields"),
    [
        ("call-4", "   ", {"note"}),
        ("call-4", "x" * 1001, {"note"}),
        (None, "Client mécontent", {"appel"}),
        ("", "", {"note", "appel"}),
    ],
)
def test_refused_notes_save_nothing(
    seeded_session_factory: sessionmaker, call_id: str | None, text: str, fields: set[str]
) -> None:
    customer, agent = _ids(seeded_session_factory)
    before = _count(seeded_session_factory)
    with pytest.raises(ValidationError) as refused:
        add_call_note(seeded_session_factory, NewCallNote(call_id, text, SEED_NOW, customer, agent))
    assert {e.field for e in refused.value.errors} == fields
    assert all(e.message for e in refused.value.errors)
    if "appel" in fields:
        assert "Aucun appel en cours" in refused.value.for_field("appel")[0]
    assert _count(seeded_session_factory) == before


def test_a_naive_time_is_refused(seeded_session_factory: sessionmaker) -> None:
    customer, agent = _ids(seeded_session_factory)
    before = _count(seeded_session_factory)
    with pytest.raises(ValidationError):
        add_call_note(
            seeded_session_factory,
            NewCallNote("call-5", "Note", SEED_NOW.replace(tzinfo=None), customer, agent),
        )
    assert _count(seeded_session_factory) == before
