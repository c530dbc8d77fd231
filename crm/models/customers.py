"""Customers and their phone numbers (the caller-ID screen pop looks them up by number)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import Base
from crm.models._types import UTCDateTime, one_of, utcnow
from crm.validation import fold

if TYPE_CHECKING:
    from crm.models.billing import Invoice
    from crm.models.sales import Contract

CUSTOMER_KINDS = ("particulier", "professionnel")
CIVILITIES = ("M.", "Mme")
CONTACT_PREFERENCES = ("telephone", "email", "sms", "courrier")
SEGMENTS = ("standard", "premium", "loyal", "at_risk")
PAYMENT_METHODS = ("direct_debit", "card", "cheque", "transfer")
PHONE_LABELS = ("mobile", "fixe", "pro")


def _folded_last_name(context: DefaultExecutionContext) -> str:
    # Also applies to Core bulk inserts (seeding) that do not give search_name.
    return fold(context.get_current_parameters()["last_name"])


class Customer(Base):
    """A private (particulier) or business (professionnel) customer."""

    __tablename__ = "customers"
    __table_args__ = (
        one_of("kind", CUSTOMER_KINDS),
        one_of("civility", CIVILITIES),
        one_of("contact_preference", CONTACT_PREFERENCES),
        one_of("segment", SEGMENTS),
        one_of("payment_method", PAYMENT_METHODS),
        CheckConstraint(
            "kind = 'particulier' OR company_name IS NOT NULL", name="professional_has_company"
        ),
        Index("ix_customers_last_name_postcode", "last_name", "postcode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "CL0000001": what the customer reads on their invoices.
    number: Mapped[str] = mapped_column(String(9), unique=True, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    civility: Mapped[str] = mapped_column(String(4))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    #: `last_name` in lower case without accents, for the accent-insensitive name search.
    search_name: Mapped[str] = mapped_column(String(100), index=True, default=_folded_last_name)
    company_name: Mapped[str | None] = mapped_column(String(200), index=True)
    siret: Mapped[str | None] = mapped_column(String(14))
    birth_date: Mapped[date | None] = mapped_column(Date)
    address_line1: Mapped[str] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(5), index=True)
    city: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    marketing_consent: Mapped[bool] = mapped_column(default=False)
    contact_preference: Mapped[str] = mapped_column(String(16), default="telephone")
    segment: Mapped[str] = mapped_column(String(16), default="standard")
    payment_method: Mapped[str] = mapped_column(String(16), default="direct_debit")
    iban: Mapped[str | None] = mapped_column(String(34))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    phones: Mapped[list[PhoneNumber]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="PhoneNumber.id"
    )
    contracts: Mapped[list[Contract]] = relationship(
        back_populates="customer", order_by="Contract.id"
    )
    invoices: Mapped[list[Invoice]] = relationship(
        back_populates="customer", order_by="Invoice.issued_on"
    )


class PhoneNumber(Base):
    """One of a customer's numbers, in E.164 ("+33612345678"), unique across customers."""

    __tablename__ = "phone_numbers"
    __table_args__ = (one_of("label", PHONE_LABELS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(8))
    e164: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    is_primary: Mapped[bool] = mapped_column(default=False)

    customer: Mapped[Customer] = relationship(back_populates="phones")
