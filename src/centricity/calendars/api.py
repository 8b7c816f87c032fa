"""REST API for business calendars: define them, and ask when working time runs out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Query

from centricity.accounts.models import Role, User
from centricity.calendars import service
from centricity.calendars.schemas import CalendarCreate, CalendarRead, CalendarUpdate, DueRead
from centricity.kit.errors import Invalid
from centricity.web.api import PathId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1/calendars", "calendars")
# Ten years of minutes: any service target fits, and a walk stays bounded.
MAX_MINUTES = 10 * 366 * 24 * 60
ISO_8601 = "use an ISO 8601 date and time, e.g. 2026-03-04T09:30:00+01:00"


@router.get("", response_model=list[CalendarRead])
def list_calendars(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)]
) -> list[CalendarRead]:
    """Every calendar, the default 24/7 one included."""
    del user  # any member of staff may read when the organisation works
    return [CalendarRead.model_validate(c) for c in service.list(session)]


@router.post("", response_model=CalendarRead, status_code=201)
def create_calendar(
    session: DbSession, user: Annotated[User, require_api(Role.ADMIN)], data: CalendarCreate
) -> CalendarRead:
    """Add a calendar: working hours per weekday, time zone, holidays, custom dates."""
    return CalendarRead.model_validate(service.create(session, data=data, actor=user))


@router.get("/{calendar_id}", response_model=CalendarRead)
def get_calendar(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], calendar_id: PathId
) -> CalendarRead:
    """Read one calendar."""
    del user
    return CalendarRead.model_validate(service.get(session, calendar_id))


@router.patch("/{calendar_id}", response_model=CalendarRead)
def update_calendar(
    session: DbSession,
    user: Annotated[User, require_api(Role.ADMIN)],
    calendar_id: PathId,
    data: CalendarUpdate,
) -> CalendarRead:
    """Change a calendar; only the fields sent change."""
    calendar = service.get(session, calendar_id)
    return CalendarRead.model_validate(
        service.update(session, calendar=calendar, data=data, actor=user)
    )


@router.get("/{calendar_id}/due", response_model=DueRead)
def due(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    calendar_id: PathId,
    start: Annotated[str, Query(max_length=40, description="ISO 8601; no offset: local time")],
    minutes: Annotated[int, Query(ge=0, le=MAX_MINUTES, description="Working minutes")],
) -> DueRead:
    """The moment `minutes` working minutes after `start`, with the calendar's offset."""
    del user
    calendar = service.get(session, calendar_id)
    return DueRead(
        due_at=service.due(calendar, start=_moment(start, calendar.time_zone), minutes=minutes)
    )


def _moment(text: str, time_zone: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            "use an ISO 8601 date and time, e.g. 2026-03-04T09:30:00+01:00", field="start"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(time_zone))
    return moment
