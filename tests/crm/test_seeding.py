"""The demo company: the facts of company.yaml, the hand-written customers scenarios rely
on, coherent generated data, determinism, and clear refusals."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import phonenumbers
import pytest
import yaml
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import sessionmaker

from crm.db import make_engine, make_session_factory
from crm.models import (
    Appointment,
    CallListEntry,
    Campaign,
    Contract,
    Customer,
    Instalment,
    Interaction,
    Invoice,
    Message,
    Objective,
    Offer,
    Payment,
    PaymentPlan,
    PhoneNumber,
    Request,
    Service,
    Survey,
    SurveyAnswer,
    User,
)
from crm.passwords import verify_password
from crm.schema import upgrade
from crm.seeding import SeedError, is_seeded, seed_demo_company
from seed_data import SEED_DIR
from workstation.clock import DEFAULT_START

SEED_FILES = ("company.yaml", "customers.yaml", "history.yaml", "campaigns.yaml",
              "objectives.yaml", "messages.yaml", "communes.csv")  # fmt: skip
SEED_NOW = DEFAULT_START  # as in conftest.py
SEED_CUSTOMERS = 30
COMPANY = yaml.safe_load((SEED_DIR / "company.yaml").read_text(encoding="utf-8"))
TODAY = SEED_NOW.date()


def _customer_by_phone(session, e164: str) -> Customer:
    return session.scalars(select(Customer).join(PhoneNumber).where(PhoneNumber.e164 == e164)).one()


def test_services_offers_and_accounts_follow_company_yaml(
    seeded_company: sessionmaker,
) -> None:
    with seeded_company() as session:
        services = {s.code: s for s in session.scalars(select(Service))}
        assert {code: s.extension for code, s in services.items()} == {
            item["code"]: item["extension"] for item in COMPANY["services"]
        }
        assert services["supervision"].queue is None
        offers = {o.code: o for o in session.scalars(select(Offer))}
        for item in COMPANY["mobile_plans"]:
            assert offers[item["code"]].monthly_price == Decimal(str(item["monthly_price"]))
        assert offers["BOX-PLUS"].monthly_price == Decimal("34.99")
        assert offers["BOX-PLUS"].engagement_months == 12
        assert offers["OPT-ROAMING"].one_off_price == Decimal("19.99")
        assert offers["OPT-ROAMING"].monthly_price is None
        assert offers["OPT-ASSURANCE"].applies_to == "mobile"
        assert offers["EQ-KALO-S9"].one_off_price == Decimal("649.00")
        assert offers["FEE-ACTIVATION-BOX"].one_off_price == Decimal("48.00")
        users = {u.login: u for u in session.scalars(select(User))}
        assert {login: u.role for login, u in users.items()} == {
            "eleve": "student",
            "formateur": "trainer",
            "jury": "grader",
            **{f"eleve{n}": "student" for n in range(2, 7)},
        }
        assert users["eleve"].display_name == "Camille Martin"
        assert users["eleve"].extension == "101"
        assert users["eleve2"].extension == "102"
        for login in ("eleve", "formateur", "jury"):
            assert verify_password(login, users[login].password_hash)
        assert not verify_password("eleve2", users["eleve"].password_hash)
        assert len({user.password_hash for user in users.values()}) == len(users)


def test_the_hand_written_customers(seeded_company: sessionmaker) -> None:
    with seeded_company() as session:
        sophie = _customer_by_phone(session, "+33612345678")
        assert (sophie.number, sophie.civility, sophie.first_name, sophie.last_name) == (
            "CL0000001",
            "Mme",
            "Sophie",
            "Durand",
        )
        assert sophie.iban is not None and sophie.iban.startswith("FR76")
        assert {c.offer.code for c in sophie.contracts} == {"BOX-PLUS", "MOB-50"}
        assert all(i.status in ("paid", "unpaid") for i in sophie.invoices)

        pro = session.scalars(select(Customer).where(Customer.number == "CL0000002")).one()
        assert pro.kind == "professionnel" and pro.company_name == "Boulangerie Morel SARL"

        reunion = _customer_by_phone(session, "+262692123456")
        assert reunion.number == "CL0000004" and reunion.postcode == "97400"
        assert _customer_by_phone(session, "+262262214365").id == reunion.id

        late = session.scalars(select(Customer).where(Customer.number == "CL0000003")).one()
        overdue = [i for i in late.invoices if i.status != "paid" and i.due_on < TODAY]
        assert len(overdue) == 2
        entry = session.scalars(
            select(CallListEntry)
            .join(Campaign)
            .where(Campaign.kind == "collection", CallListEntry.customer_id == late.id)
        ).one()
        assert entry.status == "pending" and entry.phone_e164 == "+33666778899"
        assert entry.days_late == (TODAY - min(i.due_on for i in overdue)).days
        assert entry.amount_due == sum(i.amount - i.paid_amount for i in overdue)

        moreau = session.scalars(select(Customer).where(Customer.number == "CL0000005")).one()
        plan = session.scalars(
            select(PaymentPlan).where(PaymentPlan.customer_id == moreau.id)
        ).one()
        assert plan.status == "active"
        assert sum(i.amount for i in plan.instalments) == plan.total_amount
        assert sum(i.amount - i.paid_amount for i in plan.invoices) == plan.total_amount
        assert 1 <= len(plan.instalments) <= 6
        # In a plan: not called by the collection campaign.
        assert (
            session.scalars(
                select(CallListEntry)
                .join(Campaign)
                .where(Campaign.kind == "collection", CallListEntry.customer_id == moreau.id)
            ).first()
            is None
        )

        girard = session.scalars(select(Customer).where(Customer.number == "CL0000006")).one()
        request = session.scalars(
            select(Request).where(Request.customer_id == girard.id, Request.status != "closed")
        ).one()
        assert request.category == "technical" and request.service is not None
        assert request.service.code == "technique"
        visit = session.scalars(
            select(Appointment).where(Appointment.request_id == request.id)
        ).one()
        assert visit.status == "planned" and visit.slot_start > SEED_NOW
        assert visit.slot_start.tzinfo is UTC

        english = session.scalars(select(Message).where(Message.language == "en")).one()
        assert english.customer_id == 7


def test_generated_customers_are_coherent(seeded_company: sessionmaker) -> None:
    with seeded_company() as session:
        customers = session.scalars(select(Customer).order_by(Customer.id)).all()
        assert len(customers) == SEED_CUSTOMERS
        assert [c.number for c in customers] == [f"CL{n:07d}" for n in range(1, 31)]
        for customer in customers:
            assert 1 <= len(customer.phones) <= 3
            assert sum(p.is_primary for p in customer.phones) == 1
            for phone in customer.phones:
                parsed = phonenumbers.parse(phone.e164)
                assert phonenumbers.is_valid_number(parsed), phone.e164
                assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == (
                    phone.e164
                )
            assert customer.contracts, customer.number
            assert customer.kind != "professionnel" or customer.company_name
            assert re.fullmatch(r"\d{5}", customer.postcode)
            assert customer.created_at.tzinfo is UTC
        for invoice in session.scalars(select(Invoice)):
            assert re.fullmatch(r"FA-\d{4}-\d{7}", invoice.number)
            assert invoice.due_on == invoice.issued_on + timedelta(days=14)
            assert isinstance(invoice.amount, Decimal)
            if invoice.status == "paid":
                assert invoice.paid_amount == invoice.amount
            elif invoice.status == "partially_paid":
                assert 0 < invoice.paid_amount < invoice.amount
            else:
                assert invoice.paid_amount == 0
        accepted = session.scalars(select(Payment).where(Payment.status == "accepted")).all()
        assert accepted and all(p.amount > 0 for p in accepted)
        for interaction in session.scalars(select(Interaction)):
            assert "{" not in interaction.summary and "}" not in interaction.summary
            assert interaction.started_at <= SEED_NOW
        assert session.scalar(select(func.count()).select_from(Objective)) > 0
        survey = session.scalars(select(Survey)).one()
        assert [q.kind for q in survey.questions] == [
            "single", "scale", "scale", "single", "multiple", "scale", "text",
        ]  # fmt: skip
        assert survey.questions[0].choices == ["Oui, entièrement", "Oui, en partie", "Non"]
        for answer in session.scalars(select(SurveyAnswer)):
            assert answer.value is not None
        kinds = set(session.scalars(select(Campaign.kind)))
        assert kinds == {"prospection", "survey", "collection"}


def test_collection_list_holds_overdue_accounts(seeded_company: sessionmaker) -> None:
    with seeded_company() as session:
        entries = session.scalars(
            select(CallListEntry).join(Campaign).where(Campaign.kind == "collection")
        ).all()
        assert entries
        for entry in entries:
            assert entry.days_late is not None and entry.days_late >= 10
            assert entry.amount_due is not None and entry.amount_due > 0
            unpaid = session.scalars(
                select(Invoice).where(
                    Invoice.customer_id == entry.customer_id,
                    Invoice.status.in_(("unpaid", "partially_paid")),
                    Invoice.due_on < TODAY,
                )
            ).all()
            assert sum(i.amount - i.paid_amount for i in unpaid) == entry.amount_due


def test_new_rows_get_fresh_ids_after_seeding(seeded_session_factory: sessionmaker) -> None:
    """Seeding inserts explicit ids; PostgreSQL's sequences must have moved past them."""
    with seeded_session_factory.begin() as session:
        customer = Customer(
            number="CL9999999", kind="particulier", civility="M.", first_name="Paul",
            last_name="Nouveau", address_line1="1 rue Neuve", postcode="75011", city="Paris",
        )  # fmt: skip
        session.add(customer)
        session.flush()
        assert customer.id == SEED_CUSTOMERS + 1
        note = Interaction(customer_id=customer.id, channel="note", direction="internal",
                           motive="Test", nature="information", outcome="resolved")  # fmt: skip
        session.add(note)


