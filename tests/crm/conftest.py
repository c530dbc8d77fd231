"""CRM fixtures: a migrated empty database, on SQLite and on PostgreSQL.

- `engine` / `session_factory`: the schema at Alembic head, no rows.
- `seeded_session_factory`: the same with a small demo company (30 customers, seed 7), built
  by `crm.seeding.seed_demo_company`, so tests can rely on the fixed customers of
  seed_data/README.md (CL0000001 Sophie Durand, +33612345678…).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from crm.db import make_engine, make_session_factory
from crm.schema import upgrade


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
