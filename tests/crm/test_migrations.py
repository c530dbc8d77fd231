"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from crm.db import Base, make_engine
from crm.models import CRM_TABLES
from crm.schema import current_revision, head_revision, is_up_to_date, upgrade


def _table_of(diff: Any) -> str | None:
    """The table an autogenerate diff is about (diffs are tuples, or lists of tuples)."""
    if isinstance(diff, list):
        diff = diff[0]
    for item in diff[1:]:
        name = getattr(item, "name", None)
        table = getattr(item, "table", None)
        if table is not None and getattr(table, "name", None):
            return table.name
        if isinstance(item, str):
            return item
        if name and hasattr(item, "columns") and hasattr(item, "c"):
            return name
    return None


def test_head_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    mine = [diff for diff in diffs if _table_of(diff) in CRM_TABLES]
    assert mine == []


def test_tables_indexes_and_revision(engine: Engine) -> None:
    inspector = inspect(engine)
    tables = set(inspector.get_table_names())
    assert set(CRM_TABLES) <= tables
    assert "alembic_version" in tables
    indexes = {ix["name"]: ix for ix in inspector.get_indexes("phone_numbers")}
    assert indexes["ix_phone_numbers_e164"]["unique"]
    assert indexes["ix_phone_numbers_e164"]["column_names"] == ["e164"]
    # Running it again on an up-to-date database does nothing.
    assert current_revision(engine) == head_revision()
    assert is_up_to_date(engine)
    assert upgrade(engine) == head_revision()


def test_upgrade_from_a_url(db_url: str) -> None:
    assert current_revision(db_url) is None
    assert upgrade(db_url) == head_revision()
    engine = make_engine(db_url)
    try:
        assert "customers" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_initial_revision_has_the_fixed_id() -> None:
    from alembic.script import ScriptDirectory

    from crm.schema import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    base = script.get_base()
    assert base == "0001_crm"
