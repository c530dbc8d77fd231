"""Contracts (subscriptions) with their options, and orders with their lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import Base
from crm.models._types import MONEY, UTCDateTime, non_negative, one_of, positive, utcnow
from crm.models.catalogue import Offer

if TYPE_CHECKING:
    from crm.models.customers import Customer

CONTRACT_STATUSES = ("active", "suspended", "terminated")
ORDER_STATUSES = ("draft", "confirmed", "shipped", "delivered", "cancelled")
ORDER_CHANNELS = ("telephone", "web", "shop")
BILLING_MODES = ("monthly", "one_off")


class Contract(Base):
    """A subscription of a customer to a box or mobile offer."""

    __tablename__ = "contracts"
    __table_args__ = (
        one_of("status", CONTRACT_STATUSES),
        non_negative("monthly_price"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        Index("ix_contracts_customer_id_status", "customer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    engagement_end: Mapped[date | None] = mapped_column(Date)
    #: The mobile line's number (E.164) or the box's line reference.
    line_identifier: Mapped[str | None] = mapped_column(String(32), index=True)
    #: The offer's monthly price when subscribed (prices change; the contract keeps its own).
    monthly_price: Mapped[Decimal] = mapped_column(MONEY)

    customer: Mapped[Customer] = relationship(back_populates="contracts")
    offer: Mapped[Offer] = relationship()
    options: Mapped[list[ContractOption]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractOption.id"
    )


class ContractOption(Base):
    """An option (kind "option" offer) added to a contract."""

    __tablename__ = "contract_options"
    __table_args__ = (non_negative("monthly_price"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    added_on: Mapped[date] = mapped_column(Date)
    removed_on: Mapped[date | None] = mapped_column(Date)
    monthly_price: Mapped[Decimal] = mapped_column(MONEY)

    contract: Mapped[Contract] = relationship(back_populates="options")
    offer: Mapped[Offer] = relationship()


class Order(Base):
    """A customer's order (new subscription, option, equipment), taken by an agent or online."""

    __tablename__ = "orders"
    __table_args__ = (
        one_of("status", ORDER_STATUSES),
        one_of("channel", ORDER_CHANNELS),
        non_negative("total_monthly"),
        non_negative("total_one_off"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "CM-2026-0000001"
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    channel: Mapped[str] = mapped_column(String(16), default="telephone")
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    total_monthly: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    total_one_off: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    note: Mapped[str] = mapped_column(Text, default="")

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )


class OrderLine(Base):
    """One item of an order, with the price and label as they were when ordered."""

    __tablename__ = "order_lines"
    __table_args__ = (
        one_of("billing", BILLING_MODES),
        positive("quantity"),
        non_negative("unit_price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    label: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(default=1)
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    billing: Mapped[str] = mapped_column(String(8))

    order: Mapped[Order] = relationship(back_populates="lines")
    offer: Mapped[Offer] = relationship()
