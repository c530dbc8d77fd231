"""Contact updates with their history note (C2.3): what changed, who changed it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from crm.errors import NotFound, ValidationError
from crm.models import Customer, Interaction, User
from crm.services.customers import ContactUpdate, NewPhone, find_by_number
from crm.services.file_updates import update_file
from tests.crm.conftest import SEED_NOW


def counts(factory: sessionmaker) -> tuple[int, int]:
    with factory() as session:
        notes = session.scalar(select(func.count()).select_from(Interaction))
        customers = session.scalar(select(func.count()).select_from(Customer))
        return notes, customers


def ids(factory: sessionmaker) -> tuple[int, int]:
    customer = find_by_number(factory, "CL0000003")
    assert customer is not None
    with factory() as session:
        agent = session.scalars(select(User.id).order_by(User.id)).first()
    assert agent is not None
    return customer.id, agent


def test_changes_are_noted_with_the_agent(seeded_session_factory: sessionmaker) -> None:
    customer_id, agent_id = ids(seeded_session_factory)
    before = counts(seeded_session_factory)
    update = ContactUpdate(
        email="thomas.petit@example.fr",
        address_line1="3 rue Neuve",
        postcode="69003",
        city="Lyon",
        marketing_consent=True,
    )
    result = update_file(
        seeded_session_factory, customer_id, update, agent_id=agent_id, now=SEED_NOW
    )
    assert "adresse" in result.changed and "email" in result.changed
    assert result.note is not None
    assert result.note.summary.startswith("Mise à jour de la fiche : ")
    assert "adresse" in result.note.summary and "e-mail" in result.note.summary
    assert "3 rue Neuve" not in result.note.summary
    with seeded_session_factory() as session:
        note = session.get(Interaction, result.note.id)
        assert note is not None
        assert (note.agent_id, note.channel, note.nature) == (agent_id, "note", "modification")
        customer = session.get(Customer, customer_id)
        assert customer is not None
        assert (customer.email, customer.address_line1) == (
            "thomas.petit@example.fr",
            "3 rue Neuve",
        )
    assert counts(seeded_session_factory) == (before[0] + 1, before[1])

    # The same details again: nothing changed, no note.
    again = update_file(
        seeded_session_factory, customer_id, update, agent_id=agent_id, now=SEED_NOW
    )
    assert (again.changed, again.note) == ((), None)
    assert counts(seeded_session_factory) == (before[0] + 1, before[1])


def test_refused_input_writes_nothing(seeded_session_factory: sessionmaker) -> None:
    customer_id, agent_id = ids(seeded_session_factory)
    with seeded_session_factory() as session:
        email = session.get(Customer, customer_id).email  # type: ignore[union-attr]
    before = counts(seeded_session_factory)
    bad = ContactUpdate(email="thomas@", postcode="6900", phones=(NewPhone("12", "mobile", True),))
    with pytest.raises(ValidationError) as refused:
        update_file(seeded_session_factory, customer_id, bad, agent_id=agent_id, now=SEED_NOW)
    assert {"email", "code_postal"} <= {e.field for e in refused.value.errors}
    with pytest.raises(NotFound):
        update_file(
            seeded_session_factory, customer_id, ContactUpdate(city="Paris"), agent_id=999_999,
            now=SEED_NOW,
        )  # fmt: skip
    assert counts(seeded_session_factory) == before
    with seeded_session_factory() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        assert customer.email == email and customer.city != "Paris"
