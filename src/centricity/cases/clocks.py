"""The clocks of a case's targets: start, pause, resume, achieve, breach and re-target.

Pure over a target row and the working-time arithmetic of its calendar (no session). A
target counts working seconds: `counted_seconds` holds what finished stretches counted,
and a running clock adds the stretch since `running_since`. Its due time is computed when
it starts or resumes (the remaining minutes added in working time) and is stored, so the
breach check never computes calendars for clocks that are not due.
"""

from __future__ import annotations

from datetime import datetime

from centricity.calendars.hours import BusinessCalendar
from centricity.cases.models import CaseTarget, TargetState

RUNNING, PAUSED = TargetState.RUNNING.value, TargetState.PAUSED.value
ACHIEVED, BREACHED = TargetState.ACHIEVED.value, TargetState.BREACHED.value
OPEN_STATES = (RUNNING, PAUSED)
DEFAULT_WARN_SHARE = 0.8


def _schedule(
    target: CaseTarget, clock: BusinessCalendar, now: datetime, warn_share: float
) -> None:
    """Due and warning times of a clock counting from `now` with what remains."""
    remaining = max(0, target.minutes * 60 - target.counted_seconds)
    target.due_at = clock.add(now, remaining / 60)
    before_warning = max(0.0, target.minutes * 60 * warn_share - target.counted_seconds)
    target.warn_at = clock.add(now, before_warning / 60)


def start(
    *,
    case_id: int,
    kind: str,
    minutes: int,
    policy_id: int | None,
    calendar_id: int,
    clock: BusinessCalendar,
    at: datetime,
    cycle: int = 1,
    warn_share: float = DEFAULT_WARN_SHARE,
) -> CaseTarget:
    """A new running clock from `at` (outside working time it counts from the next
    working minute, which the due time already reflects)."""
    target = CaseTarget(
        case_id=case_id,
        kind=kind,
        cycle=cycle,
        policy_id=policy_id,
        calendar_id=calendar_id,
        minutes=minutes,
        state=RUNNING,
        started_at=at,
        counted_seconds=0,
        running_since=at,
    )
    _schedule(target, clock, at, warn_share)
    return target


def counted_seconds(target: CaseTarget, clock: BusinessCalendar, now: datetime) -> int:
    """Working seconds the clock has counted up to `now`, pauses excluded."""
    running = 0
    if target.running_since is not None and now > target.running_since:
        running = round(clock.working_minutes(target.running_since, now) * 60)
    return target.counted_seconds + running


def pause(target: CaseTarget, clock: BusinessCalendar, now: datetime) -> None:
    """Stop counting (the case waits on the customer); the due time is unknown meanwhile."""
    if target.state != RUNNING and not (target.state == BREACHED and target.running_since):
        return
    target.counted_seconds = counted_seconds(target, clock, now)
    target.running_since = None
    if target.state == RUNNING:
        target.state = PAUSED
        target.due_at = None
        target.warn_at = None


def resume(
    target: CaseTarget,
    clock: BusinessCalendar,
    now: datetime,
    warn_share: float = DEFAULT_WARN_SHARE,
) -> None:
    """Count again from `now`; the due time is what remains of the target from here."""
    if target.state == PAUSED:
        target.state = RUNNING
        target.running_since = now
        _schedule(target, clock, now, warn_share)
    elif target.state == BREACHED and target.achieved_at is None and target.running_since is None:
        target.running_since = now  # a missed clock keeps counting how late it is


def achieve(target: CaseTarget, clock: BusinessCalendar, now: datetime) -> None:
    """Stop the clock for good and store the working time it took; a clock that ran past
    its due time is breached, and a breached one stays breached."""
    if target.state not in OPEN_STATES and not (
        target.state == BREACHED and target.achieved_at is None
    ):
        return
    counted = counted_seconds(target, clock, now)
    target.counted_seconds = counted
    target.running_since = None
    target.achieved_at = now
    target.achieved_minutes = round(counted / 60, 2)
    if target.state != BREACHED and counted > target.minutes * 60:
        target.state = BREACHED
        target.breached_at = target.due_at or now
    elif target.state != BREACHED:
        target.state = ACHIEVED


def reopen(
    target: CaseTarget,
    clock: BusinessCalendar,
    now: datetime,
    warn_share: float = DEFAULT_WARN_SHARE,
) -> None:
    """Count again after a solved case reopens, carrying the time already counted."""
    if target.state == ACHIEVED:
        target.state = PAUSED
        target.achieved_at = None
        target.achieved_minutes = None
        resume(target, clock, now, warn_share)
    elif target.state == BREACHED and target.achieved_at is not None:
        target.achieved_at = None
        target.achieved_minutes = None
        target.running_since = now


def breach(target: CaseTarget) -> None:
    """Mark a running clock that passed its due time as breached (it keeps counting)."""
    if target.state == RUNNING and target.due_at is not None:
        target.state = BREACHED
        target.breached_at = target.due_at


def retarget(
    target: CaseTarget,
    *,
    minutes: int,
    policy_id: int | None,
    calendar_id: int,
    old_clock: BusinessCalendar,
    new_clock: BusinessCalendar,
    now: datetime,
    warn_share: float = DEFAULT_WARN_SHARE,
) -> None:
    """Apply a new policy's target, carrying over the working time counted so far (in the
    old calendar) and the pause; a breached clock stays breached."""
    target.counted_seconds = counted_seconds(target, old_clock, now)
    target.minutes = minutes
    target.policy_id = policy_id
    target.calendar_id = calendar_id
    if target.state == RUNNING:
        target.running_since = now
        _schedule(target, new_clock, now, warn_share)
        if target.warned_at is not None and target.warn_at is not None and target.warn_at > now:
            target.warned_at = None  # more time now: warn again when it runs short
    elif target.running_since is not None:  # breached and still counting
        target.running_since = now


def effective_state(target: CaseTarget, now: datetime) -> str:
    """The state as of `now`: a running clock past its due time is breached even before
    the breach check has marked it."""
    if target.state == RUNNING and target.due_at is not None and target.due_at <= now:
        return BREACHED
    return target.state
