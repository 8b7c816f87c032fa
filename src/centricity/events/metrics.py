"""The share of events whose notices were given before the event, by department.

An event counts once it has started (within the period, by its start) and has at least
one notice that was not withdrawn (a cancelled event's notices are withdrawn, so it does
not count). It was served in time when every such notice was done before its start: the
reminder written to the outbox, the task solved. A skipped notice (no address, too late)
counts as not done: the customer was not told.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, Role, User
from centricity.cases.metrics import Period
from centricity.events.models import Event, EventNotice, NoticeState
from centricity.kit.time import utcnow


def scope(actor: User) -> ColumnElement[bool]:
    """Whose events the actor's figures cover: admins every department's, others their own."""
    if actor.role_enum is Role.ADMIN:
        return true()
    return Event.department_id == actor.department_id


def done_before(
    session: Session, *, actor: User, period: Period, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Per department: events with a notice, those whose notices were all done before the
    event, and the share (None without events)."""
    now = now or utcnow()
    in_time = and_(
        EventNotice.state == NoticeState.DONE.value, EventNotice.done_at <= Event.starts_at
    )
    per_event = (
        select(
            EventNotice.event_id.label("event_id"),
            func.min(when((in_time, 1), else_=0)).label("in_time"),
        )
        .join(Event, Event.id == EventNotice.event_id)
        .where(
            EventNotice.state != NoticeState.WITHDRAWN.value,
            Event.starts_at >= period.start,
            Event.starts_at < period.end,
            Event.starts_at <= now,
            scope(actor),
        )
        .group_by(EventNotice.event_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Department.id,
            Department.name,
            func.count(),
            func.sum(per_event.c.in_time),
        )
        .select_from(per_event)
        .join(Event, Event.id == per_event.c.event_id)
        .join(Department, Department.id == Event.department_id)
        .group_by(Department.id, Department.name)
        .order_by(Department.name)
    ).all()
    return [
        {
            "department_id": department_id,
            "department": name,
            "events": int(events),
            "done_before": int(done or 0),
            "share": int(done or 0) / int(events) if events else None,
        }
        for department_id, name, events, done in rows
    ]
