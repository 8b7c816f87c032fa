"""REST API of the closed loop: close a follow-up with its outcome and root cause, read
a follow-up, keep the root-cause list, and the closed-loop figures by department."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Query

from centricity.accounts.models import Role, User
from centricity.kit.errors import Invalid
from centricity.kit.i18n import lazy
from centricity.surveys import closed_loop
from centricity.surveys import service as surveys
from centricity.surveys.loop import case_section as _case_section  # noqa: F401  (case page)
from centricity.surveys.loop import root_causes
from centricity.surveys.loop import service as loop
from centricity.surveys.loop.models import FollowUp, RootCause
from centricity.surveys.loop.schemas import (
    ClosedLoopFigures,
    FollowUpClose,
    FollowUpRead,
    RootCauseCreate,
    RootCauseRead,
    RootCauseUpdate,
)
from centricity.web.api import PathId, QueryId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "closed loop")


def _read(record: FollowUp) -> FollowUpRead:
    return FollowUpRead.model_validate(record, from_attributes=True)


def _cause(cause: RootCause) -> RootCauseRead:
    return RootCauseRead(
        id=cause.id, names=dict(cause.names), position=cause.position, active=cause.active
    )


@router.get("/follow-ups/{case_id}", response_model=FollowUpRead)
def get_follow_up(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], case_id: PathId
) -> FollowUpRead:
    """The follow-up record of a follow-up task the caller may see (404 otherwise)."""
    return _read(loop.get(session, case_id, actor=user)[1])


@router.post(
    "/follow-ups/{case_id}/close",
    response_model=FollowUpRead,
    responses={409: {"description": "The task is closed for good"}},
)
def close_follow_up(
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    case_id: PathId,
    data: FollowUpClose,
) -> FollowUpRead:
    """Record `outcome` (reached, resolved, not_reached) and `root_cause_id` (an active
    cause) with an optional `note`, and solve the task in one step; reached or resolved
    sends the customer the recovery question."""
    return _read(loop.close(session, case_id=case_id, data=data, actor=user))


@router.get("/follow-up-root-causes")
def list_root_causes(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)]
) -> dict[str, Any]:
    """Every root cause in order, with its names per language and whether it is offered."""
    del user
    items = [_cause(cause).model_dump() for cause in root_causes.list(session)]
    return {"items": items, "total": len(items)}


@router.post("/follow-up-root-causes", response_model=RootCauseRead, status_code=201)
def create_root_cause(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    data: RootCauseCreate,
) -> RootCauseRead:
    """Add a root cause: `names` by language code (at least one), optional `position`."""
    return _cause(root_causes.create(session, data=data, actor=user))


@router.patch("/follow-up-root-causes/{cause_id}", response_model=RootCauseRead)
def update_root_cause(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    cause_id: PathId,
    data: RootCauseUpdate,
) -> RootCauseRead:
    """Rename (the languages sent), move, or (de)activate a root cause (`active`)."""
    cause = root_causes.get(session, cause_id)
    return _cause(root_causes.update(session, cause=cause, data=data, actor=user))


@router.get("/voice/closed-loop", response_model=ClosedLoopFigures)
def closed_loop_figures(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    survey_id: QueryId = None,
    from_: Annotated[
        date | None, Query(alias="from", description="First day (UTC) follow-ups opened")
    ] = None,
    to: Annotated[date | None, Query(description="Last day (UTC), inclusive")] = None,
) -> ClosedLoopFigures:
    """Closed-loop rate, share within target, median hours to close and recovery rate by
    department (admins: every department; others: their own), and the total."""
    if survey_id is not None:
        surveys.get(session, survey_id)
    if from_ is not None and to is not None and to < from_:
        raise Invalid(lazy("the period ends before it starts"), field="to")
    return closed_loop.by_department(session, actor=user, survey_id=survey_id, start=from_, end=to)
