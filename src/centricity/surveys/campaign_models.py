"""Survey campaigns: invitations that go out on their own, on an event (a case solved by
a person, a contact logged, an order delivered, N days after the first purchase) or to an
audience (a value segment, a value tier or a list of customers).

`survey_campaign_recipients` is the campaign's memory of whom it has dealt with: one row
per (campaign, customer), a uniqueness constraint and not a check in code, so an audience
send that runs twice, or a daily trigger that catches up missed days, never asks anyone
twice.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base, UTCDateTime
from centricity.kit.i18n import pnoop, register_labels
from centricity.kit.time import utcnow


class Trigger(StrEnum):
    """What makes a campaign invite a customer."""

    CASE_SOLVED = "case_solved"
    CONTACT_LOGGED = "contact_logged"
    ORDER_DELIVERED = "order_delivered"
    DAYS_AFTER_FIRST_PURCHASE = "days_after_first_purchase"
    AUDIENCE = "audience"


class SendBy(StrEnum):
    """How a campaign's invitations reach the customer."""

    EMAIL = "email"
    LINK = "link"


TRIGGER_LABELS = register_labels(
    "campaign trigger",
    {
        "case_solved": pnoop("campaign trigger", "case solved by a person"),
        "contact_logged": pnoop("campaign trigger", "contact logged"),
        "order_delivered": pnoop("campaign trigger", "order delivered"),
        "days_after_first_purchase": pnoop("campaign trigger", "days after the first purchase"),
        "audience": pnoop("campaign trigger", "audience"),
    },
)
SEND_LABELS = register_labels(
    "campaign send",
    {
        "email": pnoop("campaign send", "e-mail"),
        "link": pnoop("campaign send", "links only"),
    },
)


class SurveyCampaign(Base):
    """A rule that invites customers to one survey on its own."""

    __tablename__ = "survey_campaigns"
    __table_args__ = (Index("ix_survey_campaigns_trigger_active", "trigger", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(String(30))
    # Filters of the event triggers: only this department's cases, contacts or deliveries,
    # only contacts or cases of this channel.
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    channel: Mapped[str | None] = mapped_column(String(20))
    # days_after_first_purchase: invite this many days after the customer's first order.
    days: Mapped[int | None] = mapped_column(Integer)
    # Wait this many hours after the event before inviting (the parcel has been opened).
    delay_hours: Mapped[int] = mapped_column(Integer, default=0)
    # audience: the value engine's segment or tier of its latest run, or a list (recipients).
    segment: Mapped[str | None] = mapped_column(String(40))
    tier: Mapped[str | None] = mapped_column(String(40))
    send: Mapped[str] = mapped_column(String(10), default=SendBy.EMAIL.value)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyCampaignRecipient(Base):
    """One customer a campaign has taken on: waiting (`outcome` empty), invited, or
    skipped with the reason; at most one row per campaign and customer."""

    __tablename__ = "survey_campaign_recipients"
    __table_args__ = (
        UniqueConstraint("campaign_id", "customer_id"),
        Index("ix_survey_campaign_recipients_customer_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaigns.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    outcome: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
