"""Interactions: one row per contact with a customer, from any channel, by any employee."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base, UTCDateTime
from centricity.kit.i18n import pnoop
from centricity.kit.time import utcnow


class Channel(StrEnum):
    """How the contact happened."""

    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    VISIT = "visit"
    SOCIAL = "social"
    LETTER = "letter"
    OTHER = "other"


class Direction(StrEnum):
    """Who started the contact."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


# Each channel and direction as staff read it (pages show `i.channel|channel` and
# `i.direction|direction`).
CHANNEL_LABELS = {
    Channel.PHONE: pnoop("channel", "phone"),
    Channel.EMAIL: pnoop("channel", "email"),
    Channel.CHAT: pnoop("channel", "chat"),
    Channel.VISIT: pnoop("channel", "visit"),
    Channel.SOCIAL: pnoop("channel", "social"),
    Channel.LETTER: pnoop("channel", "letter"),
    Channel.OTHER: pnoop("channel", "other"),
}
DIRECTION_LABELS = {
    Direction.INBOUND: pnoop("direction", "inbound"),
    Direction.OUTBOUND: pnoop("direction", "outbound"),
}


class Interaction(Base):
    """A logged contact; confidential ones are visible only to their department and admins."""

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_customer_id_started_at", "customer_id", "started_at"),
        # Covers the value analysis's contacts-per-channel aggregate (no sort, no row reads).
        Index(
            "ix_interactions_value_contacts",
            "customer_id",
            "channel",
            "started_at",
            "duration_seconds",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    contact_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_people.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    waiting_seconds: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
