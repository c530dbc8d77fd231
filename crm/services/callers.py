"""Who calls in the embedded practice shifts: real customers of the demo company."""

from __future__ import annotations

import random
from dataclasses import dataclass

import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from crm.models import Customer, PhoneNumber


@dataclass(frozen=True)
class Caller:
    """A number a simulated customer calls from, as a PSTN trunk presents it."""

    national: str  # "0612345678": what the caller ID shows
    name: str  # "Sophie Durand", or the company


def national_digits(e164: str) -> str:
    """+33612345678 -> 0612345678, +262692123456 -> 0692123456 (the French trunk format)."""
    parsed = phonenumbers.parse(e164)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL).replace(
        " ", ""
    )


def sample_callers(
    session_factory: sessionmaker, count: int, seed: int | None = None
) -> tuple[Caller, ...]:
    """Up to `count` customers' numbers picked at random (repeatable with a seed)."""
    with session_factory() as session:
        low, high = session.execute(
            select(func.min(PhoneNumber.id), func.max(PhoneNumber.id))
        ).one()
        if low is None:
            return ()
        rng = random.Random(seed)
        # Random ids, then the next existing row: an indexed seek, fast on a million rows.
        query = (
            select(PhoneNumber.e164, Customer.first_name, Customer.last_name, Customer.company_name)
            .join(Customer, Customer.id == PhoneNumber.customer_id)
            .order_by(PhoneNumber.id)
            .limit(1)
        )
        callers: dict[str, Caller] = {}
        for _attempt in range(count * 3):
            if len(callers) >= count:
                break
            row = session.execute(query.where(PhoneNumber.id >= rng.randint(low, high))).one()
            name = row.company_name or f"{row.first_name} {row.last_name}"
            callers.setdefault(row.e164, Caller(national_digits(row.e164), name))
    return tuple(callers.values())


def caller_for(session_factory: sessionmaker, customer_number: str) -> Caller | None:
    """The number and name a customer calls from (their first number), or None if unknown."""
    with session_factory() as session:
        row = session.execute(
            select(PhoneNumber.e164, Customer.first_name, Customer.last_name, Customer.company_name)
            .join(Customer, Customer.id == PhoneNumber.customer_id)
            .where(Customer.number == customer_number)
            .order_by(PhoneNumber.id)
            .limit(1)
        ).one_or_none()
    if row is None:
        return None
    name = row.company_name or f"{row.first_name} {row.last_name}"
    return Caller(national_digits(row.e164), name)
