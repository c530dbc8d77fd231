"""Invoices, payments, and payment plans (échéanciers) with their instalments (C1.8)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import Base
from crm.models._types import MONEY, UTCDateTime, non_negative, one_of, positive, utcnow
from crm.models.customers import PAYMENT_METHODS

if TYPE_CHECKING:
    from crm.models.customers import Customer

#: "overdue" is not a status: it is an unpaid or partially paid invoice past its due date.
INVOICE_STATUSES = ("unpaid", "partially_paid", "paid", "cancelled")
PAYMENT_STATUSES = ("accepted", "rejected")
PLAN_STATUSES = ("active", "completed", "defaulted", "cancelled")
INSTALMENT_STATUSES = ("pending", "paid", "missed")


class Invoice(Base):
    """A monthly (or one-off) invoice of a customer."""

    __tablename__ = "invoices"
    __table_args__ = (
        one_of("status", INVOICE_STATUSES),
        non_negative("amount"),
        non_negative("paid_amount"),
        CheckConstraint("due_on >= issued_on", name="due_after_issue"),
        Index("ix_invoices_status_due_on", "status", "due_on"),
        Index("ix_invoices_customer_id_issued_on", "customer_id", "issued_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "FA-2026-0012345"
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    #: The month billed (subscriptions), None for a one-off invoice.
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    status: Mapped[str] = mapped_column(String(16), default="unpaid")
    #: Set when the unpaid balance is covered by a payment plan.
    payment_plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_plans.id", ondelete="SET NULL"), index=True
    )

    customer: Mapped[Customer] = relationship(back_populates="invoices")
    payments: Mapped[list[Payment]] = relationship(
        back_populates="invoice", order_by="Payment.paid_on"
    )
    payment_plan: Mapped[PaymentPlan | None] = relationship(back_populates="invoices")


class Payment(Base):
    """Money received (or a direct debit rejected) for an invoice or an instalment."""

    __tablename__ = "payments"
    __table_args__ = (
        one_of("method", PAYMENT_METHODS),
        one_of("status", PAYMENT_STATUSES),
        positive("amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    instalment_id: Mapped[int | None] = mapped_column(
        ForeignKey("instalments.id", ondelete="SET NULL"), index=True
    )
    method: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="accepted")

    invoice: Mapped[Invoice | None] = relationship(back_populates="payments")


class PaymentPlan(Base):
    """An agreed schedule to pay overdue invoices in instalments (C1.8)."""

    __tablename__ = "payment_plans"
    __table_args__ = (one_of("status", PLAN_STATUSES), positive("total_amount"))

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    total_amount: Mapped[Decimal] = mapped_column(MONEY)
    status: Mapped[str] = mapped_column(String(16), default="active")
    method: Mapped[str] = mapped_column(String(16), default="direct_debit")
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Instalment.number"
    )
    invoices: Mapped[list[Invoice]] = relationship(back_populates="payment_plan")


class Instalment(Base):
    """One due date of a payment plan."""

    __tablename__ = "instalments"
    __table_args__ = (
        one_of("status", INSTALMENT_STATUSES),
        positive("amount"),
        positive("number"),
        UniqueConstraint("plan_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("payment_plans.id", ondelete="CASCADE"))
    number: Mapped[int]
    due_on: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    paid_on: Mapped[date | None] = mapped_column(Date)

    plan: Mapped[PaymentPlan] = relationship(back_populates="instalments")