def test_seeding_twice_is_refused_in_french(
    password_hasher: Callable[[str], str], seeded_session_factory: sessionmaker, engine: Engine
) -> None:
    assert is_seeded(engine)
    with pytest.raises(SeedError, match="contient déjà une entreprise de démonstration"):
        seed_demo_company(
            engine, SEED_DIR, customers=40, now=SEED_NOW, hash_password=password_hasher
        )
    with seeded_session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == SEED_CUSTOMERS
        assert session.scalar(select(func.count()).select_from(User)) == 8


def test_an_interrupted_seed_is_named(
    password_hasher: Callable[[str], str], engine: Engine
) -> None:
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO services (id, code, name, extension, role) "
                 "VALUES (1, 'accueil', 'Accueil', '200', '')")
        )  # fmt: skip
    with pytest.raises(SeedError, match="incomplète"):
        seed_demo_company(
            engine, SEED_DIR, customers=10, now=SEED_NOW, hash_password=password_hasher
        )


def test_an_empty_unmigrated_database_is_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with pytest.raises(SeedError, match="acvd db upgrade"):
            seed_demo_company(engine, SEED_DIR, customers=10, now=SEED_NOW)
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite database, for checks that do not depend on the backend."""
    url = f"sqlite:///{tmp_path / 'plain.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_too_few_customers_writes_nothing(
    password_hasher: Callable[[str], str], sqlite_engine: Engine
) -> None:
    engine = sqlite_engine
    with pytest.raises(SeedError, match="9999999 au plus"):
        seed_demo_company(engine, SEED_DIR, customers=10**7, now=SEED_NOW)
    with pytest.raises(SeedError, match="au moins 7"):
        seed_demo_company(
            engine, SEED_DIR, customers=3, now=SEED_NOW, hash_password=password_hasher
        )
    assert not is_seeded(engine)


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("customers.yaml", "offer: BOX-ULTRA,", "offer: BOX-MEGA,", "offre inconnue « BOX-MEGA »"),
        ("customers.yaml", "number: 06 12 34 56 78}", "number: 06 12}", "Numéro de téléphone"),
        ("history.yaml", "outcome: resolved,", "outcome: solved,", "solved"),
        ("campaigns.yaml", "kind: prospection", "kind: phoning", "phoning"),
        ("objectives.yaml", "service: technique,", "service: atelier,", "atelier"),
        ("company.yaml", "due_after_days: 14", "due_after_days: quinze", "company.yaml"),
        ("messages.yaml", "customer: CL0000007", "customer: CL0000099", "CL0000099"),
    ],
)
def test_a_wrong_seed_file_is_named_and_nothing_is_written(
    password_hasher: Callable[[str], str],
    tmp_path: Path,
    file: str,
    old: str,
    new: str,
    message: str,
) -> None:
    seed_dir = tmp_path / "seed"
    seed_dir.mkdir()
    for name in SEED_FILES:
        shutil.copy(SEED_DIR / name, seed_dir / name)
    content = (seed_dir / file).read_text(encoding="utf-8")
    assert old in content
    (seed_dir / file).write_text(content.replace(old, new, 1), encoding="utf-8")
    # The files are read before the database is touched: SQLite is enough here.
    url = f"sqlite:///{tmp_path / 'wrong.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with pytest.raises(SeedError) as raised:
        seed_demo_company(
            engine, seed_dir, customers=10, now=SEED_NOW, hash_password=password_hasher
        )
    assert message in str(raised.value)
    assert file in str(raised.value)
    assert not is_seeded(engine)
    engine.dispose()


DUMPED_TABLES = ("customers", "phone_numbers", "contracts", "invoices", "payments",
                 "interactions", "call_list_entries", "instalments", "requests")  # fmt: skip


def _dump(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table: [
                    tuple(row)
                    for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))
                ]
                for table in DUMPED_TABLES
            }
    finally:
        engine.dispose()


def _seed_file(
    path: Path, seed: int, chunk_size: int, password_hasher: Callable[[str], str]
) -> str:
    url = f"sqlite:///{path}"
    upgrade(url)
    seed_demo_company(
        make_engine(url), SEED_DIR, customers=60, seed=seed, now=SEED_NOW,
        chunk_size=chunk_size, hash_password=password_hasher,
    )  # fmt: skip
    return url


def test_same_seed_same_company_whatever_the_chunk_size(
    tmp_path: Path, password_hasher: Callable[[str], str]
) -> None:
    first = _dump(_seed_file(tmp_path / "a.sqlite3", 3, 1000, password_hasher))
    second = _dump(_seed_file(tmp_path / "b.sqlite3", 3, 17, password_hasher))
    other = _dump(_seed_file(tmp_path / "c.sqlite3", 4, 1000, password_hasher))
    assert first == second
    assert first["customers"] != other["customers"]
    # The hand-written customers do not depend on the seed.
    assert first["customers"][0][:6] == other["customers"][0][:6]


def test_progress_is_reported_per_chunk(
    password_hasher: Callable[[str], str], sqlite_engine: Engine
) -> None:
    engine = sqlite_engine
    calls: list[tuple[int, int]] = []
    report = seed_demo_company(
        engine, SEED_DIR, customers=25, now=SEED_NOW, chunk_size=10,
        progress=lambda done, total: calls.append((done, total)), hash_password=password_hasher,
    )  # fmt: skip
    assert calls == [(10, 25), (20, 25), (25, 25)]
    assert report.customers == 25
    assert report.rows["customers"] == 25
    sessions = make_session_factory(engine)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == report.rows["invoices"]
        assert (
            session.scalar(select(func.count()).select_from(Contract)) == report.rows["contracts"]
        )
        assert (
            session.scalar(select(func.count()).select_from(Instalment))
            == report.rows["instalments"]
        )


def test_naive_now_is_refused(sqlite_engine: Engine) -> None:
    with pytest.raises(ValueError, match="aware"):
        seed_demo_company(sqlite_engine, SEED_DIR, customers=10, now=datetime(2026, 1, 1))
    assert not is_seeded(sqlite_engine)


def test_fast_sqlite_processors_store_what_sqlalchemy_stores() -> None:
    from datetime import date, timezone

    from sqlalchemy import Date
    from sqlalchemy.dialects import sqlite

    from crm.models import UTCDateTime
    from crm.seeding import _bind_processor

    dialect = sqlite.dialect()
    paris = timezone(timedelta(hours=1))
    for value in (
        datetime(2026, 3, 1, 9, 5, 7, 12, tzinfo=paris),
        datetime(2026, 1, 1, tzinfo=UTC),
    ):
        reference = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
        assert _bind_processor(UTCDateTime(), dialect)(value) == reference(value)
    reference = Date().dialect_impl(dialect).bind_processor(dialect)
    assert _bind_processor(Date(), dialect)(date(2026, 2, 9)) == reference(date(2026, 2, 9))
    with pytest.raises(ValueError, match="naive"):
        _bind_processor(UTCDateTime(), dialect)(datetime(2026, 1, 1))


def test_drawn_phone_numbers_never_repeat_and_stay_in_their_region() -> None:
    from crm.seed_phones import PhoneFactory

    factory = PhoneFactory(11, reserved={"+33612345678"})
    drawn: list[str] = []
    # "02" landlines (Brittany) would include 02 62… (La Réunion) and "05" ones 05 90…
    # (Guadeloupe) if the draws were not kept out of overseas ranges.
    for postcode in ("29200", "33000", "69003", "97400", "97110", "97600"):
        for kind in ("mobile", "fixe", "box"):
            numbers = [factory.new(kind, postcode) for _ in range(1500)]
            overseas = postcode.startswith("97") and kind != "box"
            for number in numbers:
                assert number.startswith(("+262", "+590")) == overseas, (postcode, number)
            drawn += numbers
    assert len(set(drawn)) == len(drawn)
    assert "+33612345678" not in drawn
