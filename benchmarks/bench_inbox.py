"""Inbox and memos (C3.1, C3.2): what the agent waits for on the embedded SQLite database of a
seeded demo company whose inbox holds `--messages` extra messages.

* `list`: the "Reçus" folder read (every message, newest first);
* `search`: an accent-free search over the four folders (folded in Python);
* `open`: a message read (marked read);
* `reply`: a reply sent (new row + the message marked answered);
* `memo`: a memo sent to a service; `tray`: the service's tray read.

    .venv/bin/python benchmarks/bench_inbox.py [--messages 2000] [--rounds 40]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from crm.db import make_engine, make_session_factory
from crm.models.inbox import Message
from crm.passwords import hash_password
from crm.schema import upgrade
from crm.seeding import seed_demo_company
from crm.services import inbox
from seed_data import SEED_DIR
from workstation.clock import DEFAULT_START


def timed(label: str, rounds: int, run: Callable[[int], object]) -> None:
    """Run `run(i)` `rounds` times; print p50 / p95 / max in milliseconds."""
    samples = []
    for index in range(rounds):
        start = time.perf_counter()
        run(index)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    print(
        f"{label:<8} n={rounds:<4} p50={statistics.median(samples):7.1f} ms  "
        f"p95={p95:7.1f} ms  max={samples[-1]:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade(engine)
        seed_demo_company(engine, SEED_DIR, customers=200, seed=7, now=DEFAULT_START,
                          hash_password=hash_password)  # fmt: skip
        factory = make_session_factory(engine)
        with factory.begin() as session:
            session.add_all(
                Message(
                    sender=f"client{i}@example.fr",
                    recipient="service.client@orbelia.fr",
                    subject=f"Question n° {i} sur ma facture",
                    body="Bonjour, pourquoi ce prélèvement ?",
                    received_at=DEFAULT_START - timedelta(minutes=i),
                )
                for i in range(args.messages)
            )
        ids = [m.id for m in inbox.list_messages(factory, "inbox")]
        now = DEFAULT_START + timedelta(minutes=5)
        rounds = min(args.rounds, len(ids) // 2)
        print(f"{len(ids)} messages in the inbox")
        timed("list", rounds, lambda i: inbox.list_messages(factory, "inbox"))
        timed("search", rounds, lambda i: inbox.search_messages(factory, "prelevement facture"))
        timed("open", rounds, lambda i: inbox.open_message(factory, ids[i], now))
        timed("reply", rounds, lambda i: inbox.send_reply(factory, ids[-1 - i], "Bonjour.", now))
        memo = inbox.NewMemo("service:technique", "high", "anomaly", "Coupures", "Texte", now)
        timed("memo", rounds, lambda i: inbox.send_memo(factory, memo))
        timed("tray", rounds, lambda i: inbox.service_tray(factory, "technique"))
        engine.dispose()


if __name__ == "__main__":
    main()
