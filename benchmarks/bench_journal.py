"""Durable journal appends per second beside a bare sqlite3 INSERT + COMMIT, in one run.

Both write to a fresh SQLite file in WAL mode with synchronous=NORMAL (the workstation's
settings: a committed row survives a killed process) and commit every row, which is what an
acknowledged journal entry means. Target: the journal within 1.5x of the bare INSERT.

    .venv/bin/python benchmarks/bench_journal.py [N]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from crm import journal
from crm.db import make_engine
from crm.schema import upgrade
from workstation.clock import SystemClock


def bare_sqlite(path: Path, count: int) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "CREATE TABLE entries (id INTEGER PRIMARY KEY, shift_id TEXT, seq INTEGER, agent TEXT, "
        "call_id TEXT, kind TEXT, payload TEXT, wall_time TEXT, mono_ns INTEGER, "
        "prev_hash TEXT, hash TEXT, UNIQUE (shift_id, seq))"
    )
    row = ("s", "eleve", None, "ui.action", '{"action":"answer"}', "t", 0, "0" * 64, "1" * 64)
    start = time.perf_counter()
    for seq in range(1, count + 1):
        connection.execute("BEGIN")
        connection.execute(
            "INSERT INTO entries (shift_id, seq, agent, call_id, kind, payload, wall_time, "
            "mono_ns, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row[0], seq, *row[1:]),
        )
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return count / elapsed


def journal_appends(path: Path, count: int) -> float:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    writer = journal.JournalWriter.start_shift(engine, "eleve", SystemClock())
    start = time.perf_counter()
    for _ in range(count):
        writer.append("ui.action", {"action": "answer"}, "1795749617.0")
    elapsed = time.perf_counter() - start
    writer.close()
    assert journal.verify_shift(engine, writer.shift_id) is None
    engine.dispose()
    return count / elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as folder:
        bare = bare_sqlite(Path(folder) / "bare.sqlite3", count)
        ours = journal_appends(Path(folder) / "journal.sqlite3", count)
    print(f"bare sqlite3 INSERT+COMMIT : {bare:10,.0f} rows/s")
    print(f"journal append (durable)   : {ours:10,.0f} entries/s")
    print(f"ratio bare/journal         : {bare / ours:10.2f}x  (target <= 1.5x)")


if __name__ == "__main__":
    main()
