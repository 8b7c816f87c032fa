"""Personal data of events: where and why a customer is visited, and the notices before.

Erasure empties the place and the note of the person's events but keeps each event's
kind, times, department, status and notices, so the share of notices given in time stays
right after a customer is erased. Notice rules name no person.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, update
from sqlalchemy.orm import Session

from centricity.events.models import Event, EventNotice
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE

CLASSIFICATION: Tables = {
    "events": {
        **dict.fromkeys(("id", "external_id", "customer_id", "department_id"), S),
        **dict.fromkeys(("kind", "starts_at", "time_zone", "status", "booked_at"), S),
        **dict.fromkeys(("created_by_user_id", "created_at", "updated_at"), S),
        "place": P,
        "note": P,
    },
    "notice_rules": {
        **dict.fromkeys(("id", "event_kind", "minutes_before", "action", "department_id"), N),
        **dict.fromkeys(("cancel_on_reply", "is_active", "created_at", "updated_at"), N),
        "created_by_user_id": S,
    },
    "event_notices": {
        **dict.fromkeys(("id", "event_id", "rule_id", "case_id", "outbox_message_id"), S),
        **dict.fromkeys(("due_at", "done_at", "created_at", "updated_at"), S),
        **dict.fromkeys(("action", "state", "reason"), N),
    },
}


def _events_of(person: PersonRef) -> ColumnElement[bool]:
    if not person.customer_ids:
        return false()
    return Event.customer_id.in_(person.customer_ids)


def export(session: Session, person: PersonRef) -> Export:
    """The person's events and every notice of them."""
    events = session.scalars(select(Event).where(_events_of(person)).order_by(Event.id))
    notices = session.scalars(
        select(EventNotice)
        .where(EventNotice.event_id.in_(select(Event.id).where(_events_of(person))))
        .order_by(EventNotice.id)
    )
    return {
        "events": to_rows(events, CLASSIFICATION["events"]),
        "event_notices": to_rows(notices, CLASSIFICATION["event_notices"]),
    }


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Empty the place and note of the person's events; the events and their notices stay
    for the figures (the tasks' texts are emptied with the cases)."""
    events = session.execute(
        update(Event)
        .where(_events_of(person))
        .values(place="", note="")
        .execution_options(synchronize_session="fetch")
    )
    return {"events": int(getattr(events, "rowcount", 0) or 0)}
