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
from dataclasses import dataclass, field
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
    run = _Run(now=now, settings=settings or get_settings())
    report = CheckReport()
    for breach, condition, order in (
        (True, CaseTarget.due_at <= now, CaseTarget.due_at),
        (False, CaseTarget.warned_at.is_(None) & (CaseTarget.warn_at <= now), CaseTarget.warn_at),
    ):
        while True:
            _begin(session)
            found = _batch(session, condition, order)
            report.checked += len(found)
            taken = _take(session, found, breach=breach, now=now)
            for target, case in taken:
                _tell(session, case, target, BREACH if breach else WARNING, run)
                if breach:
                    _escalate(session, case, target, run)
            if breach:
                report.breached += len(taken)
            else:
                report.warned += len(taken)
            session.commit()
            if len(found) < BATCH:
                break
    return report


@dataclass
class _Run:
    """What one run of the check reads once: its clock, the settings, and each person's
    choice of e-mail per notice kind (one query per person and kind, not per notice)."""

    now: datetime
    settings: Settings
    by_email: dict[tuple[int, str], bool] = field(default_factory=dict)
    # Held here because the session keeps loaded objects only while something refers to
    # them: without these, every notice read its recipient and policy again.
    people: dict[tuple[int | None, int], list[User]] = field(default_factory=dict)
    policies: dict[int, SlaPolicy | None] = field(default_factory=dict)
    sending: dict[int, datetime] = field(default_factory=dict)  # per person, non-urgent

    def recipients(self, session: Session, case: Case) -> list[User]:
        """`recipients` of the case, read once per assignee and department."""
        key = (case.assignee_id, case.department_id)
        if key not in self.people:
            self.people[key] = recipients(session, case)
        return self.people[key]

    def in_working_hours(self, session: Session, user: User, case: Case) -> datetime:
        """When a notice's e-mail may go: now for urgent cases or people without a
        calendar, else the next minute of the person's working time (no warning at 02:00);
        read once per person."""
        if case.priority == Priority.URGENT.value or user.calendar_id is None:
            return self.now
        if user.id not in self.sending:
            clock = calendars.arithmetic(calendars.get(session, user.calendar_id))
            self.sending[user.id] = clock.next_working(self.now)
        return self.sending[user.id]

    def policy(self, session: Session, policy_id: int) -> SlaPolicy | None:
        """The policy with this id, read once per run."""
        if policy_id not in self.policies:
            self.policies[policy_id] = session.get(SlaPolicy, policy_id)
        return self.policies[policy_id]

    def wants_email(self, session: Session, user: User, kind: str) -> bool:
        """Whether the person gets this kind of notice by e-mail, read once per run."""
        key = (user.id, kind)
        if key not in self.by_email:
            self.by_email[key] = notifications.wants_email(session, user, kind)
        return self.by_email[key]


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
    session: Session, found: list[int], *, breach: bool, now: datetime
) -> list[tuple[CaseTarget, Case]]:
    """Claim a batch of targets for this threshold in one conditional UPDATE: a target
    another run claimed first no longer matches it (PostgreSQL re-checks the condition
    after the other's commit; SQLite has one writer). Returns the claimed targets with
    their cases, in the batch's order, loaded in two queries."""
    if not found:
        return []
    statement = update(CaseTarget).where(CaseTarget.id.in_(found), CaseTarget.state == RUNNING)
    if breach:
        statement = statement.where(CaseTarget.due_at <= now).values(
            state=TargetState.BREACHED.value, breached_at=CaseTarget.due_at, warned_at=now
        )
    else:
        statement = statement.where(CaseTarget.warned_at.is_(None)).values(warned_at=now)
    claimed = set(
        session.scalars(
            statement.returning(CaseTarget.id).execution_options(synchronize_session=False)
        )
    )
    if not claimed:
        return []
    targets = {
        t.id: t
        for t in session.scalars(
            select(CaseTarget)
            .where(CaseTarget.id.in_(claimed))
            .execution_options(populate_existing=True)
        )
    }
    case_ids = {t.case_id for t in targets.values()}
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(case_ids)))}
    return [(targets[i], cases[targets[i].case_id]) for i in found if i in claimed]


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


def _tell(session: Session, case: Case, target: CaseTarget, kind: NoticeKind, run: _Run) -> None:
    now = run.now
    params = {
        "case_id": case.id,
        "target": {"label": ["target", target.kind]},
        "priority": {"label": ["priority", case.priority]},
        "due_at": {"at": (target.due_at or now).isoformat()},
    }
    threshold = "breach" if kind is BREACH else "warning"
    for user in run.recipients(session, case):
        notifications.notify(
            session,
            user=user,
            kind=kind.kind,
            params=params,
            dedupe_key=f"sla:{target.id}:{target.cycle}:{threshold}:{user.id}",
            link=f"/cases/{case.id}",
            send_after=run.in_working_hours(session, user, case),
            now=now,
            settings=run.settings,
            by_email=run.wants_email(session, user, kind.kind),
        )


def _escalate(session: Session, case: Case, target: CaseTarget, run: _Run) -> None:
    """Apply the breached policy's escalation: another queue or person, a higher priority."""
    now = run.now
    policy = run.policy(session, target.policy_id) if target.policy_id else None
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
