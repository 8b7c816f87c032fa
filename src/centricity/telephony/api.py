"""REST API of the phone channel: live call events from the phone system, the call log and
the phone metrics."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query
from sqlalchemy import select

from centricity.accounts.models import Role, User
from centricity.cases.metrics import Period
from centricity.kit.errors import Invalid
from centricity.kit.validation import MAX_ID
from centricity.telephony import callbacks, live, metrics, service_section
from centricity.telephony.models import Call, CallBack
from centricity.telephony.schemas import (
    CallEvent,
    CallEventResult,
    CallRead,
    PhoneMetrics,
)
from centricity.web.api import api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "telephony")
# Imported for what they register: the case follower and the Service page section.
__all__ = ["callbacks", "router", "service_section"]


@router.post(
    "/telephony/events",
    status_code=202,
    response_model=CallEventResult,
    responses={
        404: {"description": "The call belongs to another department than the token's."},
        403: {"description": "The line belongs to another department than the token's."},
    },
)
def call_event(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)], event: CallEvent
) -> CallEventResult:
    """Take one live event of a call (`newCall`, `answer`, `hangup`) from the phone system.
    Events after the hang-up are accepted and ignored; an inbound call from a known
    customer that ends unanswered leaves an open call-back task."""
    call = live.handle(session, event, actor=user)
    case_id = None
    if call.callback_id is not None:
        case_id = session.scalar(select(CallBack.case_id).where(CallBack.id == call.callback_id))
    return CallEventResult(
        call_id=call.call_id,
        state=call.state,
        outcome=call.outcome,
        customer_id=call.customer_id,
        callback_case_id=case_id,
    )


@router.get("/telephony/calls", response_model=list[CallRead])
def list_calls(
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    customer_id: Annotated[int | None, Query(gt=0, le=MAX_ID)] = None,
    missed: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[Call]:
    """Calls newest first (admins: all; others: their department's), optionally one
    customer's or only the missed ones."""
    query = select(Call).where(metrics.scope(user))
    if customer_id is not None:
        query = query.where(Call.customer_id == customer_id)
    if missed is not None:
        query = query.where(Call.missed.is_(missed))
    return list(
        session.scalars(query.order_by(Call.started_at.desc(), Call.id.desc()).limit(limit))
    )


@router.get("/telephony/metrics", response_model=PhoneMetrics)
def phone_metrics(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    from_: Annotated[date, Query(alias="from", description="First day (UTC), inclusive")],
    to: Annotated[date, Query(description="Last day (UTC), inclusive")],
) -> PhoneMetrics:
    """Unanswered-call rate, call-back rate and time to call back of the inbound calls in
    the period, by department and by tier (managers: their department's; admins: all)."""
    if to < from_:
        raise Invalid("the period ends before it starts", field="to")
    figures = metrics.phone_metrics(session, actor=user, period=Period(from_, to))
    return PhoneMetrics.model_validate(figures)
