"""Column types and constraint helpers shared by every CRM model.

Datetimes are stored in UTC and always come back timezone-aware, on SQLite (which has no
timezone type) as on PostgreSQL, so services compare and display them the same way on both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from sqlalchemy import CheckConstraint, DateTime, Dialect, Numeric
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """`DateTime(timezone=True)` that refuses naive values and always returns aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetime: CRM datetimes must be timezone-aware")
        value = value.astimezone(UTC)
        # SQLite keeps text: store naive UTC so that ordering and comparisons stay textual.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Default for creation timestamps (services pass the injected clock's time instead)."""
    return datetime.now(UTC)


#: Money in euros, exact: never a float.
MONEY = Numeric(10, 2)
Money = Annotated[Decimal, mapped_column(MONEY)]


def one_of(column: str, values: tuple[str, ...], name: str | None = None) -> CheckConstraint:
    """A CHECK that `column` holds one of `values` (NULL passes: nullability is separate)."""
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name or column)


def non_negative(column: str) -> CheckConstraint:
    """A CHECK that an amount or count is >= 0."""
    return CheckConstraint(f"{column} >= 0", name=f"{column}_non_negative")


def positive(column: str) -> CheckConstraint:
    """A CHECK that an amount or count is > 0."""
    return CheckConstraint(f"{column} > 0", name=f"{column}_positive")
