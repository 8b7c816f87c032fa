"""REST API of events and notice rules: book, move and cancel events, log the call a
notice task asked for, keep the rules, and read the share of notices given in time."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query, Response

from centricity.accounts.models import Role, User
from centricity.cases.metrics import Period
from centricity.events import metrics, rules, service
from centricity.events import timeline as _timeline  # noqa: F401  (events on the 360 timeline)
from centricity.events.schemas import (
    CallOutcome,
    EventCreate,
    EventRead,
    EventUpdate,
    NoticeMetrics,
    NoticeMetricsRow,
    NoticeRuleCreate,
    NoticeRuleRead,
    NoticeRuleUpdate,
)
from centricity.interactions.schemas import InteractionRead
from centricity.kit.errors import Invalid
from centricity.kit.validation import UtcDatetime
from centricity.web.api import Limit, Offset, PathId, QueryId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "events")
StatusFilter = Annotated[
    str | None,
    Query(pattern=r"^(active|scheduled|moved|cancelled|done)$", description="active: ahead"),
]


@router.get("/events", response_model=list[EventRead])
def list_events(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    customer_id: QueryId = None,
    department_id: QueryId = None,
    status: StatusFilter = None,
    since: Annotated[UtcDatetime | None, Query(alias="from")] = None,
    until: Annotated[UtcDatetime | None, Query(alias="to")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[EventRead]:
    """Events the caller may see (their department's; admins all), soonest first."""
    page = service.list(
        session,
        actor=user,
        customer_id=customer_id,
        department_id=department_id,
        status=status,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return [service.read(session, event) for event in page.items]


@router.post("/events", response_model=EventRead, status_code=201)
def create_event(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)], data: EventCreate
) -> EventRead:
    """Book an event with a customer; the department's notice rules plan its notices
    (a task's first response is due at the start minus the rule's `minutes_before`)."""
    return service.read(session, service.create(session, data=data, actor=user))


@router.get("/events/metrics", response_model=NoticeMetrics)
def notice_metrics(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    from_: Annotated[date, Query(alias="from", description="First day (UTC), inclusive")],
    to: Annotated[date, Query(description="Last day (UTC), inclusive")],
) -> NoticeMetrics:
    """Per department: the share of events that started in the period whose notices were
    all given before the event (managers: their department; admins: all)."""
    if to < from_:
        raise Invalid("the period ends before it starts", field="to")
    rows = metrics.done_before(session, actor=user, period=Period(from_, to))
    return NoticeMetrics(items=[NoticeMetricsRow.model_validate(r) for r in rows])


@router.get("/events/{event_id}", response_model=EventRead)
def get_event(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], event_id: PathId
) -> EventRead:
    """One event with its notices (404 for another department's event)."""
    return service.read(session, service.get(session, event_id, actor=user))


@router.patch("/events/{event_id}", response_model=EventRead)
def update_event(
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    event_id: PathId,
    data: EventUpdate,
) -> EventRead:
    """Move an event (`starts_at`), change its place or note, or set `status` to
    `cancelled` or `done` (409 for a cancelled or done event, or another status)."""
    event = service.get(session, event_id, actor=user)
    return service.read(session, service.update(session, event=event, data=data, actor=user))


@router.post("/events/{event_id}/calls", response_model=InteractionRead, status_code=201)
def log_call(
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    event_id: PathId,
    data: CallOutcome,
) -> InteractionRead:
    """Log the outcome of the call before the event as a phone contact linked to the
    event's open tasks; `reached` solves them."""
    event = service.get(session, event_id, actor=user)
    contact = service.log_call(session, event=event, data=data, actor=user)
    return InteractionRead.model_validate(contact)


@router.get("/notice-rules", response_model=list[NoticeRuleRead])
def list_rules(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)]
) -> list[NoticeRuleRead]:
    """The notice rules of the caller's department (admins: all)."""
    return [NoticeRuleRead.model_validate(r) for r in rules.list(session, actor=user)]


@router.post("/notice-rules", response_model=NoticeRuleRead, status_code=201)
def create_rule(
    session: DbSession, user: Annotated[User, require_api(Role.MANAGER)], data: NoticeRuleCreate
) -> NoticeRuleRead:
    """Add a rule for a department's events of one kind (managers: their department)."""
    return NoticeRuleRead.model_validate(rules.create(session, data=data, actor=user))


@router.patch("/notice-rules/{rule_id}", response_model=NoticeRuleRead)
def update_rule(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    rule_id: PathId,
    data: NoticeRuleUpdate,
) -> NoticeRuleRead:
    """Change a rule's time, reply flag or whether it is on; pending notices follow."""
    rule = rules.get(session, rule_id, actor=user)
    return NoticeRuleRead.model_validate(rules.update(session, rule=rule, data=data, actor=user))


@router.delete("/notice-rules/{rule_id}", status_code=204)
def delete_rule(
    session: DbSession, user: Annotated[User, require_api(Role.MANAGER)], rule_id: PathId
) -> Response:
    """Remove a rule; the notices it has not given yet are withdrawn."""
    rule = rules.get(session, rule_id, actor=user)
    rules.delete(session, rule=rule, actor=user)
    return Response(status_code=204)
