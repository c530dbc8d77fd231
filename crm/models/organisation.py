"""The organisation: services (the org chart used for transfers, C4.1), users and objectives
(C4.4)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import Base
from crm.models._types import UTCDateTime, one_of, utcnow

USER_ROLES = ("student", "trainer", "grader")
OBJECTIVE_KINDS = ("quantitative", "qualitative")
OBJECTIVE_PERIODS = ("shift", "day", "week", "month")
#: Whether a quantitative result must reach the target (calls handled) or stay under it
#: (average handle time).
OBJECTIVE_COMPARISONS = ("at_least", "at_most")


class Service(Base):
    """A team of the company (accueil, facturation…) with its extension and queue."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    extension: Mapped[str] = mapped_column(String(10), unique=True)
    #: Asterisk queue name; None for a service that takes no queued calls (supervision).
    queue: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(Text, default="")

    users: Mapped[list[User]] = relationship(back_populates="service")


class User(Base):
    """Someone who logs in to the workstation: a student, a trainer or a grader."""

    __tablename__ = "users"
    __table_args__ = (one_of("role", USER_ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    #: "scrypt$n$r$p$salt$hash" (see crm.passwords).
    password_hash: Mapped[str] = mapped_column(String(255))
    extension: Mapped[str | None] = mapped_column(String(10))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service | None] = relationship(back_populates="users")


class Objective(Base):
    """A target for one agent or one team over a period (C4.4).

    Quantitative objectives have a numeric `target` in `unit` (e.g. 40 calls, 180 s); qualitative
    ones describe the expected behaviour in `description` and have no target.
    """

    __tablename__ = "objectives"
    __table_args__ = (
        one_of("kind", OBJECTIVE_KINDS),
        one_of("period", OBJECTIVE_PERIODS),
        one_of("comparison", OBJECTIVE_COMPARISONS),
        CheckConstraint(
            "(user_id IS NULL AND service_id IS NOT NULL)"
            " OR (user_id IS NOT NULL AND service_id IS NULL)",
            name="agent_or_team",
        ),
        CheckConstraint(
            "kind = 'qualitative' OR (target IS NOT NULL AND comparison IS NOT NULL)",
            name="quantitative_has_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: A stable code the evaluation understands, e.g. "calls_handled", "average_handle_time".
    metric: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    comparison: Mapped[str | None] = mapped_column(String(8))
    unit: Mapped[str | None] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
