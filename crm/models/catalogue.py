"""The catalogue: boxes, mobile plans, options, equipment and fees, as in company.yaml."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.db import Base
from crm.models._types import MONEY, non_negative, one_of

OFFER_KINDS = ("box", "mobile", "option", "equipment", "fee")
#: What an option can be added to.
OPTION_TARGETS = ("box", "mobile", "any")


class Offer(Base):
    """Something the company sells, billed monthly, once, or (rarely) both."""

    __tablename__ = "offers"
    __table_args__ = (
        one_of("kind", OFFER_KINDS),
        one_of("applies_to", OPTION_TARGETS),
        non_negative("monthly_price"),
        non_negative("one_off_price"),
        non_negative("engagement_months"),
        CheckConstraint(
            "monthly_price IS NOT NULL OR one_off_price IS NOT NULL", name="has_a_price"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    #: "fibre" or "adsl" for boxes.
    technology: Mapped[str | None] = mapped_column(String(16))
    #: What the offer includes, for the agent reading it to a customer.
    description: Mapped[str] = mapped_column(Text, default="")
    monthly_price: Mapped[Decimal | None] = mapped_column(MONEY)
    one_off_price: Mapped[Decimal | None] = mapped_column(MONEY)
    engagement_months: Mapped[int] = mapped_column(default=0)
    #: For options only: the kind of contract they can be added to.
    applies_to: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
