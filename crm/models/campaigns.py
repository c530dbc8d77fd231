"""Outbound campaigns with their call lists (prospection, survey, collection) and surveys
with questions and recorded answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import Base
from crm.models._types import MONEY, UTCDateTime, non_negative, one_of, utcnow

CAMPAIGN_KINDS = ("prospection", "survey", "collection")
CAMPAIGN_STATUSES = ("planned", "running", "closed")
CALL_LIST_STATUSES = ("pending", "in_progress", "callback", "done", "excluded")
#: The result of the last attempt on a call-list entry.
CALL_OUTCOMES = (
    "no_answer",
    "busy",
    "voicemail",
    "wrong_number",
    "refused",
    "callback",
    "sale",
    "no_sale",
    "survey_completed",
    "survey_partial",
    "promise_to_pay",
    "payment_plan",
    "paid",
    "dispute",
)
QUESTION_KINDS = ("single", "multiple", "scale", "text")
RESPONSE_STATUSES = ("complete", "partial", "refused")


class Survey(Base):
    """A questionnaire read to customers (satisfaction survey, C1.7)."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")
    conclusion: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyQuestion.position"
    )


class SurveyQuestion(Base):
    """A question: single or multiple choice among `choices`, a scale, or free text."""

    __tablename__ = "survey_questions"
    __table_args__ = (
        one_of("kind", QUESTION_KINDS),
        UniqueConstraint("survey_id", "position"),
        CheckConstraint(
            "kind <> 'scale' OR (scale_min IS NOT NULL AND scale_max > scale_min)",
            name="scale_has_bounds",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8))
    #: The choices (list of strings) of a single/multiple question, None otherwise.
    choices: Mapped[list[str] | None] = mapped_column(JSON)
    scale_min: Mapped[int | None]
    scale_max: Mapped[int | None]
    required: Mapped[bool] = mapped_column(default=True)

    survey: Mapped[Survey] = relationship(back_populates="questions")


class Campaign(Base):
    """An outbound campaign worked from a call list."""

    __tablename__ = "campaigns"
    __table_args__ = (
        one_of("kind", CAMPAIGN_KINDS),
        one_of("status", CAMPAIGN_STATUSES),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    #: What the agent reads or aims for: the pitch, the collection rules to apply.
    script: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="running")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id"))
    #: The offer a prospection campaign promotes.
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"))

    survey: Mapped[Survey | None] = relationship()
    entries: Mapped[list[CallListEntry]] = relationship(
        back_populates="campaign", order_by="CallListEntry.id"
    )


class CallListEntry(Base):
    """A customer to call in a campaign, with the state of the attempts so far."""

    __tablename__ = "call_list_entries"
    __table_args__ = (
        one_of("status", CALL_LIST_STATUSES),
        one_of("outcome", CALL_OUTCOMES),
        non_negative("attempts"),
        non_negative("amount_due"),
        UniqueConstraint("campaign_id", "customer_id"),
        Index("ix_call_list_entries_campaign_id_status", "campaign_id", "status", "priority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    #: The number to dial (E.164), chosen when the list was built.
    phone_e164: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    outcome: Mapped[str | None] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(default=0)
    #: Lower is called first.
    priority: Mapped[int] = mapped_column(default=100)
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Collection campaigns: the overdue balance when the list was built.
    amount_due: Mapped[Decimal | None] = mapped_column(MONEY)
    #: Collection campaigns: days past the oldest due date when the list was built.
    days_late: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")

    campaign: Mapped[Campaign] = relationship(back_populates="entries")


class SurveyResponse(Base):
    """One customer's answers to a survey, given during one call."""

    __tablename__ = "survey_responses"
    __table_args__ = (one_of("status", RESPONSE_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    call_list_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("call_list_entries.id", ondelete="SET NULL")
    )
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    call_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="complete")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="SurveyAnswer.id"
    )


class SurveyAnswer(Base):
    """The answer to one question, stored exactly as given: a string (single choice, text),
    a list of strings (multiple choice) or an integer (scale)."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id"))
    value: Mapped[Any] = mapped_column(JSON)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
