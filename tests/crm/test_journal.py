"""The action journal: append-only, hash-chained per shift, tampering found and named."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from crm import journal
from crm.db import make_engine
from crm.schema import upgrade
from workstation.clock import VirtualClock

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _drop_guards(engine: Engine) -> None:
    """What someone with direct database access would do before editing rows."""
    with engine.begin() as connection:
        journal.remove_guards(connection)


def _fill(engine: Engine, clock: VirtualClock, count: int = 6) -> journal.JournalWriter:
    writer = journal.JournalWriter.start_shift(engine, "eleve", clock, title="test")
    for index in range(count):
        clock.advance_sync(1.5)
        writer.append("ui.action", {"action": "answer", "n": index, "source": "keyboard"}, "c-1")
    return writer


def test_entries_are_chained_and_read_back_in_order(engine: Engine, clock: VirtualClock) -> None:
    writer = _fill(engine, clock, 4)
    entries = list(journal.iter_entries(engine, writer.shift_id))
    assert [entry.seq for entry in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == journal.GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert entries[2].payload == {"action": "answer", "n": 2, "source": "keyboard"}
    assert entries[1].mono_ns - entries[0].mono_ns == 1_500_000_000
    assert entries[0].wall_time == datetime(2026, 11, 2, 8, 0, 1, 500000, tzinfo=UTC)
    assert entries[0].call_id == "c-1"
    assert journal.verify_shift(engine, writer.shift_id) is None
    assert journal.count_entries(engine, writer.shift_id) == 4
    writer.close()


def test_database_refuses_update_and_delete(engine: Engine, clock: VirtualClock) -> None:
    writer = _fill(engine, clock, 2)
    writer.close()
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text("UPDATE journal_entries SET kind = 'ui.other'"))
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text("DELETE FROM journal_entries"))
    assert journal.verify_shift(engine, writer.shift_id) is None


def test_edited_row_is_named(engine: Engine, clock: VirtualClock) -> None:
    writer = _fill(engine, clock)
    writer.close()
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(
            text('UPDATE journal_entries SET payload = \'{"action":"hold"}\' WHERE seq = 3')
        )
    problem = journal.verify_shift(engine, writer.shift_id)
    assert problem is not None and problem.seq == 3
    assert "modifié" in problem.describe()


def test_deleted_row_is_named(engine: Engine, clock: VirtualClock) -> None:
    writer = _fill(engine, clock)
    writer.close()
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM journal_entries WHERE seq = 2"))
    problem = journal.verify_shift(engine, writer.shift_id)
    assert problem is not None and problem.seq == 3
    assert "supprimée" in problem.describe()


def test_deleted_last_rows_of_an_ended_shift_are_found(engine: Engine, clock: VirtualClock) -> None:
    writer = _fill(engine, clock)
    writer.end_shift({"reason": "fin"})
    writer.close()
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM journal_entries WHERE seq >= 5"))
    problem = journal.verify_shift(engine, writer.shift_id)
    assert problem is not None and problem.seq is None
    assert "7 entrées, 4 trouvées" in problem.describe()


def test_an_ended_shift_takes_no_more_entries(engine: Engine, clock: VirtualClock) -> None:
    writer = _fill(engine, clock, 2)
    writer.end_shift()
    writer.close()
    shift = journal.get_shift(engine, writer.shift_id)
    assert shift.sealed_entries == 3 and shift.ended_at is not None
    with pytest.raises(journal.JournalError, match="terminée"):
        journal.JournalWriter(engine, writer.shift_id, "eleve", clock)
    assert journal.verify_shift(engine, writer.shift_id) is None


def test_row_inserted_after_the_end_is_named(engine: Engine, clock: VirtualClock) -> None:
    writer = _fill(engine, clock)
    writer.end_shift()
    writer.close()
    entries = list(journal.iter_entries(engine, writer.shift_id))
    last = entries[-1]
    # A forger who even computes a valid hash for the new row is still caught by the head.
    forged_hash = journal.entry_hash(
        last.hash,
        writer.shift_id,
        7,
        "eleve",
        None,
        "ui.action",
        "{}",
        journal.format_wall_time(clock.now()),
        clock.monotonic_ns(),
    )
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO journal_entries (shift_id, seq, agent, call_id, kind, payload, "
                "wall_time, mono_ns, prev_hash, hash) VALUES (:s, 8, 'eleve', NULL, 'ui.action', "
                "'{}', :w, :m, :p, :h)"
            ),
            {
                "s": writer.shift_id,
                "w": journal.format_wall_time(clock.now()),
                "m": clock.monotonic_ns(),
                "p": last.hash,
                "h": forged_hash,
            },
        )
    problem = journal.verify_shift(engine, writer.shift_id)
    assert problem is not None and problem.seq == 8
    assert "ajoutée" in problem.describe()


def test_row_replaced_in_the_middle_is_named(engine: Engine, clock: VirtualClock) -> None:
    writer = _fill(engine, clock)
    writer.close()
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM journal_entries WHERE seq = 4"))
        connection.execute(
            text(
                "INSERT INTO journal_entries (shift_id, seq, agent, call_id, kind, payload, "
                "wall_time, mono_ns, prev_hash, hash) SELECT shift_id, 4, agent, call_id, kind, "
                '\'{"action":"forged"}\', wall_time, mono_ns, hash, hash '
                "FROM journal_entries WHERE seq = 3"
            )
        )
    problem = journal.verify_shift(engine, writer.shift_id)
    assert problem is not None and problem.seq == 4
    assert "modifié" in problem.describe()


def test_two_writers_on_one_shift_keep_one_chain(engine: Engine, clock: VirtualClock) -> None:
    first = journal.JournalWriter.start_shift(engine, "eleve", clock)
    second = journal.JournalWriter(engine, first.shift_id, "formateur", clock)
    for index in range(5):
        first.append("conversation.agent", {"text": f"bonjour {index}"})
        second.append("conversation.customer", {"text": f"réponse {index}"})
    first.close()
    second.close()
    entries = list(journal.iter_entries(engine, first.shift_id))
    assert [entry.seq for entry in entries] == list(range(1, 11))
    assert [entry.agent for entry in entries[:2]] == ["eleve", "formateur"]
    assert journal.verify_shift(engine, first.shift_id) is None


def test_bad_entries_are_refused_and_nothing_is_written(
    engine: Engine, clock: VirtualClock
) -> None:
    writer = journal.JournalWriter.start_shift(engine, "eleve", clock)
    with pytest.raises(journal.JournalError, match="Type d'entrée"):
        writer.append("Répondre!", {})
    with pytest.raises(journal.JournalError, match="JSON"):
        writer.append("ui.action", {"when": object()})
    assert list(journal.iter_entries(engine, writer.shift_id)) == []
    entry = writer.append("ui.action", {"action": "ready"})
    assert entry.seq == 1
    writer.close()


def test_students_list_only_their_shifts(engine: Engine, clock: VirtualClock) -> None:
    journal.JournalWriter.start_shift(engine, "eleve", clock).close()
    journal.JournalWriter.start_shift(engine, "eleve2", clock).close()
    assert {shift.agent for shift in journal.list_shifts(engine, agent="eleve")} == {"eleve"}
    assert len(journal.list_shifts(engine)) == 2


def test_unknown_shift_has_a_french_message(engine: Engine) -> None:
    with pytest.raises(journal.JournalError, match="Vacation inconnue"):
        journal.get_shift(engine, "nope")


WRITER_SCRIPT = textwrap.dedent(
    """
    import sys
    from crm import journal
    from crm.db import make_engine
    from workstation.clock import SystemClock

    engine = make_engine(sys.argv[1])
    writer = journal.JournalWriter(engine, sys.argv[2], "eleve", SystemClock())
    for index in range(1_000_000):
        entry = writer.append("ui.action", {"n": index})
        print(entry.seq, flush=True)
    """
)


def test_acknowledged_entries_survive_kill_9(
    engine: Engine, clock: VirtualClock, db_url: str
) -> None:
    """A writer killed with SIGKILL in the middle of a burst loses no acknowledged entry."""
    shift_id = journal.JournalWriter.start_shift(engine, "eleve", clock).shift_id
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, db_url, shift_id],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    acknowledged = 0
    for line in process.stdout:
        acknowledged = int(line)
        if acknowledged >= 300:
            break
    process.send_signal(signal.SIGKILL)
    # Acknowledgements already written to the pipe before the kill also count.
    acknowledged = max([acknowledged, *(int(line) for line in process.stdout.read().split())])
    process.wait()
    seqs = [entry.seq for entry in journal.iter_entries(engine, shift_id)]
    assert acknowledged >= 300
    assert seqs[:acknowledged] == list(range(1, acknowledged + 1))
    assert journal.verify_shift(engine, shift_id) is None
