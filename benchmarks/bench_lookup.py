"""Phone-number lookup (the caller-ID screen pop, C1.1) on a large SQLite database.

Prints p50/p95 of `crm.services.customers.find_by_phone` beside a bare indexed `sqlite3`
SELECT on the same E.164 column, measured in the same run on the same numbers (target: the
service within 3x of the bare SELECT). For reference it also times the same lookup through
an ORM session, which the service deliberately avoids.

    .venv/bin/python benchmarks/bench_lookup.py /tmp/acvd-1m.sqlite3 [--customers 1000000]

The database is migrated and seeded with `crm.seeding` first when it holds no company
(a million customers take a while; the file is kept for later runs).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

import seed_data
from crm import seeding
from crm.db import make_engine, make_session_factory
from crm.models import Customer, PhoneNumber
from crm.schema import upgrade
from crm.services import customers
from crm.validation import phone_display

BARE_SQL = (
    "SELECT c.id, c.number, c.kind, c.civility, c.first_name, c.last_name, c.company_name,"
    " c.postcode, c.city FROM customers c JOIN phone_numbers p ON p.customer_id = c.id"
    " WHERE p.e164 = ?"
)


def percentiles(samples_ns: list[int]) -> tuple[float, float]:
    """p50 and p95 in microseconds."""
    ordered = sorted(samples_ns)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return p50 / 1000, p95 / 1000


def timed(function: Callable[[str], object], numbers: list[str]) -> list[int]:
    samples = []
    clock = time.perf_counter_ns
    for number in numbers:
        start = clock()
        function(number)
        samples.append(clock() - start)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="SQLite file (created and seeded if empty)")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    url = f"sqlite:///{args.database}"
    engine = make_engine(url)
    upgrade(engine)
    if not seeding.is_seeded(engine):
        print(f"Seeding {args.customers:,} customers into {args.database} …", flush=True)
        started = time.perf_counter()
        seeding.seed_demo_company(
            engine,
            Path(seed_data.__file__).resolve().parent,
            customers=args.customers,
            seed=args.seed,
        )
        elapsed = time.perf_counter() - started
        print(f"seeded in {elapsed:.0f} s ({args.customers / elapsed:,.0f} customers/s)")
    factory = make_session_factory(engine)

    bare = sqlite3.connect(args.database)
    count = bare.execute("SELECT count(*) FROM phone_numbers").fetchone()[0]
    customers_count = bare.execute("SELECT count(*) FROM customers").fetchone()[0]
    highest = bare.execute("SELECT max(id) FROM phone_numbers").fetchone()[0]
    rng = random.Random(args.seed)
    ids = [rng.randint(1, highest) for _ in range(args.lookups)]
    e164s = [
        row[0]
        for row in bare.execute(
            "SELECT e164 FROM phone_numbers WHERE id IN ({})".format(",".join("?" * len(ids))),
            ids,
        )
        if row
    ]
    rng.shuffle(e164s)
    # 1 in 10 lookups is a number nobody has (an unknown caller), as on a real line.
    unknown = [f"+3361{rng.randint(0, 9_999_999):07d}" for _ in range(len(e164s) // 10)]
    e164s = e164s + unknown
    rng.shuffle(e164s)
    # The service gets the number as the agent or the PBX would give it (06 12 34 56 78).
    typed = {e164: phone_display(e164) for e164 in e164s}

    def bare_lookup(e164: str) -> object:
        return bare.execute(BARE_SQL, (e164,)).fetchone()

    def service_lookup(e164: str) -> object:
        return customers.find_by_phone(factory, typed[e164])

    def orm_lookup(e164: str) -> object:
        with factory.begin() as session:
            return session.scalar(
                select(Customer)
                .join(PhoneNumber, PhoneNumber.customer_id == Customer.id)
                .where(PhoneNumber.e164 == e164)
            )

    # Same answers, then warm caches, then alternate rounds so neither side gets the warmer
    # page cache.
    for e164 in e164s[:200]:
        found = customers.find_by_phone(factory, typed[e164])
        row = bare_lookup(e164)
        assert (found is None) == (row is None) and (found is None or found.id == row[0])
    results: dict[str, list[int]] = {"bare": [], "service": [], "orm": []}
    clock = time.perf_counter_ns
    for round_number in range(args.rounds):
        # Each number is looked up both ways back to back, in alternating order, so both
        # sides see the same page cache and the same load on the machine.
        pair = (("bare", bare_lookup), ("service", service_lookup))
        for index, e164 in enumerate(e164s):
            for name, lookup in pair if (index + round_number) % 2 else pair[::-1]:
                start = clock()
                lookup(e164)
                results[name].append(clock() - start)
        results["orm"] += timed(orm_lookup, e164s[: len(e164s) // 5])

    print(
        f"database: {customers_count:,} customers, {count:,} phone numbers; "
        f"{len(e164s):,} lookups × {args.rounds} rounds ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
    )
    bare_p50, bare_p95 = percentiles(results["bare"])
    service_p50, service_p95 = percentiles(results["service"])
    orm_p50, orm_p95 = percentiles(results["orm"])
    print(f"bare sqlite3 SELECT        p50 {bare_p50:7.1f} µs   p95 {bare_p95:7.1f} µs")
    print(
        f"find_by_phone (service)    p50 {service_p50:7.1f} µs   p95 {service_p95:7.1f} µs"
        f"   ratio p50 {service_p50 / bare_p50:.2f}x  p95 {service_p95 / bare_p95:.2f}x"
        "  (target ≤ 3x)"
    )
    print(
        f"ORM session (reference)    p50 {orm_p50:7.1f} µs   p95 {orm_p95:7.1f} µs"
        f"   ratio p50 {orm_p50 / bare_p50:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
