"""Event use cases: book, move, cancel or finish an event with a customer, list the ones a
member of staff may see, and log the call a notice task asked for.

Who sees an event: admins; members of the department that owns it; whoever booked it.
Who books, moves or cancels it: admins, and the owning department's agents and managers
(an agent books for their own department only). Every change keeps the event's notices
right in the same transaction (`notices.sync`).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, Role, User
from centricity.audit import service as audit
from centricity.cases import service as cases
from centricity.cases.models import Case
from centricity.cases.schemas import CaseUpdate
from centricity.config import get_settings
from centricity.customers import service as customers
from centricity.events import notices
from centricity.events.models import ACTIVE_STATUSES, Event, EventNotice, EventStatus
from centricity.events.schemas import (
    CallOutcome,
    EventCreate,
    EventRead,
    EventUpdate,
    NoticeRead,
    to_utc,
)
from centricity.interactions import service as interactions
from centricity.interactions.models import Channel, Direction, Interaction
from centricity.interactions.schemas import InteractionCreate
from centricity.kit import i18n
from centricity.kit.errors import Conflict, Invalid, NotFound, PermissionDenied
from centricity.kit.i18n import lazy, noop, pnoop, register_labels
from centricity.kit.pagination import Page
from centricity.kit.time import utcnow

FINAL_STATUSES = (EventStatus.CANCELLED.value, EventStatus.DONE.value)
CALL_OUTCOMES = register_labels(
    "call result",
    {
        "reached": pnoop("call result", "reached the customer"),
        "no_answer": pnoop("call result", "no answer"),
        "left_message": pnoop("call result", "left a message"),
        "rescheduled": pnoop("call result", "the customer asked for another time"),
    },
)
CALL_NOTE = noop("Call before the event: %(outcome)s")


def visibility(actor: User) -> ColumnElement[bool]:
    """The rule of who sees an event, as a condition on the events table."""
    if actor.role_enum is Role.ADMIN:
        return Event.id.is_not(None)
    seen_by = [Event.created_by_user_id == actor.id]
    if actor.department_id is not None:
        seen_by.append(Event.department_id == actor.department_id)
    return or_(*seen_by)


def visible_events(actor: User) -> Select[Event]:
    """The only door to the events table for a member of staff."""
    return select(Event).where(visibility(actor))


def get(session: Session, event_id: int, *, actor: User) -> Event:
    """One event the actor may see; another department's event is not found (404)."""
    event = session.scalar(visible_events(actor).where(Event.id == event_id))
    if event is None:
        raise NotFound(lazy("event not found"))
    return event


def can_manage(event: Event, actor: User) -> bool:
    """Whether the actor books, moves and cancels this event."""
    if actor.role_enum is Role.ADMIN:
        return True
    if actor.role_enum is Role.VIEWER:
        return False
    return event.department_id == actor.department_id


