"""Cases, their conversation and history, service-level policies and each case's targets."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base, JSONType, UTCDateTime
from centricity.kit.i18n import pnoop, register_labels
from centricity.kit.time import utcnow


class CaseKind(StrEnum):
    """A request to handle, or a task (a call-back, a follow-up) in the same queues."""

    CASE = "case"
    TASK = "task"


class Priority(StrEnum):
    """How urgent a case is; policies may give each priority its own targets."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Status(StrEnum):
    """Where a case stands. Solved cases reopen when the customer writes; closed ones do not."""

    NEW = "new"
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    WAITING_ON_THIRD_PARTY = "waiting_on_third_party"
    SOLVED = "solved"
    CLOSED = "closed"


# Statuses and priorities as staff read them (pages show `case.status|case_status`).
STATUS_LABELS = register_labels(
    "case status",
    {
        "new": pnoop("case status", "new"),
        "open": pnoop("case status", "open"),
        "waiting_on_customer": pnoop("case status", "waiting on the customer"),
        "waiting_on_third_party": pnoop("case status", "waiting on a third party"),
        "solved": pnoop("case status", "solved"),
        "closed": pnoop("case status", "closed"),
    },
)
PRIORITY_LABELS = (
    pnoop("priority", "low"),
    pnoop("priority", "normal"),
    pnoop("priority", "high"),
    pnoop("priority", "urgent"),
)


class TargetKind(StrEnum):
    """The clocks of a case: each counts working time in its policy's calendar."""

    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    RESOLUTION = "resolution"
    WAITING = "waiting"


class TargetState(StrEnum):
    """A clock counting, stopped by a pause, met in time, or missed (missed stays missed)."""

    RUNNING = "running"
    PAUSED = "paused"
    ACHIEVED = "achieved"
    BREACHED = "breached"


# Clocks, their states and case kinds as staff read them (`target.kind|target`).
TARGET_LABELS = register_labels(
    "target",
    {
        "first_response": pnoop("target", "first response"),
        "next_response": pnoop("target", "next response"),
        "resolution": pnoop("target", "resolution"),
        "waiting": pnoop("target", "waiting time"),
    },
)
TARGET_STATE_LABELS = register_labels(
    "target state",
    {
        "running": pnoop("target state", "running"),
        "paused": pnoop("target state", "paused"),
        "achieved": pnoop("target state", "achieved"),
        "breached": pnoop("target state", "breached"),
    },
)
CASE_KIND_LABELS = register_labels(
    "case kind",
    {"case": pnoop("case kind", "case"), "task": pnoop("case kind", "task")},
)


class SlaPolicy(Base):
    """Targets for the cases that match its conditions; the first match by position wins."""

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, index=True)
    # Keys tier, priority, channel, department_id, internal, tag; a missing key means any.
    conditions: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="RESTRICT"))
    first_response_minutes: Mapped[int | None] = mapped_column(Integer)
    next_response_minutes: Mapped[int | None] = mapped_column(Integer)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    waiting_minutes: Mapped[int | None] = mapped_column(Integer)
    pause_statuses: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Escalation when a target of the policy is breached.
    escalate_to_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    escalate_to_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    escalate_raise_priority: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def minutes_for(self, kind: str) -> int | None:
        """The policy's target for one clock, or None when it sets none."""
        minutes: int | None = getattr(self, f"{kind}_minutes", None)
        return minutes


class Case(Base):
    """A customer's (or a requesting department's) request, owned by one department."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_department_id_status", "department_id", "status"),
        Index("ix_cases_assignee_id_status", "assignee_id", "status"),
        Index("ix_cases_requesting_department_id", "requesting_department_id"),
        Index("ix_cases_customer_id_opened_at", "customer_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default=CaseKind.CASE.value)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    requesting_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT")
    )
    subject: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10), default=Priority.NORMAL.value)
    status: Mapped[str] = mapped_column(String(30), default=Status.NEW.value)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    tier: Mapped[str | None] = mapped_column(String(40))  # the customer's tier when evaluated
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_policies.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    # A customer message staff have not answered yet starts the next-response clock.
    awaiting_reply_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def internal(self) -> bool:
        """An internal request: a department, not a customer, is asking."""
        return self.requesting_department_id is not None


class CaseMessage(Base):
    """One entry of a case's conversation: a public reply, an internal note, or a message
    from the customer (or the requesting department)."""

    __tablename__ = "case_messages"
    __table_args__ = (Index("ix_case_messages_case_id_created_at", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseEvent(Base):
    """One change of a case (who, what, when, and why when the system decided it)."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_id_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(300))
    new_value: Mapped[str | None] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(String(300))


class CaseTarget(Base):
    """One clock of one case: its target, the working time counted so far and its due time.

    The due time is computed when the clock starts or resumes and stored in UTC, so the
    breach check is an index range scan over running targets (state, due_at).
    """

    __tablename__ = "case_targets"
    __table_args__ = (
        Index("ix_case_targets_state_due_at", "state", "due_at"),
        Index("ix_case_targets_state_warned_at_warn_at", "state", "warned_at", "warn_at"),
        Index("ix_case_targets_case_id_kind", "case_id", "kind"),
        UniqueConstraint("case_id", "kind", "cycle"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    cycle: Mapped[int] = mapped_column(Integer, default=1)  # next response: one per message
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_policies.id", ondelete="SET NULL")
    )
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="RESTRICT"))
    minutes: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Working seconds counted before the current running stretch (pauses excluded).
    counted_seconds: Mapped[int] = mapped_column(Integer, default=0)
    running_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    achieved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    achieved_minutes: Mapped[float | None] = mapped_column(Float)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SavedQueue(Base):
    """A queue filter a member of staff saved under a name ("my urgent phone cases")."""

    __tablename__ = "saved_queues"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    # The queue's query string (filters only; never a page offset).
    query: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseInteraction(Base):
    """A contact from the contact log linked to a case (the call that opened it, the
    call-back that answered it): the case page lists them and they count as its history."""

    __tablename__ = "case_interactions"
    __table_args__ = (
        UniqueConstraint("case_id", "interaction_id"),
        Index("ix_case_interactions_interaction_id", "interaction_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    linked_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
