"""Bring a database to the current schema: Alembic, configured in code.

The migration scripts ship inside the package (`crm/migrations`), so `upgrade` works from a
source checkout and from an installed wheel without any alembic.ini on disk.

Alembic itself (with Mako and the scripts it loads) costs about a fifth of the workstation's
start-up, and almost every start finds the database up to date. So checking is done without
it: the database's revision is read from `alembic_version` with plain SQLAlchemy, and the
head revision from the `revision` / `down_revision` lines of the scripts (a test holds this
reading to Alembic's own). Alembic is imported only when a migration is due.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from crm.db import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
VERSION_TABLE = "alembic_version"  # Alembic's default: env.py does not change it

_REVISION = re.compile(r"^revision\s*(?::[^=\n]*)?=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=\n]*)?=\s*(\([^)]*\)|[^\n]*)", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _engine(engine_or_url: Engine | str) -> tuple[Engine, bool]:
    if isinstance(engine_or_url, Engine):
        return engine_or_url, False
    return make_engine(engine_or_url), True


def scripted_head(versions_dir: Path = VERSIONS_DIR) -> str | None:
    """The head revision read from the migration scripts' text, without Alembic.

    None when the reading is not certain (a script without a `revision` line, several heads
    or none): the caller then asks Alembic.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions_dir.glob("*.py"):
        if path.name.startswith("_"):
            continue
        source = path.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        down = _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        parents.update(_QUOTED.findall(down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migration scripts found"
    return head


def head_revision() -> str:
    """The newest revision the code knows."""
    return scripted_head() or _alembic_head()


def current_revision(engine_or_url: Engine | str) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    engine, owned = _engine(engine_or_url)
    try:
        with engine.connect() as connection:
            # What Alembic's MigrationContext.get_current_revision reads, without Alembic.
            if not inspect(connection).has_table(VERSION_TABLE):
                return None
            stored = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            revisions = list(stored.scalars())
            if len(revisions) <= 1:
                return revisions[0] if revisions else None
            from alembic.runtime.migration import MigrationContext

            # Several heads: Alembic says so in its own words.
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if owned:
            engine.dispose()


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> str | None:
    """Migrate the database to `revision` (default: the newest); returns the revision reached.

    Safe to run on an up-to-date database: it then does nothing.
    """
    from alembic import command

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
    """Whether the database is at the newest revision (Alembic is not loaded to know it)."""
    return current_revision(engine_or_url) == head_revision()
