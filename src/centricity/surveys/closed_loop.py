"""Closed-loop figures by department: how many follow-ups were opened and closed, how
many were closed within their resolution target, how long they took, and whether the
customers say their concern was resolved.

- closed-loop rate = follow-up tasks solved or closed now / follow-ups opened;
- within-target rate = of the follow-ups whose resolution clock has ended (met, missed,
  or still running past its due time, as the service metrics count attainment), the
  share met in time; follow-ups without a resolution target are left out;
- median hours to close = median of (first solve or close − opening), in elapsed hours;
  a reopen does not reset it;
- recovery rate = "yes, resolved" answers / answers to the recovery question.

Each follow-up counts for the department that owns its task now. Admins see every
department; other staff see their own department's row (and a total of it).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, Role, User
from centricity.cases.models import Case, CaseTarget, TargetKind, TargetState
from centricity.kit.time import utcnow
from centricity.surveys.loop.models import FollowUp
from centricity.surveys.loop.schemas import ClosedLoopFigures, ClosedLoopRow

DONE_STATUSES = ("solved", "closed")


@dataclass(frozen=True)
class _Item:
    department_id: int
    status: str
    opened_at: datetime
    first_closed_at: datetime | None
    recovery_answered: bool
    recovery_resolved: bool
    target_state: str | None
    target_due_at: datetime | None


def _items(
    session: Session, actor: User, survey_id: int | None, start: date | None, end: date | None
) -> list[_Item]:
    resolution = and_(
        CaseTarget.case_id == Case.id,
        CaseTarget.kind == TargetKind.RESOLUTION.value,
        CaseTarget.cycle == 1,
    )
    query = (
        select(
            Case.department_id,
            Case.status,
            FollowUp.opened_at,
            FollowUp.first_closed_at,
            FollowUp.recovery_answered_at,
            FollowUp.recovery_resolved,
            CaseTarget.state,
            CaseTarget.due_at,
        )
        .join(Case, Case.id == FollowUp.case_id)
        .outerjoin(CaseTarget, resolution)
    )
    if actor.role_enum is not Role.ADMIN:
        query = query.where(Case.department_id == actor.department_id)
    if survey_id is not None:
        query = query.where(FollowUp.survey_id == survey_id)
    if start is not None:
        query = query.where(FollowUp.opened_at >= datetime.combine(start, time(), tzinfo=UTC))
    if end is not None:
        next_day = datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC)
        query = query.where(FollowUp.opened_at < next_day)
    return [
        _Item(
            department_id=row[0],
            status=row[1],
            opened_at=row[2],
            first_closed_at=row[3],
            recovery_answered=row[4] is not None,
            recovery_resolved=bool(row[5]),
            target_state=row[6],
            target_due_at=row[7],
        )
        for row in session.execute(query)
    ]


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def _row(department_id: int | None, name: str, items: list[_Item], now: datetime) -> ClosedLoopRow:
    closed = sum(1 for item in items if item.status in DONE_STATUSES)
    met = sum(1 for item in items if item.target_state == TargetState.ACHIEVED.value)
    missed = sum(
        1
        for item in items
        if item.target_state == TargetState.BREACHED.value
        or (
            item.target_state in (TargetState.RUNNING.value, TargetState.PAUSED.value)
            and item.target_due_at is not None
            and item.target_due_at <= now
        )
    )
    hours = [
        (item.first_closed_at - item.opened_at).total_seconds() / 3600
        for item in items
        if item.first_closed_at is not None
    ]
    answers = [item for item in items if item.recovery_answered]
    return ClosedLoopRow(
        department_id=department_id,
        department=name,
        follow_ups=len(items),
        closed=closed,
        closed_loop_rate=_share(closed, len(items)),
        within_target_rate=_share(met, met + missed),
        median_hours_to_close=round(statistics.median(hours), 2) if hours else None,
        recovery_answers=len(answers),
        recovery_rate=_share(sum(1 for item in answers if item.recovery_resolved), len(answers)),
    )


def by_department(
    session: Session,
    *,
    actor: User,
    survey_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> ClosedLoopFigures:
    """The closed-loop figures of the follow-ups opened from `start` to `end` (UTC days,
    both optional), one row per department the actor may see, largest first, and the
    total."""
    now = now or utcnow()
    items = _items(session, actor, survey_id, start, end)
    names = {row.id: row.name for row in session.execute(select(Department.id, Department.name))}
    groups: dict[int, list[_Item]] = {}
    for item in items:
        groups.setdefault(item.department_id, []).append(item)
    rows = [
        _row(department_id, names.get(department_id, ""), group, now)
        for department_id, group in groups.items()
    ]
    rows.sort(key=lambda row: (-row.follow_ups, row.department))
    return ClosedLoopFigures(departments=rows, total=_row(None, "", items, now))


def section(session: Session, actor: User, *, survey_id: int | None = None) -> dict[str, Any]:
    """The context of the Voice page's closed-loop section
    (`surveys/closed_loop_section.html`): `{"closed_loop": ClosedLoopFigures}`."""
    return {"closed_loop": by_department(session, actor=actor, survey_id=survey_id)}
