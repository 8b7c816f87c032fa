"""Scheduled customer events, the notice rules of each department, and each notice.

An event's start is stored in UTC beside the IANA time zone it was given in, so a notice
"a day before" falls on the day before on the customer's clock, also across a DST change.
A notice is one row per (event, rule): the uniqueness constraint, not a check in code,
makes a second task or a second reminder impossible, even from two workers at once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base, UTCDateTime
from centricity.kit.i18n import pnoop, register_labels
from centricity.kit.time import utcnow


class EventKind(StrEnum):
    """What is scheduled with the customer."""

    DELIVERY = "delivery"
    VISIT = "visit"
    APPOINTMENT = "appointment"
    SERVICE = "service"


class EventStatus(StrEnum):
    """Where an event stands: moved is still ahead (at its new time); cancelled and done
    are final and withdraw the notices not yet given."""

    SCHEDULED = "scheduled"
    MOVED = "moved"
    CANCELLED = "cancelled"
    DONE = "done"


ACTIVE_STATUSES = (EventStatus.SCHEDULED.value, EventStatus.MOVED.value)


class NoticeAction(StrEnum):
    """What a rule does before an event: a task in the department's queue to phone the
    customer, or a reminder e-mail to the customer."""

    TASK = "task"
    EMAIL = "email"


class NoticeState(StrEnum):
    """Where one notice stands. Pending: the e-mail waits for its time, or the task is
    open. Done: the e-mail went to the outbox, or the task was solved. Withdrawn: the
    event was cancelled or done, the rule removed, or the customer replied and the rule
    says a reply is enough. Skipped: it could not be given (no address, too late)."""

    PENDING = "pending"
    DONE = "done"
    WITHDRAWN = "withdrawn"
    SKIPPED = "skipped"


EVENT_KIND_LABELS = register_labels(
    "event kind",
    {
        "delivery": pnoop("event kind", "delivery"),
        "visit": pnoop("event kind", "visit"),
        "appointment": pnoop("event kind", "appointment"),
        "service": pnoop("event kind", "service"),
    },
)
EVENT_STATUS_LABELS = register_labels(
    "event status",
    {
        "scheduled": pnoop("event status", "scheduled"),
        "moved": pnoop("event status", "moved"),
        "cancelled": pnoop("event status", "cancelled"),
        "done": pnoop("event status", "done"),
    },
)
NOTICE_ACTION_LABELS = register_labels(
    "notice action",
    {
        "task": pnoop("notice action", "task to phone the customer"),
        "email": pnoop("notice action", "reminder e-mail"),
    },
)
NOTICE_STATE_LABELS = register_labels(
    "notice state",
    {
        "pending": pnoop("notice state", "pending"),
        "done": pnoop("notice state", "done"),
        "withdrawn": pnoop("notice state", "withdrawn"),
        "skipped": pnoop("notice state", "skipped"),
    },
)
NOTICE_REASON_LABELS = register_labels(
    "notice reason",
    {
        "cancelled": pnoop("notice reason", "the event was cancelled"),
        "event_done": pnoop("notice reason", "the event was marked done"),
        "customer_replied": pnoop("notice reason", "the customer replied"),
        "rule_removed": pnoop("notice reason", "the rule was removed or switched off"),
        "no_email": pnoop("notice reason", "the customer has no e-mail address"),
        "too_late": pnoop("notice reason", "the event had begun"),
    },
)


class Event(Base):
    """A delivery, visit, appointment or service call agreed with a customer."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_department_id_starts_at", "department_id", "starts_at"),
        Index("ix_events_customer_id_starts_at", "customer_id", "starts_at"),
        Index("ix_events_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The IANA zone the start was given in: notices count days on this clock.
    time_zone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(300), default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.SCHEDULED.value)
    # When the time was last agreed (booked or moved): a customer's reply counts from here.
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def active(self) -> bool:
        """Still ahead: scheduled or moved (neither cancelled nor done)."""
        return self.status in ACTIVE_STATUSES


class NoticeRule(Base):
    """`minutes_before` an event of `event_kind` of the department starts: `action`."""

    __tablename__ = "notice_rules"
    __table_args__ = (
        Index("ix_notice_rules_department_id_event_kind", "department_id", "event_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_kind: Mapped[str] = mapped_column(String(20))
    minutes_before: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    # A message from the customer after the time was agreed withdraws this rule's notice.
    cancel_on_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventNotice(Base):
    """One notice of one event under one rule: its due time in UTC (computed on the
    event's clock), its task or its e-mail, and where it stands."""

    __tablename__ = "event_notices"
    __table_args__ = (
        UniqueConstraint("event_id", "rule_id"),
        Index("ix_event_notices_state_due_at", "state", "due_at"),
        Index("ix_event_notices_case_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # A removed rule leaves its notices (the metric counts the ones already given).
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("notice_rules.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default=NoticeState.PENDING.value)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why it was withdrawn or skipped (a code: cancelled, customer_replied, no_email...).
    reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
