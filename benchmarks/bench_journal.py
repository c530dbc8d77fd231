"""Durable journal appends per second beside a bare sqlite3 INSERT + COMMIT, in one run.

Both write to a fresh SQLite file in WAL mode with synchronous=NORMAL (the workstation's
settings: a committed row survives a killed process) and commit every row, which is what an
acknowledged journal entry means. Target: the journal within 1.5x of the bare INSERT.

    .venv/bin/python benchmarks/bench_journal.py [ROUNDS]
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from crm import journal
from crm.db import make_engine
from crm.schema import upgrade
from workstation.clock import SystemClock

ROW = ("eleve", None, "ui.action", '{"action":"answer"}', "t", 0, "0" * 64, "1" * 64)


class Bare:
    """The baseline: one INSERT and one COMMIT per row, straight through sqlite3."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY, shift_id TEXT, seq INTEGER, "
            "agent TEXT, call_id TEXT, kind TEXT, payload TEXT, wall_time TEXT, mono_ns INTEGER, "
            "prev_hash TEXT, hash TEXT, UNIQUE (shift_id, seq))"
        )
        self.seq = 0

    def run(self, count: int) -> float:
        start = time.perf_counter()
        for _ in range(count):
            self.seq += 1
            self.connection.execute("BEGIN")
            self.connection.execute(
                "INSERT INTO entries (shift_id, seq, agent, call_id, kind, payload, wall_time, "
                "mono_ns, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ("s", self.seq, *ROW),
            )
            self.connection.execute("COMMIT")
        return count / (time.perf_counter() - start)


class Journal:
    """The journal writer, as the workstation uses it."""

    def __init__(self, path: Path) -> None:
        self.engine = make_engine(f"sqlite:///{path}")
        upgrade(self.engine)
        self.writer = journal.JournalWriter.start_shift(self.engine, "eleve", SystemClock())

    def run(self, count: int) -> float:
        start = time.perf_counter()
        for _ in range(count):
            self.writer.append("ui.action", {"action": "answer"}, "1795749617.0")
        return count / (time.perf_counter() - start)

    def close(self) -> None:
        self.writer.close()
        assert journal.verify_shift(self.engine, self.writer.shift_id) is None
        self.engine.dispose()


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    batch = 2000
    with tempfile.TemporaryDirectory() as folder:
        bare, ours = Bare(Path(folder) / "bare.sqlite3"), Journal(Path(folder) / "j.sqlite3")
        # Alternate batches so both sides see the same machine load.
        bare_rates, journal_rates = [], []
        for _ in range(rounds):
            bare_rates.append(bare.run(batch))
            journal_rates.append(ours.run(batch))
        ours.close()
    bare_rate, journal_rate = statistics.median(bare_rates), statistics.median(journal_rates)
    print(f"{rounds} alternating rounds of {batch} durable appends each (median rate per side)")
    print(f"bare sqlite3 INSERT+COMMIT : {bare_rate:10,.0f} rows/s")
    print(f"journal append (durable)   : {journal_rate:10,.0f} entries/s")
    print(f"ratio bare/journal         : {bare_rate / journal_rate:10.2f}x  (target <= 1.5x)")


if __name__ == "__main__":
    main()
