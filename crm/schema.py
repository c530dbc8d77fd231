"""Bring a database to the current schema: Alembic, configured in code.

The migration scripts ship inside the package (`crm/migrations`), so `upgrade` works from a
source checkout and from an installed wheel without any alembic.ini on disk.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from crm.db import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _engine(engine_or_url: Engine | str) -> tuple[Engine, bool]:
    if isinstance(engine_or_url, Engine):
        return engine_or_url, False
    return make_engine(engine_or_url), True


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migration scripts found"
    return head


def current_revision(engine_or_url: Engine | str) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    engine, owned = _engine(engine_or_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if owned:
            engine.dispose()


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> str | None:
    """Migrate the database to `revision` (default: the newest); returns the revision reached.

    Safe to run on an up-to-date database: it then does nothing.
    """
    engine, owned = _engine(engine_or_url)
    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        return current_revision(engine)
    finally:
        if owned:
            engine.dispose()


def is_up_to_date(engine_or_url: Engine | str) -> bool:
    """Whether the database is at the newest revision."""
    return current_revision(engine_or_url) == head_revision()
