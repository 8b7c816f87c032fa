"""Live call events from the phone system: one state machine per call.

`newCall` → ringing, `answer` → answered, `hangup` → ended; nothing changes an ended
call (a late `answer` or a repeated `hangup` is ignored, so a phone system that retries
cannot count a call twice). Each step is one conditional UPDATE on the call's state, so
two events of one call arriving at once still move it once. A call whose `hangup` never
arrives is closed by the `telephony.close_stale` job (`close_stale`): a missed call
shows, and gets its call-back task, while the customer is still waiting, not after a
nightly export.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.config import get_settings
from centricity.db import insert_or_ignore
from centricity.kit.errors import NotFound
from centricity.kit.time import utcnow
from centricity.telephony import owners, service
from centricity.telephony.models import Call, CallDirection, CallState, Outcome
from centricity.telephony.phones import default_region, to_e164
from centricity.telephony.schemas import CallEvent, Cause, EventName

FUTURE_TOLERANCE = timedelta(minutes=5)
STALE_BATCH = 500
# A hang-up's cause → how the call ended when nobody had answered it.
UNANSWERED = {
    Cause.NORMAL_CLEARING: Outcome.ABANDONED,  # the caller hung up first
    Cause.CANCEL: Outcome.ABANDONED,
    Cause.BUSY: Outcome.BUSY,
    Cause.NO_ANSWER: Outcome.NO_ANSWER,
    Cause.CONGESTION: Outcome.FAILED,
    Cause.NOT_FOUND: Outcome.FAILED,
    Cause.FORWARDED: Outcome.FORWARDED,
}


def handle(session: Session, event: CallEvent, *, actor: User, now: datetime | None = None) -> Call:
    """Apply one event to its call (creating the call on its first event) and return it."""
    now = now or utcnow()
    at = min(event.at or now, now + FUTURE_TOLERANCE)
    call = _call(session, event, actor, at)
    if event.event is EventName.ANSWER:
        _answer(session, call, event, at)
    elif event.event is EventName.HANGUP:
        _hang_up(session, call, event.cause, at, now)
    session.refresh(call)
    return call


def _call(session: Session, event: CallEvent, actor: User, at: datetime) -> Call:
    """The event's call, created ringing on its first event (whichever event that is)."""
    found = session.scalar(select(Call).where(Call.call_id == event.call_id))
    if found is not None:
        _check_owner(found, actor)
        return found
    direction = CallDirection.INBOUND if event.direction == "in" else CallDirection.OUTBOUND
    party, line = (event.from_, event.to)
    if direction is CallDirection.OUTBOUND:
        party, line = line, party
    region = default_region()
    party_e164, line_e164 = to_e164(party, region), to_e164(line, region)
    customer_id = service.customer_for(session, party_e164)
    values = {
        "call_id": event.call_id,
        "source": "live",
        "direction": direction.value,
        "from_number": event.from_,
        "to_number": event.to,
        "party_e164": party_e164,
        "line_e164": line_e164,
        "customer_id": customer_id,
        "department_id": owners.department_for(session, line_e164, actor),
        "user_id": service.user_by_email(session, event.user),
        "tier": service.tier_of(session, customer_id),
        "state": CallState.RINGING.value,
        "missed": False,
        "started_at": at,
        "created_at": utcnow(),
    }
    session.execute(insert_or_ignore(session, Call, values, unique=["call_id"]))
    call = session.scalars(select(Call).where(Call.call_id == event.call_id)).one()
    _check_owner(call, actor)
    return call


def _check_owner(call: Call, actor: User) -> None:
    """A member of staff's token sees only their department's calls (another's: not found)."""
    if actor.role != Role.ADMIN and call.department_id != actor.department_id:
        raise NotFound("no such call")


def _answer(session: Session, call: Call, event: CallEvent, at: datetime) -> None:
    user_id = service.user_by_email(session, event.user) or call.user_id
    session.execute(
        update(Call)
        .where(Call.id == call.id, Call.state == CallState.RINGING.value)
        .values(
            state=CallState.ANSWERED.value, answered_at=max(at, call.started_at), user_id=user_id
        )
        .execution_options(synchronize_session=False)
    )


def _hang_up(
    session: Session, call: Call, cause: Cause | None, at: datetime, now: datetime
) -> None:
    """End the call once: the first hang-up (or the stale-call job) wins, later ones do
    nothing."""
    session.refresh(call)
    if call.state == CallState.ENDED.value:
        return
    ended = max(at, call.started_at)
    if call.answered_at is not None:
        outcome = Outcome.ANSWERED
    elif cause is None:
        outcome = Outcome.TIMEOUT
    else:
        outcome = UNANSWERED[cause]
    answered_at = call.answered_at
    waited_until = answered_at or ended
    values = {
        "state": CallState.ENDED.value,
        "ended_at": ended,
        "outcome": outcome.value,
        "cause": cause.value if cause is not None else None,
        "missed": call.direction == CallDirection.INBOUND.value
        and outcome not in (Outcome.ANSWERED, Outcome.FORWARDED),
        "waiting_seconds": _seconds(
            call.started_at, waited_until, known=cause is not None or answered_at is not None
        ),
        "duration_seconds": _seconds(answered_at, ended, known=cause is not None)
        if answered_at
        else 0,
    }
    moved = session.execute(
        update(Call)
        .where(Call.id == call.id, Call.state != CallState.ENDED.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 0) != 1:
        return  # another hang-up ended it a moment ago
    session.refresh(call)
    service.finish(session, call, now=now)


def _seconds(start: datetime | None, end: datetime, *, known: bool) -> int | None:
    """Seconds between two moments; None when the end is only when the stale-call job ran
    (the real hang-up time is unknown, and guessing would skew waiting times)."""
    return max(int((end - start).total_seconds()), 0) if known and start is not None else None


def close_stale(session: Session, *, now: datetime | None = None) -> int:
    """End live calls whose hang-up never came: still ringing after
    `CENTRICITY_PHONE_RING_TIMEOUT_MINUTES` (unanswered: a call-back follows), answered
    and still open after `CENTRICITY_PHONE_CALL_TIMEOUT_MINUTES`. Returns how many."""
    now = now or utcnow()
    settings = get_settings()
    limits = {
        CallState.RINGING.value: now - timedelta(minutes=settings.phone_ring_timeout_minutes),
        CallState.ANSWERED.value: now - timedelta(minutes=settings.phone_call_timeout_minutes),
    }
    closed = 0
    for state, before in limits.items():
        query = (
            select(Call)
            .where(Call.state == state, Call.started_at < before)
            .order_by(Call.started_at)
            .limit(STALE_BATCH)
        )
        for call in session.scalars(query).all():
            _hang_up(session, call, None, now, now)
            closed += 1
    return closed
