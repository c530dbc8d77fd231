"""Written communication: the e-mail/chat inbox (C3.2) and internal memos (C4.1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.db import Base
from crm.models._types import UTCDateTime, one_of, utcnow

MESSAGE_CHANNELS = ("email", "chat")
LANGUAGES = ("fr", "en")
MESSAGE_STATUSES = ("unread", "read", "answered", "archived")
FOLDERS = ("inbox", "sent", "drafts", "archive")
MEMO_PRIORITIES = ("low", "normal", "high", "urgent")
MEMO_STATUSES = ("unread", "read", "done")
#: C3.1 a memo, C4.3 an anomaly or a customer's reaction passed on to a service.
MEMO_KINDS = ("memo", "anomaly", "reaction")


class Message(Base):
    """An e-mail or chat message received from (or sent to) a customer."""

    __tablename__ = "messages"
    __table_args__ = (
        one_of("channel", MESSAGE_CHANNELS),
        one_of("language", LANGUAGES),
        one_of("status", MESSAGE_STATUSES),
        one_of("folder", FOLDERS),
        Index("ix_messages_folder_status_received_at", "folder", "status", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), default="email")
    language: Mapped[str] = mapped_column(String(2), default="fr")
    sender: Mapped[str] = mapped_column(String(254))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="unread")
    folder: Mapped[str] = mapped_column(String(16), default="inbox")
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    in_reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL")
    )
    #: The user who answered (or wrote) it.
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When the agent first opened it, and when the answer left (C3.2: delay to answer).
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The agent's note kept with the message.
    annotation: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Attached files (letters, tariff sheets), one path a line.
    attachments: Mapped[str] = mapped_column(Text, default="", server_default="")


class Memo(Base):
    """An internal note to a service or a colleague (C4.1: transmettre une information)."""

    __tablename__ = "memos"
    __table_args__ = (
        one_of("priority", MEMO_PRIORITIES),
        one_of("status", MEMO_STATUSES),
        CheckConstraint(
            "to_service_id IS NOT NULL OR to_user_id IS NOT NULL", name="has_a_recipient"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    kind: Mapped[str] = mapped_column(String(16), default="memo", server_default="memo")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default="unread")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
