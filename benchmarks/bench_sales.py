"""Sales desk (C1.6): what the agent waits for between "Récapitulatif" / "Confirmer" and the
answer on screen, on the embedded SQLite database of a seeded demo company.

* `catalogue`: the offer catalogue read from the CRM (once per panel, then kept);
* `quote`: a box + mobile + option sale checked and priced in a rolled-back transaction;
* `close`: a box sale written for real (order, installation visit, invoice, SEPA payment),
  each on a fresh customer without a box and in its own free slot;
* `slots`: the free installation slots of the next two weeks.

    .venv/bin/python benchmarks/bench_sales.py [--customers 2000] [--rounds 40]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from crm.db import make_engine, make_session_factory
from crm.models import Contract, Customer, Offer
from crm.passwords import hash_password
from crm.schema import upgrade
from crm.seeding import seed_demo_company
from crm.services.sales import (
    NewSale,
    close_sale,
    installation_slots_free,
    offer_catalogue,
    quote_sale,
)
from seed_data import SEED_DIR
from workstation.clock import DEFAULT_START
from workstation.sales_desk import company_rules_from

RULES = company_rules_from(SEED_DIR / "company.yaml")
IBAN = "FR76 3000 6000 0112 3456 7890 189"


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
        f"{label:<10} n={rounds:<4} p50={statistics.median(samples):7.1f} ms  "
        f"p95={p95:7.1f} ms  max={samples[-1]:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sales-"))
    engine = make_engine(f"sqlite:///{folder / 'crm.sqlite3'}")
    upgrade(engine)
    seed_demo_company(
        engine, SEED_DIR, customers=args.customers, seed=7, now=DEFAULT_START,
        hash_password=hash_password,
    )  # fmt: skip
    factory = make_session_factory(engine)
    with factory() as session:
        boxed = select(Contract.customer_id).join(Offer).where(Offer.kind == "box")
        free = list(
            session.scalars(
                select(Customer.id).where(Customer.id.not_in(boxed)).order_by(Customer.id)
            )
        )
    if len(free) < args.rounds + 1:
        raise SystemExit(f"only {len(free)} customers without a box: lower --rounds")
    slots = installation_slots_free(factory, RULES.installation, now=DEFAULT_START)

    def sale(index: int) -> NewSale:
        return NewSale(
            customer_id=free[index],
            offers=("BOX-PLUS", "MOB-50"),
            options=("OPT-CINE",),
            slot=slots[index % len(slots)],
            payment_method="direct_debit",
            iban=IBAN,
        )

    print(f"SQLite, {args.customers} customers, {len(free)} without a box, {len(slots)} slots")
    now = DEFAULT_START
    timed("catalogue", args.rounds, lambda _i: offer_catalogue(factory))
    timed(
        "slots",
        args.rounds,
        lambda _i: installation_slots_free(factory, RULES.installation, now=now),
    )
    timed("quote", args.rounds, lambda i: quote_sale(factory, sale(i), rules=RULES, now=now))
    # One technician: each free slot takes one installation.
    closes = min(args.rounds, len(slots))
    timed("close", closes, lambda i: close_sale(factory, sale(i), rules=RULES, now=now))
    engine.dispose()


if __name__ == "__main__":
    main()
