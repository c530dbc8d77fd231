"""Customer services: screen pop by phone, search, the 360 card, prospects, contact updates,
and the interaction history (C1.1, C1.2, C2.3)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from crm.errors import NotFound, ValidationError
from crm.models import (
    CRM_TABLES,
    Contract,
    Customer,
    Interaction,
    Invoice,
    Offer,
    PhoneNumber,
    Request,
    Service,
    User,
)
from crm.services import customers, interactions
from crm.services.customers import ContactUpdate, NewPhone, NewProspect
from crm.services.interactions import NewInteraction

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def counts(session_factory: sessionmaker) -> dict[str, int]:
    """Rows per CRM table, to prove a refused call wrote nothing."""
    from sqlalchemy import table

    with session_factory() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table(name))) or 0
            for name in CRM_TABLES
        }


def add_customer(
    session_factory: sessionmaker,
    number: str,
    last_name: str,
    phones: tuple[str, ...] = (),
    postcode: str = "69003",
    first_name: str = "Sophie",
) -> int:
    with session_factory.begin() as session:
        customer = Customer(
            number=number,
            kind="particulier",
            civility="Mme",
            first_name=first_name,
            last_name=last_name,
            address_line1="12 rue des Lilas",
            postcode=postcode,
            city="Lyon",
            phones=[
                PhoneNumber(e164=e164, label="mobile", is_primary=index == 0)
                for index, e164 in enumerate(phones)
            ],
        )
        session.add(customer)
        session.flush()
        return customer.id


@pytest.fixture
def sophie(session_factory: sessionmaker) -> int:
    return add_customer(session_factory, "CL0000001", "Durand", ("+33612345678", "+590590201234"))


def test_find_by_phone_accepts_what_the_agent_or_the_pbx_gives(
    session_factory: sessionmaker, sophie: int
) -> None:
    for typed in ("06 12 34 56 78", "+33612345678", "0033 6 12 34 56 78", "0590 20 12 34"):
        found = customers.find_by_phone(session_factory, typed)
        assert found is not None and found.id == sophie
        assert found.number == "CL0000001"
        assert found.display_name == "Mme Sophie Durand"
    assert customers.find_by_phone(session_factory, "06 99 99 99 99") is None


def test_find_by_phone_refuses_a_malformed_number(
    session_factory: sessionmaker, sophie: int
) -> None:
    with pytest.raises(ValidationError, match="Numéro de téléphone invalide"):
        customers.find_by_phone(session_factory, "06 12")


def test_views_are_frozen(session_factory: sessionmaker, sophie: int) -> None:
    found = customers.find_by_phone(session_factory, "0612345678")
    assert found is not None
    with pytest.raises(FrozenInstanceError):
        found.last_name = "X"  # type: ignore[misc]


def test_find_by_number(session_factory: sessionmaker, sophie: int) -> None:
    found = customers.find_by_number(session_factory, "cl0000001")
    assert found is not None and found.id == sophie
    assert customers.find_by_number(session_factory, "CL0000002") is None
    with pytest.raises(ValidationError, match="CL suivi de 7 chiffres"):
        customers.find_by_number(session_factory, "0000001")


def test_search_by_name_ignores_accents_and_case_and_pages(
    session_factory: sessionmaker,
) -> None:
    add_customer(session_factory, "CL0000001", "Lefèvre", postcode="75011")
    add_customer(session_factory, "CL0000002", "Lefebvre", postcode="69003")
    add_customer(session_factory, "CL0000003", "LEFÈVRE-Martin", postcode="69003")
    add_customer(session_factory, "CL0000004", "Martin", postcode="69003")
    add_customer(session_factory, "CL0000005", "Le Goff", postcode="69003")

    found = customers.search_customers(session_factory, name="lefevre")
    assert [c.number for c in found.items] == ["CL0000001", "CL0000003"]
    assert found.total == 2

    both = customers.search_customers(session_factory, name="Lefe", postcode="69003")
    assert [c.last_name for c in both.items] == ["Lefebvre", "LEFÈVRE-Martin"]

    in_lyon = customers.search_customers(session_factory, postcode="69003", page_size=2)
    assert in_lyon.total == 4 and in_lyon.pages == 2
    second = customers.search_customers(session_factory, postcode="69003", page=2, page_size=2)
    assert len(second.items) == 2
    assert {c.id for c in in_lyon.items}.isdisjoint({c.id for c in second.items})

    assert customers.search_customers(session_factory, name="le g").total == 1


BAD_SEARCHES = [
    ({}, r"nom \(au moins 2 lettres\) ou un code postal"),
    ({"name": "L"}, "au moins 2 lettres"),
    ({"postcode": "123"}, "Code postal invalide"),
    ({"name": "Durand", "page": 0}, "page"),
    ({"name": "Durand", "page_size": 1000}, "Taille de page"),
]


def test_search_refuses_bad_criteria(session_factory: sessionmaker) -> None:
    for kwargs, message in BAD_SEARCHES:
        with pytest.raises(ValidationError, match=message):
            customers.search_customers(session_factory, **kwargs)  # type: ignore[arg-type]


def test_customer_card_gathers_the_360_view(session_factory: sessionmaker, sophie: int) -> None:
    with session_factory.begin() as session:
        box = Offer(code="BOX-PLUS", name="Box Plus", kind="box", monthly_price=Decimal("34.99"))
        cine = Offer(
            code="OPT-CINE", name="Pack Ciné Séries", kind="option", monthly_price=Decimal("9.99")
        )
        session.add_all([box, cine])
        session.flush()
        contract = Contract(
            customer_id=sophie,
            offer_id=box.id,
            start_date=date(2025, 1, 10),
            monthly_price=Decimal("34.99"),
        )
        session.add(contract)
        session.flush()
        from crm.models import ContractOption

        session.add(
            ContractOption(
                contract_id=contract.id,
                offer_id=cine.id,
                added_on=date(2025, 2, 1),
                monthly_price=Decimal("9.99"),
            )
        )
        session.add_all(
            [
                Invoice(
                    number="FA-2026-0000001",
                    customer_id=sophie,
                    issued_on=date(2026, 10, 1),
                    due_on=date(2026, 10, 15),
                    amount=Decimal("44.98"),
                    paid_amount=Decimal("10.00"),
                    status="partially_paid",
                ),
                Invoice(
                    number="FA-2026-0000002",
                    customer_id=sophie,
                    issued_on=date(2026, 11, 1),
                    due_on=date(2026, 11, 15),
                    amount=Decimal("44.98"),
                ),
                Invoice(
                    number="FA-2026-0000000",
                    customer_id=sophie,
                    issued_on=date(2026, 9, 1),
                    due_on=date(2026, 9, 15),
                    amount=Decimal("44.98"),
                    paid_amount=Decimal("44.98"),
                    status="paid",
                ),
            ]
        )
        service = Service(code="technique", name="Assistance technique niveau 2", extension="210")
        session.add(service)
        session.flush()
        session.add(
            Request(
                number="DM-2026-0000001",
                customer_id=sophie,
                motive="Panne internet",
                category="technical",
                service_id=service.id,
                opened_at=NOW - timedelta(days=2),
            )
        )
    for minutes in (1, 2, 3):
        interactions.record_interaction(
            session_factory,
            NewInteraction(
                customer_id=sophie,
                channel="call",
                direction="inbound",
                motive=f"Appel {minutes}",
                nature="technical",
                outcome="resolved",
                started_at=NOW - timedelta(minutes=minutes),
            ),
        )

    card = customers.customer_card(session_factory, sophie, now=NOW, interactions=2)

    assert card.summary.number == "CL0000001"
    assert [p.display for p in card.phones] == ["06 12 34 56 78", "0590 20 12 34"]
    assert card.contracts[0].offer_name == "Box Plus"
    assert card.contracts[0].options == ("Pack Ciné Séries",)
    assert card.contracts[0].options_monthly == Decimal("9.99")
    assert [i.number for i in card.open_invoices] == ["FA-2026-0000001", "FA-2026-0000002"]
    assert [i.days_late for i in card.open_invoices] == [36, 5]
    assert card.open_invoices[0].balance == Decimal("34.98")
    assert card.balance_due == Decimal("79.96")
    assert [r.service_name for r in card.open_requests] == ["Assistance technique niveau 2"]
    assert [i.motive for i in card.last_interactions] == ["Appel 1", "Appel 2"]
    assert card.payment_plans == ()


def test_customer_card_of_an_unknown_customer(session_factory: sessionmaker) -> None:
    with pytest.raises(NotFound, match="Client introuvable"):
        customers.customer_card(session_factory, 999, now=NOW)


def _prospect(**changes: object) -> NewProspect:
    values: dict[str, object] = {
        "civility": "M.",
        "first_name": " Jean-Luc ",
        "last_name": "Éluard",
        "address_line1": "3 place Bellecour",
        "postcode": "69002",
        "city": "Lyon",
        "phones": (NewPhone("06 11 22 33 44"), NewPhone("04 78 00 00 01", "fixe")),
        "email": "JL.Eluard@Exemple.fr",
        "birth_date": "14/07/1980",
    }
    values.update(changes)
    return NewProspect(**values)  # type: ignore[arg-type]


def test_create_prospect_normalises_and_numbers(session_factory: sessionmaker, sophie: int) -> None:
    created = customers.create_prospect(session_factory, _prospect(), now=NOW)

    assert created.number == "CL0000002"
    assert created.first_name == "Jean-Luc"
    assert customers.find_by_phone(session_factory, "+33611223344") == created
    card = customers.customer_card(session_factory, created.id, now=NOW)
    assert card.email == "JL.Eluard@exemple.fr"
    assert card.birth_date == date(1980, 7, 14)
    assert [(p.e164, p.label, p.is_primary) for p in card.phones] == [
        ("+33611223344", "mobile", True),
        ("+33478000001", "fixe", False),
    ]
    assert customers.search_customers(session_factory, name="eluard").total == 1


BAD_PROSPECTS = [
    ({"postcode": "6900", "email": "jl@"}, {"code_postal", "email"}),
    ({"last_name": "R2D2"}, {"nom"}),
    ({"civility": "Dr"}, {"civilite"}),
    ({"phones": ()}, {"telephones"}),
    ({"phones": (NewPhone("0611223344"), NewPhone("+33611223344"))}, {"telephone_2"}),
    ({"phones": (NewPhone("06 11"),)}, {"telephone_1"}),
    ({"phones": (NewPhone("06 11 22 33 44", "fax"),)}, {"telephone_1_type"}),
    ({"kind": "professionnel"}, {"raison_sociale"}),
    ({"birth_date": "31/02/1980"}, {"date_naissance"}),
    ({"birth_date": "01/01/2030"}, {"date_naissance"}),
]


def test_create_prospect_refuses_bad_input_and_writes_nothing(
    session_factory: sessionmaker, sophie: int
) -> None:
    before = counts(session_factory)
    for changes, fields in BAD_PROSPECTS:
        with pytest.raises(ValidationError) as caught:
            customers.create_prospect(session_factory, _prospect(**changes), now=NOW)
        assert {error.field for error in caught.value.errors} == fields, changes
        assert all(error.message for error in caught.value.errors)
    assert counts(session_factory) == before


def test_create_prospect_refuses_a_number_of_another_customer(
    session_factory: sessionmaker, sophie: int
) -> None:
    before = counts(session_factory)
    with pytest.raises(ValidationError, match="appartient déjà au client CL0000001"):
        customers.create_prospect(
            session_factory, _prospect(phones=(NewPhone("06 12 34 56 78"),)), now=NOW
        )
    assert counts(session_factory) == before


def test_update_contact_changes_only_what_is_given(
    session_factory: sessionmaker, sophie: int
) -> None:
    customers.update_contact(
        session_factory,
        sophie,
        ContactUpdate(
            email="sophie.durand@exemple.fr",
            postcode="69007",
            city="Lyon",
            phones=(NewPhone("+33612345678", "mobile"), NewPhone("0478000002", "fixe", True)),
        ),
    )
    card = customers.customer_card(session_factory, sophie, now=NOW)
    assert card.email == "sophie.durand@exemple.fr"
    assert card.summary.postcode == "69007"
    assert card.address_line1 == "12 rue des Lilas"
    assert [(p.e164, p.is_primary) for p in card.phones] == [
        ("+33612345678", False),
        ("+33478000002", True),
    ]
    assert customers.find_by_phone(session_factory, "0590201234") is None


def test_update_contact_refuses_bad_input_and_writes_nothing(
    session_factory: sessionmaker, sophie: int
) -> None:
    other = add_customer(session_factory, "CL0000002", "Martin", ("+33781234567",))
    before = counts(session_factory)
    with pytest.raises(ValidationError) as caught:
        customers.update_contact(
            session_factory, sophie, ContactUpdate(email="sophie@", postcode="1234")
        )
    assert {e.field for e in caught.value.errors} == {"email", "code_postal"}
    with pytest.raises(ValidationError, match="appartient déjà au client CL0000002"):
        customers.update_contact(
            session_factory,
            sophie,
            ContactUpdate(city="Paris", phones=(NewPhone("07 81 23 45 67"),)),
        )
    with pytest.raises(NotFound):
        customers.update_contact(session_factory, 999, ContactUpdate(city="Paris"))
    assert counts(session_factory) == before
    card = customers.customer_card(session_factory, sophie, now=NOW)
    assert card.summary.city == "Lyon" and card.email is None
    assert other


def test_record_interaction_and_history(session_factory: sessionmaker, sophie: int) -> None:
    with session_factory.begin() as session:
        agent = User(
            login="eleve", display_name="Camille Martin", role="student", password_hash="x"
        )
        session.add(agent)
        session.flush()
        agent_id = agent.id
    recorded = interactions.record_interaction(
        session_factory,
        NewInteraction(
            customer_id=sophie,
            channel="call",
            direction="inbound",
            motive=" Contestation de facture ",
            nature="billing",
            outcome="request_opened",
            summary="Facture d'octobre contestée.",
            started_at=NOW,
            ended_at=NOW + timedelta(minutes=4),
            agent_id=agent_id,
            call_id="1700000000.12",
        ),
    )
    assert recorded.motive == "Contestation de facture"
    assert recorded.agent_name == "Camille Martin"
    assert recorded.started_at == NOW
    page = interactions.history(session_factory, sophie)
    assert page.total == 1 and page.items[0] == recorded


BAD_INTERACTIONS = [
    ({"channel": "fax"}, "canal"),
    ({"nature": "gossip"}, "nature"),
    ({"outcome": "maybe"}, "issue"),
    ({"motive": "  "}, "motif"),
    ({"ended_at": NOW - timedelta(minutes=1)}, "fin"),
    ({"started_at": datetime(2026, 11, 20, 9, 30)}, "debut"),
]


def test_record_interaction_refuses_bad_input(session_factory: sessionmaker, sophie: int) -> None:
    values: dict[str, object] = {
        "customer_id": sophie,
        "channel": "call",
        "direction": "inbound",
        "motive": "Panne",
        "nature": "technical",
        "outcome": "resolved",
        "started_at": NOW,
    }
    before = counts(session_factory)
    for changes, field in BAD_INTERACTIONS:
        entry = NewInteraction(**{**values, **changes})  # type: ignore[arg-type]
        with pytest.raises(ValidationError) as caught:
            interactions.record_interaction(session_factory, entry)
        assert [e.field for e in caught.value.errors] == [field], changes
    assert counts(session_factory) == before


def test_record_interaction_for_unknown_customer_or_agent(
    session_factory: sessionmaker, sophie: int
) -> None:
    before = counts(session_factory)
    entry = NewInteraction(
        channel="note",
        direction="internal",
        motive="Note",
        nature="information",
        outcome="resolved",
        started_at=NOW,
    )
    from dataclasses import replace

    with pytest.raises(NotFound, match="Client introuvable"):
        interactions.record_interaction(session_factory, replace(entry, customer_id=404))
    with pytest.raises(NotFound, match="Conseiller introuvable"):
        interactions.record_interaction(session_factory, replace(entry, agent_id=404))
    assert counts(session_factory) == before
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Interaction)) == 0
    with pytest.raises(NotFound, match="Client introuvable"):
        interactions.history(session_factory, 404)
    for page, size in ((0, 20), (1, 0), (1, 101)):
        with pytest.raises(ValidationError, match="Pagination invalide"):
            interactions.history(session_factory, sophie, page=page, page_size=size)
