"""Seeding benchmark: how fast `acvd seed` fills an SQLite database, and what it weighs.

    .venv/bin/python benchmarks/bench_seed.py              # 100,000 customers
    .venv/bin/python benchmarks/bench_seed.py 1000000      # the issue's million
    .venv/bin/python benchmarks/bench_seed.py 1000000 --keep /tmp/acvd-1m.sqlite3

Prints customers/s, the file size, rows per table and peak memory. Figures, not assertions.
The phone lookup on the seeded file is measured by benchmarks/bench_lookup.py (give it the
file kept with --keep).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from crm.db import make_engine
from crm.schema import upgrade
from crm.seeding import seed_demo_company
from seed_data import SEED_DIR

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("customers", nargs="?", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--chunk-size", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="seed this file and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="acvd-bench-") as folder:
        path = args.keep or Path(folder) / "bench.sqlite3"
        if path.exists():
            sys.exit(f"{path} exists: choose a new file")
        url = f"sqlite:///{path}"
        upgrade(url)
        engine = make_engine(url)
        started = time.perf_counter()
        last = [started]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last[0] >= 10 or done == total:
                last[0] = now
                rate = done / (now - started)
                print(f"  {done:>9,} / {total:,} customers   {rate:8,.0f} customers/s", flush=True)

        report = seed_demo_company(
            engine,
            SEED_DIR,
            customers=args.customers,
            seed=args.seed,
            progress=progress,
            now=NOW,
            chunk_size=args.chunk_size,
            hash_password=lambda password: "scrypt$-$-$-$-$-",  # not what is measured
        )
        elapsed = time.perf_counter() - started
        engine.dispose()
        rows = sum(report.rows.values())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"seeded {args.customers:,} customers in {elapsed:,.1f} s")
        print(f"rate          : {args.customers / elapsed:,.0f} customers/s "
              f"({rows / elapsed:,.0f} rows/s, {rows:,} rows)")  # fmt: skip
        print(f"database size : {_size(path) / 2**20:,.0f} MiB ({path.name}, SQLite WAL)")
        print(f"peak memory   : {peak:,.0f} MiB")
        for table, count in sorted(report.rows.items(), key=lambda item: -item[1]):
            print(f"  {table:<18} {count:>12,}")


if __name__ == "__main__":
    main()
