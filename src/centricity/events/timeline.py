"""Events on the customer 360 timeline, at their start: upcoming ones come first (the
timeline is newest first), with their kind, place, department and status."""

from __future__ import annotations

from sqlalchemy.orm import Session

from centricity.accounts.models import Department, User
from centricity.customers import timeline
from centricity.customers.models import Customer
from centricity.customers.schemas import TimelineItem
from centricity.events import service
from centricity.events.models import Event
from centricity.kit.i18n import Message, lazy, noop

TITLES = {
    "delivery": noop("Delivery"),
    "visit": noop("Visit"),
    "appointment": noop("Appointment"),
    "service": noop("Service visit"),
}
TITLES_AT = {
    "delivery": noop("Delivery: %(place)s"),
    "visit": noop("Visit: %(place)s"),
    "appointment": noop("Appointment: %(place)s"),
    "service": noop("Service visit: %(place)s"),
}


def _title(kind: str, place: str) -> Message:
    if place:
        return lazy(TITLES_AT.get(kind, "%(place)s"), place=place)
    return lazy(TITLES.get(kind, kind))


def event_items(
    session: Session, customer: Customer, actor: User, cursor: timeline.Cursor | None, limit: int
) -> list[TimelineItem]:
    """The customer's events the actor may see, latest start first."""
    query = (
        service.visible_events(actor)
        .where(Event.customer_id == customer.id)
        .add_columns(Department.name)
        .join(Department, Department.id == Event.department_id)
    )
    if cursor is not None:
        query = query.where(cursor.before("event", Event.starts_at, Event.id))
    rows = session.execute(query.order_by(Event.starts_at.desc(), Event.id.desc()).limit(limit))
    return [
        TimelineItem(
            kind="event",
            id=event.id,
            at=event.starts_at,
            title=_title(event.kind, event.place),
            detail=event.status,
            department=department,
        )
        for event, department in rows
    ]


timeline.register_source("event", event_items)
