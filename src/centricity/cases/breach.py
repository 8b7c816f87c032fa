"""The breach check: warn before a target runs out, mark it breached when it does, escalate.

It reads only running targets through their indexes: `(state, due_at)` for the ones past
due, `(state, warned_at, warn_at)` for the ones past their warning time not yet warned;
nothing else is scanned, so a million open cases cost what the due ones cost. Each target
is taken by a conditional UPDATE (one winner when two workers run the check at once), and
each notice has a unique key per target, threshold and recipient, so nobody is told twice.
Warnings reach staff in their working hours (their calendar), urgent cases at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.calendars import service as calendars
from centricity.cases import service
from centricity.cases.models import Case, CaseTarget, Priority, SlaPolicy, TargetState
from centricity.cases.schemas import CaseUpdate
from centricity.config import Settings, get_settings
from centricity.db import begin_writing
from centricity.kit.errors import DomainError
from centricity.kit.i18n import noop, pnoop, register_labels
from centricity.kit.time import utcnow
from centricity.notifications import service as notifications
from centricity.notifications.service import NoticeKind

LOG = logging.getLogger(__name__)
BATCH = 1000
RUNNING = TargetState.RUNNING.value
# The kinds as the notification settings list them.
NOTICE_LABELS = register_labels(
    "notice kind",
    {
        "sla.warning": pnoop("notice kind", "A service-level target is about to run out"),
        "sla.breach": pnoop("notice kind", "A service-level target was missed"),
    },
)
WARNING = notifications.register_kind(
    NoticeKind(
        kind="sla.warning",
        title=noop("Case #%(case_id)s: %(target)s due %(due_at)s"),
        body=noop(
            "The %(target)s target of case #%(case_id)s (priority %(priority)s) runs out "
            "at %(due_at)s."
        ),
    )
)
BREACH = notifications.register_kind(
    NoticeKind(
        kind="sla.breach",
        title=noop("Case #%(case_id)s: %(target)s target missed"),
        body=noop(
            "The %(target)s target of case #%(case_id)s (priority %(priority)s) ran out "
            "at %(due_at)s."
        ),
    )
)
_HIGHER = {
    Priority.LOW.value: Priority.NORMAL.value,
    Priority.NORMAL.value: Priority.HIGH.value,
    Priority.HIGH.value: Priority.URGENT.value,
}


@dataclass
class CheckReport:
    """What one run of the check did: targets read, warned and breached."""

    checked: int = 0
    warned: int = 0
    breached: int = 0

    def line(self) -> str:
        """The summary line `centricity sla check` ends with."""
        return f"checked={self.checked} warned={self.warned} breached={self.breached}"


def check(
    session: Session, *, now: datetime | None = None, settings: Settings | None = None
) -> CheckReport:
    """Breach every running target past due and warn every one past its warning time;
    commits after each batch so a long run never holds the write lock."""
    now = now or utcnow()
    settings = settings or get_settings()
    report = CheckReport()
    while True:
        _begin(session)
        due = _batch(session, CaseTarget.due_at <= now, CaseTarget.due_at)
        report.checked += len(due)
        for target_id in due:
            if _take(session, target_id, breach=True, now=now, settings=settings):
                report.breached += 1
        session.commit()
        if len(due) < BATCH:
            break
    while True:
        _begin(session)
        warn = _batch(
            session,
            (CaseTarget.warned_at.is_(None)) & (CaseTarget.warn_at <= now),
            CaseTarget.warn_at,
        )
        report.checked += len(warn)
        for target_id in warn:
            if _take(session, target_id, breach=False, now=now, settings=settings):
                report.warned += 1
        session.commit()
        if len(warn) < BATCH:
            break
    return report


def _begin(session: Session) -> None:
    """Start each batch as a writer (SQLite: BEGIN IMMEDIATE waits for the write lock, where
    a reader that starts writing could fail at once beside another check)."""
    if not session.in_transaction():
        begin_writing(session)


def _batch(session: Session, condition: object, order: object) -> list[int]:
    query = (
        select(CaseTarget.id)
        .where(CaseTarget.state == RUNNING, condition)  # type: ignore[arg-type]
        .order_by(order)  # type: ignore[arg-type]
        .limit(BATCH)
    )
    return list(session.scalars(query))


def _take(
    session: Session, target_id: int, *, breach: bool, now: datetime, settings: Settings
) -> bool:
    """Claim one target for this threshold (False: another run got there first)."""
    statement = update(CaseTarget).where(CaseTarget.id == target_id, CaseTarget.state == RUNNING)
    if breach:
        statement = statement.where(CaseTarget.due_at <= now).values(
            state=TargetState.BREACHED.value, breached_at=CaseTarget.due_at, warned_at=now
        )
    else:
        statement = statement.where(CaseTarget.warned_at.is_(None)).values(warned_at=now)
    result = session.execute(statement.execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        return False
    target = session.get(CaseTarget, target_id, populate_existing=True)
    assert target is not None
    case = session.get(Case, target.case_id)
    assert case is not None
    _tell(session, case, target, BREACH if breach else WARNING, now, settings)
    if breach:
        _escalate(session, case, target, now)
    return True


def recipients(session: Session, case: Case) -> list[User]:
    """The assignee, or when nobody is assigned the managers of the owning department."""
    if case.assignee_id is not None:
        assignee = session.get(User, case.assignee_id)
        if assignee is not None and assignee.is_active:
            return [assignee]
    managers = select(User).where(
        User.department_id == case.department_id,
        User.role == Role.MANAGER.value,
        User.is_active.is_(True),
    )
    return list(session.scalars(managers.order_by(User.id)))


def _tell(
    session: Session,
    case: Case,
    target: CaseTarget,
    kind: NoticeKind,
    now: datetime,
    settings: Settings,
) -> None:
    params = {
        "case_id": case.id,
        "target": {"label": ["target", target.kind]},
        "priority": {"label": ["priority", case.priority]},
        "due_at": {"at": (target.due_at or now).isoformat()},
    }
    threshold = "breach" if kind is BREACH else "warning"
    for user in recipients(session, case):
        notifications.notify(
            session,
            user=user,
            kind=kind.kind,
            params=params,
            dedupe_key=f"sla:{target.id}:{target.cycle}:{threshold}:{user.id}",
            link=f"/cases/{case.id}",
            send_after=_in_working_hours(session, user, case, now),
            now=now,
            settings=settings,
        )


def _in_working_hours(session: Session, user: User, case: Case, now: datetime) -> datetime:
    """When a notice's e-mail may go: now for urgent cases or people without a calendar,
    else the next minute of the person's working time (no warning at 02:00)."""
    if case.priority == Priority.URGENT.value or user.calendar_id is None:
        return now
    clock = calendars.arithmetic(calendars.get(session, user.calendar_id))
    return clock.next_working(now)


def _escalate(session: Session, case: Case, target: CaseTarget, now: datetime) -> None:
    """Apply the breached policy's escalation: another queue or person, a higher priority."""
    policy = session.get(SlaPolicy, target.policy_id) if target.policy_id else None
    if policy is None:
        return
    changes: dict[str, object] = {}
    if policy.escalate_raise_priority and case.priority in _HIGHER:
        changes["priority"] = _HIGHER[case.priority]
    if policy.escalate_to_department_id and policy.escalate_to_department_id != case.department_id:
        changes["department_id"] = policy.escalate_to_department_id
    if policy.escalate_to_user_id and policy.escalate_to_user_id != case.assignee_id:
        changes["assignee_id"] = policy.escalate_to_user_id
    if not changes:
        return
    try:
        with session.begin_nested():
            service.update(
                session,
                case=case,
                data=CaseUpdate.model_validate(changes),
                actor=None,
                now=now,
                reason=f"escalation: {target.kind} target missed",
            )
    except DomainError:
        # The policy names someone who no longer fits (left, moved departments): the breach
        # and its notices stand; the history keeps the attempt out, the log says why.
        LOG.warning(
            "escalation of case %s skipped: policy %s no longer applies", case.id, policy.id
        )
