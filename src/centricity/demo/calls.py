"""The demo's phone line: two weeks of calls to Customer Care, played through the live
call events, so the workspace shows calls on customers' timelines, call-back tasks in the
queue (the recent missed calls nobody has returned yet) and the Service page's phone
figures.

Seeded: the same seed gives the same calls. About one customer in eight calls; a call
waits 5–90 seconds; one in six inbound calls is missed (no answer, busy, or the caller
gives up), and most missed callers are phoned back within hours, except in the last day.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.customers.models import Customer
from centricity.demo import generator
from centricity.telephony import live
from centricity.telephony.models import Call
from centricity.telephony.schemas import CallEvent, Cause, EventName

DEPARTMENT = "Customer Care"
LINE = "+420 222 333 444"
DAYS = 14
MISSED_CAUSES = (Cause.NO_ANSWER, Cause.BUSY, Cause.CANCEL)


def build(session: Session, options: generator.DemoOptions, end: datetime, team: list[User]) -> int:
    """Play the calls of the two weeks before `end`, taken by `team` (Customer Care);
    returns how many (0 when the demo already has calls)."""
    if session.scalar(select(Call.id).limit(1)) is not None:
        return 0
    rng = random.Random(options.seed * 7919 + 13)
    callers = _callers(session, rng)
    played = 0
    for number, day_share, hour in _plan(rng, len(callers)):
        at = _office_time(end, day_share, hour)
        if at >= end:
            continue
        agent = team[rng.randrange(len(team))]
        phone = callers[number]
        played += _inbound(session, rng, agent, phone, at, f"demo-{options.seed}-{played}")
        if rng.random() < 0.17:
            played += _missed_and_returned(session, rng, agent, phone, at, end, played, options)
    return played


def _callers(session: Session, rng: random.Random) -> list[str]:
    """The phones of about one customer in eight, as they would show on a caller id."""
    phones = session.scalars(
        select(Customer.phone).where(Customer.phone_e164.is_not(None)).order_by(Customer.id)
    ).all()
    chosen = [p for p in phones if p and rng.random() < 0.125]
    return chosen or [p for p in phones if p][:20]


def _plan(rng: random.Random, callers: int) -> list[tuple[int, float, int]]:
    """(caller, day of the window as a share, hour) per call, in time order."""
    calls = [(rng.randrange(callers), rng.random(), rng.randint(8, 16)) for _ in range(callers)]
    return sorted(calls, key=lambda c: (int(c[1] * DAYS), c[2]))


def _office_time(end: datetime, day_share: float, hour: int) -> datetime:
    day = (end - timedelta(days=DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    day += timedelta(days=int(day_share * DAYS))
    return day + timedelta(hours=hour - 1, minutes=int(day_share * 997) % 60)  # CET → UTC


def _send(session: Session, agent: User, at: datetime, **event: object) -> None:
    live.handle(session, CallEvent.model_validate({**event, "at": at}), actor=agent, now=at)


def _inbound(
    session: Session, rng: random.Random, agent: User, phone: str, at: datetime, call_id: str
) -> int:
    """One answered inbound call: rings, is answered, talks for a few minutes."""
    base = {"call_id": call_id, "from": phone, "to": LINE, "direction": "in"}
    _send(session, agent, at, event=EventName.NEW_CALL.value, **base)
    answered = at + timedelta(seconds=rng.randint(5, 90))
    user = agent.email
    _send(session, agent, answered, event=EventName.ANSWER.value, user=user, **base)
    ended = answered + timedelta(seconds=rng.randint(40, 600))
    _send(session, agent, ended, event=EventName.HANGUP.value, cause="normalClearing", **base)
    return 1


def _missed_and_returned(
    session: Session,
    rng: random.Random,
    agent: User,
    phone: str,
    after: datetime,
    end: datetime,
    played: int,
    options: generator.DemoOptions,
) -> int:
    """The customer calls again and nobody answers; staff phone back within hours unless
    it happened in the last day (those call-backs are still in the queue)."""
    at = after + timedelta(hours=rng.randint(1, 20), minutes=rng.randint(0, 59))
    if at >= end:
        return 0
    base = {
        "call_id": f"demo-{options.seed}-{played}-m",
        "from": phone,
        "to": LINE,
        "direction": "in",
    }
    _send(session, agent, at, event=EventName.NEW_CALL.value, **base)
    cause = MISSED_CAUSES[rng.randrange(len(MISSED_CAUSES))].value
    hung_up = at + timedelta(seconds=rng.randint(10, 120))
    _send(session, agent, hung_up, event=EventName.HANGUP.value, cause=cause, **base)
    back = hung_up + timedelta(minutes=rng.randint(20, 300))
    if back >= end - timedelta(days=1):
        return 1
    out = {
        "call_id": f"demo-{options.seed}-{played}-b",
        "from": LINE,
        "to": phone,
        "direction": "out",
    }
    user = agent.email
    _send(session, agent, back, event=EventName.NEW_CALL.value, **out)
    picked = back + timedelta(seconds=rng.randint(5, 25))
    _send(session, agent, picked, event=EventName.ANSWER.value, user=user, **out)
    done = picked + timedelta(seconds=rng.randint(60, 400))
    _send(session, agent, done, event=EventName.HANGUP.value, cause="normalClearing", **out)
    return 2
