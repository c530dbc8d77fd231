"""Creating the demo company: the CRM seed and the recorded demo shift, in one step.

Used by `acvd seed` and by the first run of `acvd`, so both give the same company.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from crm.seeding import SeedReport, is_seeded, seed_demo_company
from seed_data import SEED_DIR
from workstation.demo_shift import record_demo_shift

DEFAULT_CUSTOMERS = 2000


def create_demo_company(
    engine: Engine,
    now: datetime,
    customers: int = DEFAULT_CUSTOMERS,
    seed: int = 42,
    progress: Callable[[int, int], None] | None = None,
) -> SeedReport:
    """Seed Orbelia Télécom into an empty database, then record the demo shift."""
    report = seed_demo_company(
        engine, SEED_DIR, customers=customers, seed=seed, progress=progress, now=now
    )
    record_demo_shift(engine, SEED_DIR / "demo_shift.yaml")
    return report


def ensure_demo_company(
    engine: Engine, now: datetime, progress: Callable[[int, int], None] | None = None
) -> SeedReport | None:
    """First run: create the demo company unless the database already holds a company."""
    if is_seeded(engine):
        return None
    return create_demo_company(engine, now, progress=progress)
