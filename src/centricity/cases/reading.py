"""Cases as the API and pages read them: targets with the time left in working minutes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from centricity.cases import clocks, service
from centricity.cases.models import Case, CaseTarget
from centricity.cases.schemas import CaseRead, TargetRead
from centricity.kit.time import utcnow


def target_read(session: Session, target: CaseTarget, now: datetime) -> TargetRead:
    """One clock as of `now`: its state (running past due reads as breached) and the working
    minutes left (negative: how late), counted in its own calendar."""
    state = clocks.effective_state(target, now)
    left: float | None = None
    if target.due_at is not None and target.achieved_at is None and target.state != "paused":
        clock = service.clock_for(session, target.calendar_id)
        if target.due_at >= now:
            left = round(clock.working_minutes(now, target.due_at), 1)
        else:
            left = -round(clock.working_minutes(target.due_at, now), 1)
    return TargetRead(
        kind=target.kind,
        state=state,
        due_at=target.due_at,
        minutes=target.minutes,
        time_left_minutes=left,
        achieved_at=target.achieved_at,
        achieved_minutes=target.achieved_minutes,
        breached_at=target.breached_at or (target.due_at if state == clocks.BREACHED else None),
        cycle=target.cycle,
    )


def case_read(session: Session, case: Case, now: datetime | None = None) -> CaseRead:
    """A case with its current targets, as of `now`."""
    now = now or utcnow()
    targets = [target_read(session, t, now) for t in service.current_targets(session, case)]
    return CaseRead(
        id=case.id,
        kind=case.kind,
        external_id=case.external_id,
        customer_id=case.customer_id,
        requesting_department_id=case.requesting_department_id,
        internal=case.internal,
        subject=case.subject,
        description=case.description,
        channel=case.channel,
        priority=case.priority,
        status=case.status,
        department_id=case.department_id,
        assignee_id=case.assignee_id,
        tags=case.tags,
        tier=case.tier,
        policy_id=case.policy_id,
        opened_at=case.opened_at,
        first_responded_at=case.first_responded_at,
        solved_at=case.solved_at,
        closed_at=case.closed_at,
        reopened_count=case.reopened_count,
        created_at=case.created_at,
        updated_at=case.updated_at,
        targets=targets,
    )
