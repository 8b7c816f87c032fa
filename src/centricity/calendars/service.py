"""Business-calendar use cases: define calendars, and answer when working time runs out."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.calendars.hours import BusinessCalendar, NoWorkingTime, check_holidays
from centricity.calendars.models import ROUND_THE_CLOCK, Calendar
from centricity.calendars.schemas import CalendarCreate, CalendarUpdate
from centricity.kit.errors import Conflict, Invalid, NotFound
from centricity.kit.time import utcnow

# Called in the caller's transaction after a calendar changed (the service desk recomputes
# the due times counting in it); a registration hook, since cases build on calendars.
ChangeHandler = Callable[[Session, Calendar], None]
_CHANGE_HANDLERS: list[ChangeHandler] = []

# Working-time arithmetic per calendar version: its cached days outlive one request.
_ARITHMETIC: dict[tuple[int, datetime], BusinessCalendar] = {}
_ARITHMETIC_LIMIT = 256


def on_change(handler: ChangeHandler) -> ChangeHandler:
    """Let a domain react when a calendar's working time changes."""
    if handler not in _CHANGE_HANDLERS:
        _CHANGE_HANDLERS.append(handler)
    return handler


def list(session: Session) -> builtins.list[Calendar]:
    """Every calendar, the default 24/7 one included, by name."""
    return builtins.list(session.scalars(select(Calendar).order_by(Calendar.name)))


def get(session: Session, calendar_id: int) -> Calendar:
    """One calendar (calendars are organisation settings that every employee may read)."""
    calendar = session.get(Calendar, calendar_id)
    if calendar is None:
        raise NotFound("no such calendar")
    return calendar


def round_the_clock(session: Session) -> Calendar:
    """The 24/7 calendar every installation has (policies without a calendar use it)."""
    calendar = session.scalar(select(Calendar).where(Calendar.name == ROUND_THE_CLOCK))
    if calendar is None:
        raise NotFound("the 24/7 calendar is missing; run `centricity migrate`")
    return calendar


def create(session: Session, *, data: CalendarCreate, actor: User | None) -> Calendar:
    """Add a calendar; names are unique so policies and people can tell them apart."""
    _refuse_taken_name(session, data.name, None)
    calendar = Calendar(
        name=data.name,
        time_zone=data.time_zone,
        hours=data.hours,
        holiday_country=data.holiday_country,
        holiday_categories=data.holiday_categories,
        closed_dates=sorted({d.isoformat() for d in data.closed_dates}),
        open_dates=sorted({d.isoformat() for d in data.open_dates}),
    )
    session.add(calendar)
    session.flush()
    audit.record(session, actor=actor, action="calendar.create", entity=("calendar", calendar.id))
    return calendar


def update(
    session: Session, *, calendar: Calendar, data: CalendarUpdate, actor: User | None
) -> Calendar:
    """Change a calendar; the holiday country and categories are checked together."""
    changes = data.model_dump(exclude_unset=True)
    if changes.get("name") is not None:
        if calendar.name == ROUND_THE_CLOCK and changes["name"] != ROUND_THE_CLOCK:
            # Policies without a calendar of their own find it by this name.
            raise Conflict("the 24/7 calendar keeps its name", field="name")
        _refuse_taken_name(session, changes["name"], calendar.id)
    for field in ("closed_dates", "open_dates"):
        if field in changes:  # null clears the list, like []
            changes[field] = sorted({d.isoformat() for d in changes[field] or ()})
    for field in ("name", "time_zone", "hours", "holiday_categories"):
        if field in changes and changes[field] is None:
            raise Invalid("must not be empty", field=field)
    country = changes.get("holiday_country", calendar.holiday_country)
    categories = changes.get("holiday_categories") or calendar.holiday_categories
    if country is not None:
        try:
            check_holidays(country, categories)
        except ValueError as exc:
            raise Invalid(str(exc), field="holiday_categories") from None
    for field, value in changes.items():
        setattr(calendar, field, value)
    calendar.updated_at = utcnow()
    session.flush()
    if set(changes) - {"name"}:
        for handler in _CHANGE_HANDLERS:
            handler(session, calendar)
    audit.record(
        session,
        actor=actor,
        action="calendar.update",
        entity=("calendar", calendar.id),
        details={"fields": sorted(changes)},
    )
    return calendar


def arithmetic(calendar: Calendar) -> BusinessCalendar:
    """Working-time arithmetic for a calendar as it is now (cached per calendar version)."""
    key = (calendar.id, calendar.updated_at)
    found = _ARITHMETIC.get(key)
    if found is None:
        if len(_ARITHMETIC) >= _ARITHMETIC_LIMIT:
            _ARITHMETIC.clear()
        found = _ARITHMETIC[key] = BusinessCalendar(calendar.working_week())
    return found


def due(calendar: Calendar, *, start: datetime, minutes: int) -> datetime:
    """The moment `minutes` working minutes after `start`, in the calendar's time zone."""
    clock = arithmetic(calendar)
    try:
        moment = clock.add(start, minutes)
    except NoWorkingTime as exc:
        raise Invalid(str(exc), field="minutes") from None
    return moment.astimezone(ZoneInfo(calendar.time_zone))


def _refuse_taken_name(session: Session, name: str, own_id: int | None) -> None:
    taken = session.scalar(select(Calendar.id).where(Calendar.name == name))
    if taken is not None and taken != own_id:
        raise Conflict("a calendar with this name exists", field="name")