def list(
    session: Session,
    *,
    actor: User,
    customer_id: int | None = None,
    department_id: int | None = None,
    status: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Event]:
    """Events the actor may see, soonest first, filtered by customer, department, status
    (`active`: scheduled or moved) and start time."""
    query = visible_events(actor)
    if customer_id is not None:
        query = query.where(Event.customer_id == customer_id)
    if department_id is not None:
        query = query.where(Event.department_id == department_id)
    if status == "active":
        query = query.where(Event.status.in_(ACTIVE_STATUSES))
    elif status:
        query = query.where(Event.status == status)
    if since is not None:
        query = query.where(Event.starts_at >= since)
    if until is not None:
        query = query.where(Event.starts_at < until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(Event.starts_at, Event.id).limit(limit).offset(offset)
    return Page(
        items=builtins.list(session.scalars(ordered)), total=total, limit=limit, offset=offset
    )


def create(
    session: Session, *, data: EventCreate, actor: User, now: datetime | None = None
) -> Event:
    """Book an event with a customer the actor may see, for the actor's department (any
    department for admins), and plan its notices."""
    if actor.role_enum is Role.VIEWER:
        raise PermissionDenied(lazy("viewers cannot book events"))
    now = now or utcnow()
    try:
        customers.get(session, data.customer_id, actor=actor)
    except NotFound:
        raise Invalid(lazy("no such customer"), field="customer_id") from None
    department_id = data.department_id or actor.department_id
    _check_department(session, department_id, actor)
    assert department_id is not None
    if data.external_id and session.scalar(
        select(Event.id).where(Event.external_id == data.external_id)
    ):
        raise Conflict(lazy("an event with this external id exists"), field="external_id")
    zone = data.time_zone or get_settings().time_zone
    event = Event(
        external_id=data.external_id,
        customer_id=data.customer_id,
        kind=data.kind.value,
        starts_at=_start(data.starts_at, zone),
        time_zone=zone,
        place=data.place.strip(),
        department_id=department_id,
        note=data.note,
        status=EventStatus.SCHEDULED.value,
        booked_at=now,
        created_by_user_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(event)
    session.flush()
    notices.sync(session, event, now=now)
    audit.record(session, actor=actor, action="event.create", entity=("event", event.id))
    return event


def _start(value: datetime, zone: str) -> datetime:
    try:
        return to_utc(value, zone)
    except ValueError as exc:
        raise Invalid(lazy(str(exc)), field="starts_at") from None


def _check_department(session: Session, department_id: int | None, actor: User) -> None:
    if department_id is None:
        raise Invalid(lazy("name the department that owns the event"), field="department_id")
    if session.get(Department, department_id) is None:
        raise Invalid(lazy("no such department"), field="department_id")
    if actor.role_enum is not Role.ADMIN and department_id != actor.department_id:
        raise PermissionDenied(lazy("you book events for your own department only"))


def update(
    session: Session,
    *,
    event: Event,
    data: EventUpdate,
    actor: User,
    now: datetime | None = None,
) -> Event:
    """Move an event (a new start: its pending notices move with it), change its place or
    note, or cancel or finish it (its pending notices are withdrawn). A cancelled or done
    event changes no more."""
    if not can_manage(event, actor):
        raise PermissionDenied(lazy("only the owning department changes this event"))
    now = now or utcnow()
    changes = data.model_dump(exclude_unset=True)
    old_status = event.status
    if event.status in FINAL_STATUSES and changes:
        raise Conflict(lazy("the event is cancelled or done; book a new one"), field="status")
    status = changes.get("status")
    if status is not None and status not in FINAL_STATUSES:
        raise Conflict(lazy("set the status to cancelled or done"), field="status")
    zone = changes.get("time_zone") or event.time_zone
    if data.starts_at is not None or "time_zone" in changes:
        start = _start(data.starts_at or event.starts_at, zone)
        if start != event.starts_at or zone != event.time_zone:
            event.starts_at, event.time_zone = start, zone
            event.status = EventStatus.MOVED.value
            event.booked_at = now
    for name in ("place", "note"):
        if changes.get(name) is not None:
            setattr(event, name, changes[name].strip() if name == "place" else changes[name])
    if status is not None:
        event.status = status
    event.updated_at = now
    session.flush()
    notices.sync(session, event, now=now)
    if event.status != old_status:
        for follower in _STATUS_FOLLOWERS:
            follower(session, event, old_status, event.status)
    audit.record(
        session,
        actor=actor,
        action="event.update",
        entity=("event", event.id),
        details={"fields": sorted(changes)},
    )
    return event


# (session, event, old status, new status)
StatusFollower = Callable[[Session, Event, str, str], None]
_STATUS_FOLLOWERS: builtins.list[StatusFollower] = []


def on_status_change(follower: StatusFollower) -> StatusFollower:
    """Register a function called in the transaction after an event's status changed, so
    a later domain can act on a delivery that is done (a survey campaign invites the
    customer) without this domain knowing that domain."""
    _STATUS_FOLLOWERS.append(follower)
    return follower


def notices_of(session: Session, event: Event) -> builtins.list[EventNotice]:
    """The event's notices, earliest due first."""
    query = select(EventNotice).where(EventNotice.event_id == event.id)
    return builtins.list(session.scalars(query.order_by(EventNotice.due_at, EventNotice.id)))


def tasks_of(session: Session, event: Event, *, actor: User) -> builtins.list[Case]:
    """The event's notice tasks the actor may see."""
    query = cases.visible_cases(actor).join(EventNotice, EventNotice.case_id == Case.id)
    return builtins.list(session.scalars(query.where(EventNotice.event_id == event.id)))


def log_call(
    session: Session,
    *,
    event: Event,
    data: CallOutcome,
    actor: User,
    now: datetime | None = None,
) -> Interaction:
    """Log the call a notice task asked for as an outbound phone contact, link it to the
    event's open tasks, and solve them when the customer was reached (which marks the
    notice done). Without a task it is logged on the customer's timeline all the same."""
    if not can_manage(event, actor):
        raise PermissionDenied(lazy("only the owning department works this event"))
    now = now or utcnow()
    language = i18n.supported(actor.language) or i18n.supported(get_settings().default_language)
    with i18n.use_locale(i18n.ViewerLocale(language=language or i18n.SOURCE_LANGUAGE)):
        outcome = i18n.label_for("call result", data.outcome)
        heading = i18n.gettext(CALL_NOTE) % {"outcome": outcome}
    note = f"{heading}\n{data.note}".strip()
    contact = interactions.create(
        session,
        data=InteractionCreate(
            customer_id=event.customer_id,
            channel=Channel.PHONE,
            direction=Direction.OUTBOUND,
            note=note,
            started_at=now,
            duration_seconds=data.duration_seconds,
        ),
        actor=actor,
    )
    for task in tasks_of(session, event, actor=actor):
        if task.status in cases.CLOSED_STATES or not cases.can_manage(task, actor):
            continue
        cases.link_interaction(session, case=task, interaction_id=contact.id, actor=actor, now=now)
        if data.outcome == "reached":
            cases.update(session, case=task, data=CaseUpdate(status="solved"), actor=actor, now=now)
    audit.record(
        session,
        actor=actor,
        action="event.call",
        entity=("event", event.id),
        details={"outcome": data.outcome, "interaction_id": contact.id},
    )
    return contact


def read(session: Session, event: Event) -> EventRead:
    """The event as the API shows it, with its notices and its start on its own clock."""
    return EventRead(
        id=event.id,
        external_id=event.external_id,
        customer_id=event.customer_id,
        kind=event.kind,
        starts_at=event.starts_at,
        local_starts_at=event.starts_at.astimezone(ZoneInfo(event.time_zone)),
        time_zone=event.time_zone,
        place=event.place,
        department_id=event.department_id,
        note=event.note,
        status=event.status,
        booked_at=event.booked_at,
        created_at=event.created_at,
        updated_at=event.updated_at,
        notices=[NoticeRead.model_validate(n) for n in notices_of(session, event)],
    )
