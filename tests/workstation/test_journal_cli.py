"""`acvd journal` on the recorded demo shift: show, list, verify, and tampering named."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text

from crm import journal
from seed_data import SEED_DIR
from workstation.cli import main
from workstation.database import open_database
from workstation.demo_shift import record_demo_shift

DEMO = "demo-20261102-eleve"


@pytest.fixture
def demo_db(db_url: str) -> tuple[str, Engine]:
    engine = open_database(db_url)
    assert record_demo_shift(engine, SEED_DIR / "demo_shift.yaml") == DEMO
    return db_url, engine


def test_demo_shift_is_recorded_once_and_intact(demo_db: tuple[str, Engine]) -> None:
    _url, engine = demo_db
    assert record_demo_shift(engine, SEED_DIR / "demo_shift.yaml") is None
    entries = list(journal.iter_entries(engine, DEMO))
    assert entries[0].kind == "shift.start" and entries[-1].kind == "shift.end"
    ringing = next(e for e in entries if e.kind == "call.ringing")
    answered = next(e for e in entries if e.kind == "call.answered")
    assert (answered.mono_ns - ringing.mono_ns) / 1e9 == pytest.approx(3.1)
    assert journal.verify_shift(engine, DEMO) is None


def test_show_prints_a_timeline_in_paris_time(demo_db: tuple[str, Engine]) -> None:
    url, _engine = demo_db
    result = CliRunner().invoke(main, ["journal", "show", DEMO, "--db", url])
    assert result.exit_code == 0, result.output
    assert "lundi 2 novembre 2026 09:00:00" in result.output
    line = next(line for line in result.output.splitlines() if "call.answered" in line)
    assert "09:00:50.400" in line and "+   50,400 s" in line and "1793606447.0" in line


def test_verify_passes_then_names_an_edited_row(
    demo_db: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = demo_db
    runner = CliRunner()
    listing = runner.invoke(main, ["journal", "list", "--db", url])
    assert listing.exit_code == 0, listing.output
    assert f"{DEMO}  02/11/2026 09:00  eleve" in listing.output and "   30  " in listing.output
    ok = runner.invoke(main, ["journal", "verify", "--db", url])
    assert ok.exit_code == 0 and "Journal intact : 1 vacation" in ok.output
    with engine.begin() as connection:
        journal.remove_guards(connection)
        connection.execute(
            text("UPDATE journal_entries SET payload = '{}' WHERE shift_id = :s AND seq = 9"),
            {"s": DEMO},
        )
    bad = runner.invoke(main, ["journal", "verify", DEMO, "--db", url])
    assert bad.exit_code == 1
    assert f"vacation {DEMO}, entrée n° 9" in bad.output
    assert "contenu modifié" in bad.output


def test_unknown_shift_and_unreachable_database_give_french_messages(
    demo_db: tuple[str, Engine],
) -> None:
    url, _engine = demo_db
    runner = CliRunner()
    unknown = runner.invoke(main, ["journal", "show", "nope", "--db", url])
    assert unknown.exit_code == 1 and "Vacation inconnue : nope." in unknown.output
    down = runner.invoke(
        main, ["journal", "list", "--db", "postgresql://127.0.0.1:1/none?connect_timeout=2"]
    )
    assert down.exit_code == 1 and "Base de données injoignable" in down.output
    assert "Traceback" not in down.output
