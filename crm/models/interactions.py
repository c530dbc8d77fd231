"""What happens with a customer: the interaction history, requests (tickets) and technician
appointments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import Base
from crm.models._types import UTCDateTime, one_of, utcnow
from crm.models.organisation import Service

CHANNELS = ("call", "email", "letter", "note", "chat", "sms")
DIRECTIONS = ("inbound", "outbound", "internal")
#: The nature of the customer's request (C1.2: "identifier la nature de la demande").
NATURES = (
    "information",
    "modification",
    "order",
    "complaint",
    "technical",
    "billing",
    "payment",
    "termination",
    "survey",
    "prospection",
)
#: How the contact ended (the disposition chosen at wrap-up).
OUTCOMES = (
    "resolved",
    "pending",
    "transferred",
    "callback",
    "request_opened",
    "sale",
    "no_sale",
    "promise_to_pay",
    "payment_plan",
    "survey_completed",
    "refused",
    "no_answer",
    "busy",
    "wrong_number",
    "voicemail",
    "information_given",
)
REQUEST_CATEGORIES = (
    "information",
    "technical",
    "billing",
    "sales",
    "complaint",
    "termination",
    "collection",
    "administrative",
)
REQUEST_STATUSES = ("open", "in_progress", "waiting_customer", "closed")
APPOINTMENT_KINDS = ("installation", "repair", "equipment_swap", "removal")
APPOINTMENT_STATUSES = ("planned", "done", "cancelled", "missed")


class Interaction(Base):
    """One entry of a customer's history: a call, an e-mail, a letter, a note…"""

    __tablename__ = "interactions"
    __table_args__ = (
        one_of("channel", CHANNELS),
        one_of("direction", DIRECTIONS),
        one_of("nature", NATURES),
        one_of("outcome", OUTCOMES),
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        Index("ix_interactions_customer_id_started_at", "customer_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None for a contact that could not be identified.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    direction: Mapped[str] = mapped_column(String(8))
    #: Free motive in plain French ("Contestation de facture", "Panne internet"…).
    motive: Mapped[str] = mapped_column(String(120))
    nature: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(24))
    summary: Mapped[str] = mapped_column(Text, default="")
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: The agent's name as shown in the history (kept when the account is gone or historical).
    agent_name: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The PBX's Linkedid, tying the interaction to the call in the journal.
    call_id: Mapped[str | None] = mapped_column(String(64), index=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )


class Request(Base):
    """A customer request (ticket) that needs follow-up, assigned to a service."""

    __tablename__ = "requests"
    __table_args__ = (
        one_of("category", REQUEST_CATEGORIES),
        one_of("status", REQUEST_STATUSES),
        CheckConstraint("closed_at IS NULL OR closed_at >= opened_at", name="closes_after_open"),
        Index("ix_requests_customer_id_status", "customer_id", "status"),
        Index("ix_requests_service_id_status", "service_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "DM-2026-0000123"
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    motive: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20), default="open")
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str | None] = mapped_column(Text)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service: Mapped[Service | None] = relationship()


class Appointment(Base):
    """A technician visit at the customer's address, in one of the company's slots."""

    __tablename__ = "appointments"
    __table_args__ = (
        one_of("kind", APPOINTMENT_KINDS),
        one_of("status", APPOINTMENT_STATUSES),
        CheckConstraint("slot_end > slot_start", name="slot_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id", ondelete="SET NULL"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    slot_end: Mapped[datetime] = mapped_column(UTCDateTime)
    technician: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
