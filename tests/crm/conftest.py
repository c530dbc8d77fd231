"""CRM fixtures: a migrated empty database, on SQLite and on PostgreSQL.

- `engine` / `session_factory`: the schema at Alembic head, no rows.
- `seeded_session_factory`: the same with a small demo company (30 customers, seed 7, created
  at `SEED_NOW`, the VirtualClock's default start), so tests can rely on the hand-written
  customers of seed_data/customers.yaml (CL0000001 Sophie Durand, +33612345678…) and on the
  demo accounts (eleve/eleve, formateur/formateur, jury/jury, eleve2…eleve6).
- `seeded_company`: the same company, seeded once per test module and backend, for tests
  that only read (faster: migrating PostgreSQL takes about a second).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from functools import cache

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import sessionmaker

from crm.db import make_engine, make_session_factory
from crm.passwords import hash_password
from crm.schema import upgrade
from crm.seeding import seed_demo_company
from seed_data import SEED_DIR
from workstation.clock import DEFAULT_START

SEED_NOW = DEFAULT_START
SEED_CUSTOMERS = 30
SEED = 7


@cache
def cached_hash(password: str) -> str:
    """scrypt is slow on purpose: hash each demo password once per test run."""
    return hash_password(password)


@pytest.fixture
def password_hasher() -> Callable[[str], str]:
    """A hasher for seeding in tests: real scrypt hashes, computed once per password."""
    return cached_hash


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on an empty database migrated to head (SQLite, then PostgreSQL)."""
    engine = make_engine(db_url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker:
    """Sessions on the migrated empty database."""
    return make_session_factory(engine)


@pytest.fixture
def seeded_session_factory(engine: Engine) -> sessionmaker:
    """Sessions on a database holding a small, deterministic demo company."""
    seed_demo_company(
        engine,
        SEED_DIR,
        customers=SEED_CUSTOMERS,
        seed=SEED,
        now=SEED_NOW,
        hash_password=cached_hash,
    )
    return make_session_factory(engine)


def _postgres_schema() -> tuple[str, Callable[[], None]]:
    """A fresh PostgreSQL schema and its clean-up, with the skip/fail rules of `pg_url`."""
    base = os.environ.get("ACVD_TEST_DATABASE_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("CI=true mais ACVD_TEST_DATABASE_URL n'est pas défini.")
        pytest.skip(
            "PostgreSQL non testé : définissez ACVD_TEST_DATABASE_URL="
            "postgresql://127.0.0.1:5432/test (ce que fait .ci/run) pour lancer ces variantes."
        )
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}", drop


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def seeded_company(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker]:
    """Sessions on the small demo company, shared by the tests of a module: do not write."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('company') / 'demo.sqlite3'}"
        drop = None
    else:
        url, drop = _postgres_schema()
    engine = make_engine(url)
    try:
        upgrade(engine)
        seed_demo_company(
            engine, SEED_DIR, customers=SEED_CUSTOMERS, seed=SEED, now=SEED_NOW,
            hash_password=cached_hash,
        )  # fmt: skip
        yield make_session_factory(engine)
    finally:
        engine.dispose()
        if drop is not None:
            drop()
