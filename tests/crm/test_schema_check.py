"""The start-up check of the schema, done without Alembic, agrees with Alembic.

`crm.schema` reads the head revision from the scripts' text and the database's revision
with plain SQLAlchemy, so a workstation whose database is up to date never loads Alembic;
a database behind the scripts is still migrated.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, inspect, text

from crm.db import make_engine
from crm.schema import (
    alembic_config,
    current_revision,
    head_revision,
    is_up_to_date,
    scripted_head,
    upgrade,
)
from workstation.database import open_database

ROOT = Path(__file__).resolve().parents[2]


def test_the_head_read_from_the_scripts_is_alembics_head() -> None:
    alembic_head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert scripted_head() == alembic_head
    assert head_revision() == alembic_head


def script(directory: Path, revision: str, down: str) -> None:
    (directory / f"{revision}.py").write_text(
        f'"""{revision}."""\n\nrevision: str = "{revision}"\n'
        f"down_revision: str | tuple[str, ...] | None = {down}\n",
        encoding="utf-8",
    )


def test_branches_are_left_to_alembic_and_a_merge_is_the_head(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text("", encoding="utf-8")
    script(tmp_path, "0001_a", "None")
    script(tmp_path, "0002_b", '"0001_a"')
    assert scripted_head(tmp_path) == "0002_b"
    script(tmp_path, "0002_c", '"0001_a"')
    assert scripted_head(tmp_path) is None  # two heads: not for this shortcut to choose
    script(tmp_path, "0003_merge", '(\n    "0002_b",\n    "0002_c",\n)')
    assert scripted_head(tmp_path) == "0003_merge"
    (tmp_path / "0004_odd.py").write_text("# no revision line\n", encoding="utf-8")
    assert scripted_head(tmp_path) is None


def test_current_revision_reads_the_version_table(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None  # never migrated
        assert not is_up_to_date(engine)
        assert upgrade(engine, "0002_journal") == "0002_journal"
        assert current_revision(engine) == "0002_journal"
        assert not is_up_to_date(engine)
        with engine.begin() as connection:  # two heads stored: Alembic's own error
            connection.execute(text("INSERT INTO alembic_version VALUES ('0001_crm')"))
        with pytest.raises(CommandError, match="more than one head"):
            current_revision(engine)
    finally:
        engine.dispose()


def test_an_out_of_date_database_is_migrated_when_opened(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0003_customer_search_name")
        columns = {column["name"] for column in inspect(engine).get_columns("messages")}
        assert "read_at" not in columns
    finally:
        engine.dispose()
    engine = open_database(db_url)
    try:
        assert current_revision(engine) == head_revision()
        assert is_up_to_date(engine)
        columns = {column["name"] for column in inspect(engine).get_columns("messages")}
        assert {"read_at", "answered_at", "annotation", "attachments"} <= columns
    finally:
        engine.dispose()


PROBE = """
import sys
from workstation.database import open_database
engine = open_database(sys.argv[1])
engine.dispose()
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def opened_in_a_new_process(url: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, url], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return set(result.stdout.split())


def test_alembic_is_loaded_only_when_a_migration_is_due(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'acvd.sqlite3'}"
    assert "alembic" in opened_in_a_new_process(url)  # a new database: migrated
    assert "alembic" not in opened_in_a_new_process(url)  # up to date: checked without it
    engine: Engine = make_engine(url)
    try:
        assert is_up_to_date(engine)
    finally:
        engine.dispose()
