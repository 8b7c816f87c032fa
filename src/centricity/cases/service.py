"""Case use cases: open, change, reply; each keeps the case's service-level clocks right.

Who sees a case: admins; members of the owning department; members of the requesting
department (an internal request: they follow its progress); the assignee and the creator.
Who changes it: admins, the owning department's agents and managers, and the assignee.
A member of the requesting department replies as the (internal) customer.
"""

from __future__ import annotations

import builtins
import functools
import os
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, Role, User
from centricity.audit import service as audit
from centricity.calendars import service as calendars
from centricity.calendars.hours import BusinessCalendar
from centricity.calendars.models import Calendar
from centricity.cases import clocks, policies
from centricity.cases.models import (
    Case,
    CaseEvent,
    CaseInteraction,
    CaseKind,
    CaseMessage,
    CaseTarget,
    Priority,
    SlaPolicy,
    Status,
    TargetKind,
)
from centricity.cases.schemas import CaseCreate, CaseUpdate, ReplyCreate
from centricity.config import get_settings
from centricity.customers import service as customers
from centricity.interactions import service as interaction_service
from centricity.interactions.models import Channel, Interaction
from centricity.jobs import service as jobs
from centricity.kit.errors import Conflict, Invalid, NotFound, PermissionDenied
from centricity.kit.i18n import pnoop, register_labels
from centricity.kit.pagination import Page
from centricity.kit.time import utcnow
from centricity.value import queries as value_queries
from centricity.value import service as value_service
from centricity.value.models import CustomerValue

DEFAULT_PAUSE = (Status.WAITING_ON_CUSTOMER.value,)
WAITING_CHANNELS = (Channel.PHONE.value, Channel.CHAT.value)  # a caller waits on the line
FUTURE_TOLERANCE = timedelta(minutes=5)
CLOSED_STATES = (Status.SOLVED.value, Status.CLOSED.value)


def visibility(actor: User) -> ColumnElement[bool]:
    """The rule of who sees a case, as a condition on the cases table."""
    if actor.role_enum is Role.ADMIN:
        return Case.id.is_not(None)
    seen_by = [Case.assignee_id == actor.id, Case.created_by_user_id == actor.id]
    if actor.department_id is not None:
        seen_by += [
            Case.department_id == actor.department_id,
            Case.requesting_department_id == actor.department_id,
        ]
    return or_(*seen_by)


def visible_cases(actor: User) -> Select[Case]:
    """The only door to the cases table for a member of staff."""
    return select(Case).where(visibility(actor))


def get(session: Session, case_id: int, *, actor: User) -> Case:
    """One case the actor may see; another department's case is not found (404)."""
    case = session.scalar(visible_cases(actor).where(Case.id == case_id))
    if case is None:
        raise NotFound("case not found")
    return case


def can_manage(case: Case, actor: User) -> bool:
    """Whether the actor works the case (changes it, replies as staff)."""
    if actor.role_enum is Role.ADMIN:
        return True
    if actor.role_enum is Role.VIEWER:
        return False
    return case.assignee_id == actor.id or case.department_id == actor.department_id


def list(
    session: Session,
    *,
    actor: User,
    status: str | None = None,
    department_id: int | None = None,
    assignee_id: int | None = None,
    state: str | None = None,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
    statuses: Sequence[str] | None = None,
    priority: str | None = None,
    tier: str | None = None,
    channel: str | None = None,
    requesting_department_id: int | None = None,
    unassigned: bool = False,
    q: str = "",
    customer_id: int | None = None,
    kind: str | None = None,
) -> Page[Case]:
    """Cases the actor may see, what is due first first, filtered by status (or a set of
    them), department, assignee, priority, tier, channel, requesting department, customer,
    kind (`case`, `task`, …), words of the subject, and the state of a target (`breached`,
    `at_risk`, `running`, …)."""
    now = now or utcnow()
    query = visible_cases(actor)
    if status:
        query = query.where(Case.status == status)
    elif statuses:
        query = query.where(Case.status.in_(builtins.list(statuses)))
    for column, value in (
        (Case.department_id, department_id),
        (Case.assignee_id, assignee_id),
        (Case.priority, priority),
        (Case.tier, tier),
        (Case.channel, channel),
        (Case.requesting_department_id, requesting_department_id),
        (Case.customer_id, customer_id),
        (Case.kind, kind),
    ):
        if value:
            query = query.where(column == value)
    if unassigned:
        query = query.where(Case.assignee_id.is_(None))
    if q.strip():
        words = q.strip()
        by_subject = func.lower(Case.subject).contains(words.lower(), autoescape=True)
        query = query.where(
            or_(by_subject, Case.id == int(words))
            if words.isdigit() and len(words) < 12
            else by_subject
        )
    if state:
        query = query.where(Case.id.in_(_with_target_state(state, now)))
    due = (
        select(CaseTarget.due_at)
        .where(CaseTarget.case_id == Case.id, CaseTarget.due_at.is_not(None))
        .where(still_counting())
        .order_by(CaseTarget.due_at)
        .limit(1)
        .scalar_subquery()
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(due.is_(None), due, Case.opened_at, Case.id)
    items = builtins.list(session.scalars(ordered.limit(limit).offset(offset)))
    return Page(items=items, total=total, limit=limit, offset=offset)


AT_RISK = "at_risk"  # a running target past its warning time, not yet due


def still_counting() -> ColumnElement[bool]:
    """Targets whose clock still matters to the queue: running, paused, or missed but not
    yet met (a breached clock keeps counting until staff answer; it sorts first, as late)."""
    return or_(
        CaseTarget.state.in_(clocks.OPEN_STATES),
        (CaseTarget.state == clocks.BREACHED) & CaseTarget.achieved_at.is_(None),
    )


def _with_target_state(state: str, now: datetime) -> Select[int]:
    ids = select(CaseTarget.case_id)
    if state == clocks.BREACHED:
        overdue = (CaseTarget.state == clocks.RUNNING) & (CaseTarget.due_at <= now)
        return ids.where(or_(CaseTarget.state == clocks.BREACHED, overdue))
    if state == AT_RISK:
        return ids.where(
            CaseTarget.state == clocks.RUNNING, CaseTarget.warn_at <= now, CaseTarget.due_at > now
        )
    if state == clocks.RUNNING:
        return ids.where(CaseTarget.state == clocks.RUNNING, CaseTarget.due_at > now)
    return ids.where(CaseTarget.state == state)


def create(session: Session, *, data: CaseCreate, actor: User, now: datetime | None = None) -> Case:
    """Open a case (or a task) and start the clocks of the first policy that matches."""
    now = now or utcnow()
    opened_at = data.opened_at or now
    if opened_at > now + FUTURE_TOLERANCE:
        raise Invalid("a case cannot open in the future", field="opened_at")
    customer_id, requester_id = _requester(session, data, actor)
    department_id = data.department_id or actor.department_id
    if department_id is None:
        raise Invalid("name the department that owns the case", field="department_id")
    _check_department(session, department_id, "department_id")
    if data.external_id and session.scalar(
        select(Case.id).where(Case.external_id == data.external_id)
    ):
        raise Conflict("a case with this external id exists", field="external_id")
    case = Case(
        kind=data.kind.value,
        external_id=data.external_id,
        customer_id=customer_id,
        requesting_department_id=requester_id,
        subject=data.subject.strip(),
        description=data.description,
        channel=data.channel.value,
        priority=data.priority.value,
        status=Status.NEW.value,
        department_id=department_id,
        tags=data.tags,
        tier=_tier(session, customer_id),
        opened_at=opened_at,
        created_by_user_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    if data.assignee_id is not None:
        case.assignee_id = _assignee(session, data.assignee_id, department_id).id
    session.add(case)
    session.flush()
    _event(session, case, actor, "status", None, case.status, at=now)
    _apply_policy(session, case, actor, now=opened_at, reason="case opened")
    audit.record(session, actor=actor, action="case.create", entity=("case", case.id))
    return case


def open_for_customer(
    session: Session,
    *,
    customer_id: int,
    subject: str,
    description: str,
    channel: Channel,
    priority: Priority,
    department_id: int,
    now: datetime,
    source: str,
    kind: CaseKind = CaseKind.CASE,
    tags: builtins.list[str] | None = None,
) -> Case:
    """Open a case the customer started without anyone of staff acting (an e-mail that
    arrived, a call nobody answered): the same policy and clocks as any case, the history
    and the audit naming `source` instead of a person. Callers check who may feed it."""
    _check_department(session, department_id, "department_id")
    case = customer_case(
        customer_id=customer_id,
        subject=subject,
        description=description,
        channel=channel,
        priority=priority,
        department_id=department_id,
        now=now,
        kind=kind,
        tags=tags,
        tier=_tier(session, customer_id),
    )
    session.add(case)
    session.flush()
    _event(session, case, None, "status", None, case.status, at=now)
    _apply_policy(session, case, None, now=now, reason="case opened")
    audit.record(
        session, actor=None, action="case.create", entity=("case", case.id), actor_label=source
    )
    return case


def customer_case(
    *,
    customer_id: int,
    subject: str,
    description: str,
    channel: Channel,
    priority: Priority,
    department_id: int,
    now: datetime,
    kind: CaseKind,
    tags: builtins.list[str] | None,
    tier: str | None,
) -> Case:
    """A new case the customer started at `now` (not stored yet): what
    `open_for_customer` opens, one at a time or, for call-backs, many at once."""
    return Case(
        kind=kind.value,
        customer_id=customer_id,
        subject=(subject.strip() or "-")[:300],
        description=description,
        channel=channel.value,
        priority=priority.value,
        status=Status.NEW.value,
        department_id=department_id,
        tags=tags or [],
        tier=tier,
        opened_at=now,
        created_at=now,
        updated_at=now,
    )


def customer_message(
    session: Session, *, case: Case, body: str, now: datetime, source: str
) -> CaseMessage:
    """Add what the customer wrote (by e-mail, say) to the conversation, as `reply` does for
    a message staff enter for them: it reopens a solved case and starts the next-response
    clock. A closed case takes nothing more (callers open a new one)."""
    if case.status == Status.CLOSED.value:
        raise Conflict("the case is closed; open a new case", field="status")
    message = CaseMessage(
        case_id=case.id, from_customer=True, public=True, body=body, created_at=now
    )
    session.add(message)
    _customer_wrote(session, case, None, now)
    case.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=None,
        action="case.reply",
        entity=("case", case.id),
        details={"public": True, "from_customer": True},
        actor_label=source,
    )
    return message


def system_note(
    session: Session, *, case: Case, body: str, now: datetime, source: str
) -> CaseMessage:
    """An internal note no person wrote (a returned e-mail, say), for the agents only;
    it touches no clock."""
    message = CaseMessage(
        case_id=case.id, from_customer=False, public=False, body=body, created_at=now
    )
    session.add(message)
    case.updated_at = now
    session.flush()
    audit.record(
        session, actor=None, action="case.note", entity=("case", case.id), actor_label=source
    )
    return message


def system_status(
    session: Session, *, case: Case, status: Status, now: datetime, source: str, reason: str
) -> None:
    """Change a case's status for something no person did (the answered call that reached
    a customer solves their call-back task): clocks, history and followers as for staff,
    the history and the audit naming `source` and `reason`."""
    if case.status == status.value:
        return
    _set_status(session, case, None, status.value, now=now, reason=reason)
    case.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=None,
        action="case.update",
        entity=("case", case.id),
        details={"fields": ["status"]},
        actor_label=source,
    )


ReplyFollower = Callable[[Session, Case, CaseMessage], None]
_REPLY_FOLLOWERS: builtins.list[ReplyFollower] = []
StatusFollower = Callable[[Session, Case, str, str], None]
_STATUS_FOLLOWERS: builtins.list[StatusFollower] = []
# (session, case, old status, new status, the person who changed it or None for the system)
ActorStatusFollower = Callable[[Session, Case, str, str, User | None], None]
_ACTOR_STATUS_FOLLOWERS: builtins.list[ActorStatusFollower] = []
_STATUS_GUARDS: builtins.list[ActorStatusFollower] = []


def on_status_change(follower: StatusFollower) -> StatusFollower:
    """Register a function called in the transaction after a case's status changed, with
    the old and the new status (the mail channel tells the customer a case is solved)."""
    _STATUS_FOLLOWERS.append(follower)
    return follower


def on_status_change_by(follower: ActorStatusFollower) -> ActorStatusFollower:
    """Register a function called after a case's status changed that also needs to know
    who changed it (None: the system, such as an escalation or an answered call), so a
    survey is sent only for cases a person solved."""
    _ACTOR_STATUS_FOLLOWERS.append(follower)
    return follower


def before_status_change(guard: ActorStatusFollower) -> ActorStatusFollower:
    """Register a check run before a case's status changes; it refuses the change by
    raising (a follow-up task cannot be closed without its outcome and root cause)."""
    _STATUS_GUARDS.append(guard)
    return guard


def on_public_reply(follower: ReplyFollower) -> ReplyFollower:
    """Register a function called in the transaction after staff answer a case in public
    (the mail channel sends the answer to the customer)."""
    _REPLY_FOLLOWERS.append(follower)
    return follower


def _requester(session: Session, data: CaseCreate, actor: User) -> tuple[int | None, int | None]:
    if (data.customer_id is None) == (data.requesting_department_id is None):
        raise Invalid(
            "give either customer_id or requesting_department_id (an internal request)",
            field="customer_id",
        )
    if data.customer_id is not None:
        try:
            customers.get(session, data.customer_id, actor=actor)
        except NotFound:
            raise Invalid("no such customer", field="customer_id") from None
        return data.customer_id, None
    requester = data.requesting_department_id
    _check_department(session, requester, "requesting_department_id")  # type: ignore[arg-type]
    if actor.role_enum is not Role.ADMIN and requester != actor.department_id:
        raise Invalid(
            "an internal request comes from your own department",
            field="requesting_department_id",
        )
    return None, requester


def _tier(session: Session, customer_id: int | None) -> str | None:
    if customer_id is None:
        return None
    scores = value_queries.for_customer(session, customer_id)
    return scores.tier if scores is not None else None


def _check_department(session: Session, department_id: int, field: str) -> None:
    if session.get(Department, department_id) is None:
        raise Invalid("no such department", field=field)


def _assignee(session: Session, user_id: int, department_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Invalid("no such active member of staff", field="assignee_id")
    if user.role_enum is Role.VIEWER:
        raise Invalid("a viewer cannot work cases", field="assignee_id")
    if user.department_id != department_id and user.role_enum is not Role.ADMIN:
        raise Invalid("the assignee works in another department", field="assignee_id")
    return user


def update(
    session: Session,
    *,
    case: Case,
    data: CaseUpdate,
    actor: User | None,
    now: datetime | None = None,
    reason: str | None = None,
) -> Case:
    """Change status, priority, assignee, department or tags; a change that can alter the
    policy re-evaluates the targets, carrying over the time already counted. Without an
    actor the system changes it (an escalation), giving the `reason` in the history."""
    if actor is not None and not can_manage(case, actor):
        raise PermissionDenied("only the owning department works this case")
    now = now or utcnow()
    changes = data.model_dump(exclude_unset=True)
    if case.status == Status.CLOSED.value and changes:
        raise Conflict("the case is closed; open a new case", field="status")
    status = changes.get("status")
    if status is not None and status not in set(Status):
        raise Conflict(
            f"unknown status {status!r}; use one of: {', '.join(Status)}", field="status"
        )
    reasons = []
    if changes.get("priority") is not None and changes["priority"] != case.priority:
        _event(
            session,
            case,
            actor,
            "priority",
            case.priority,
            changes["priority"],
            at=now,
            reason=reason,
        )
        reasons.append(f"priority {case.priority} -> {changes['priority']}")
        case.priority = changes["priority"]
    if changes.get("department_id") is not None and changes["department_id"] != case.department_id:
        _check_department(session, changes["department_id"], "department_id")
        _event(
            session,
            case,
            actor,
            "department_id",
            case.department_id,
            changes["department_id"],
            at=now,
        )
        reasons.append(f"department {case.department_id} -> {changes['department_id']}")
        case.department_id = changes["department_id"]
        if case.assignee_id is not None and "assignee_id" not in changes:
            _event(session, case, actor, "assignee_id", case.assignee_id, None, at=now)
            case.assignee_id = None
    if changes.get("tags") is not None and changes["tags"] != case.tags:
        _event(session, case, actor, "tags", ",".join(case.tags), ",".join(changes["tags"]), at=now)
        reasons.append("tags changed")
        case.tags = changes["tags"]
    if "assignee_id" in changes and changes["assignee_id"] != case.assignee_id:
        new = changes["assignee_id"]
        if new is not None:
            _assignee(session, new, case.department_id)
        _event(session, case, actor, "assignee_id", case.assignee_id, new, at=now, reason=reason)
        case.assignee_id = new
    if reasons:
        why = "; ".join(reasons) if reason is None else f"{reason}: {'; '.join(reasons)}"
        _apply_policy(session, case, actor, now=now, reason=why)
    if status is not None and status != case.status:
        _set_status(session, case, actor, status, now=now)
    case.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="case.update",
        entity=("case", case.id),
        details={"fields": sorted(changes)},
        actor_label=None if actor else "sla check",
    )
    return case


def reply(
    session: Session,
    *,
    case: Case,
    data: ReplyCreate,
    actor: User,
    now: datetime | None = None,
) -> CaseMessage:
    """Add to the conversation. A public staff reply answers the customer (first and next
    response met); a message from the customer reopens a solved case and starts the
    next-response clock; an internal note touches no clock."""
    now = now or utcnow()
    if case.status == Status.CLOSED.value:
        raise Conflict("the case is closed; open a new case", field="status")
    staff = can_manage(case, actor)
    requester = (
        case.requesting_department_id is not None
        and actor.department_id == case.requesting_department_id
        and actor.role_enum is not Role.VIEWER
    )
    if not staff and not requester:
        raise PermissionDenied("only the owning or the requesting department writes here")
    from_customer = data.from_customer or not staff
    message = CaseMessage(
        case_id=case.id,
        author_user_id=actor.id,
        from_customer=from_customer,
        public=True if from_customer else data.public,
        body=data.body,
        created_at=now,
    )
    session.add(message)
    if from_customer:
        _customer_wrote(session, case, actor, now)
    elif message.public:
        _staff_answered(session, case, actor, now)
    case.updated_at = now
    session.flush()
    if message.public and not from_customer:
        for follower in _REPLY_FOLLOWERS:
            follower(session, case, message)
    audit.record(
        session,
        actor=actor,
        action="case.reply",
        entity=("case", case.id),
        details={"public": message.public, "from_customer": from_customer},
    )
    return message


def _staff_answered(session: Session, case: Case, actor: User, now: datetime) -> None:
    answered = (TargetKind.FIRST_RESPONSE, TargetKind.WAITING, TargetKind.NEXT_RESPONSE)
    for target in current_targets(session, case):
        if target.kind in answered:
            clocks.achieve(target, _clock(session, target.calendar_id), now)
    if case.first_responded_at is None:
        case.first_responded_at = now
    case.awaiting_reply_since = None
    if case.status == Status.NEW.value:
        _set_status(session, case, actor, Status.OPEN.value, now=now)


def _customer_wrote(session: Session, case: Case, actor: User | None, now: datetime) -> None:
    if case.status == Status.SOLVED.value or case.status in _pause_statuses(session, case):
        _set_status(session, case, actor, Status.OPEN.value, now=now, reason="customer replied")
    if case.first_responded_at is None or case.awaiting_reply_since is not None:
        case.awaiting_reply_since = case.awaiting_reply_since or now
        return  # the first-response clock (or an unanswered message's) already runs
    case.awaiting_reply_since = now
    policy = session.get(SlaPolicy, case.policy_id) if case.policy_id else None
    minutes = policy.next_response_minutes if policy else None
    if policy is None or minutes is None:
        return
    cycles = [t.cycle for t in _targets(session, case) if t.kind == TargetKind.NEXT_RESPONSE]
    session.add(
        clocks.start(
            case_id=case.id,
            kind=TargetKind.NEXT_RESPONSE.value,
            minutes=minutes,
            policy_id=policy.id,
            calendar_id=policy.calendar_id,
            clock=_clock(session, policy.calendar_id),
            at=now,
            cycle=max(cycles, default=0) + 1,
            warn_share=warn_share(),
        )
    )


def _set_status(
    session: Session,
    case: Case,
    actor: User | None,
    status: str,
    *,
    now: datetime,
    reason: str | None = None,
) -> None:
    old = case.status
    if status == Status.NEW.value:
        raise Conflict("a case cannot go back to new", field="status")
    for guard in _STATUS_GUARDS:
        guard(session, case, old, status, actor)
    pause = _pause_statuses(session, case)
    targets = current_targets(session, case)
    if old in CLOSED_STATES and status not in CLOSED_STATES:
        case.reopened_count += 1
        case.solved_at = None
        for target in targets:
            clocks.reopen(target, _clock(session, target.calendar_id), now)
    if status in CLOSED_STATES:
        for target in targets:
            clocks.achieve(target, _clock(session, target.calendar_id), now)
        case.awaiting_reply_since = None
        if status == Status.SOLVED.value or case.solved_at is None:
            case.solved_at = now
        if status == Status.CLOSED.value:
            case.closed_at = now
    elif status in pause:
        for target in targets:
            clocks.pause(target, _clock(session, target.calendar_id), now)
    elif old in pause:
        for target in targets:
            clocks.resume(target, _clock(session, target.calendar_id), now, warn_share())
    case.status = status
    _event(session, case, actor, "status", old, status, at=now, reason=reason)
    for follower in _STATUS_FOLLOWERS:
        follower(session, case, old, status)
    for actor_follower in _ACTOR_STATUS_FOLLOWERS:
        actor_follower(session, case, old, status, actor)


def _pause_statuses(session: Session, case: Case) -> tuple[str, ...]:
    policy = session.get(SlaPolicy, case.policy_id) if case.policy_id else None
    return tuple(policy.pause_statuses) if policy is not None else DEFAULT_PAUSE


def _apply_policy(
    session: Session, case: Case, actor: User | None, *, now: datetime, reason: str
) -> None:
    """Fix the first matching policy on the case and give it that policy's targets.

    On opening the clocks start at `opened_at`. Later (priority, tier, department or tags
    changed) each open clock takes the new target with the time it has counted; a clock
    the new policy does not set is dropped, so no old target lingers; a met or missed one
    stays as it was.
    """
    facts = policies.CaseFacts(
        tier=case.tier,
        priority=case.priority,
        channel=case.channel,
        department_id=case.department_id,
        internal=case.internal,
        tags=tuple(case.tags),
    )
    policy = policies.first_match(session, facts)
    if case.policy_id != (policy.id if policy else None):
        _event(
            session,
            case,
            actor,
            "policy_id",
            case.policy_id,
            policy.id if policy else None,
            at=now,
            reason=reason,
        )
    case.policy_id = policy.id if policy else None
    opening = reason == "case opened"
    # A case being opened has no clocks yet: asking the store would cost a query (and an
    # autoflush) on every case opened, survey follow-ups and call-backs included.
    existing = {} if opening else {t.kind: t for t in current_targets(session, case)}
    for kind in TargetKind:
        minutes = clock_minutes(policy, case, kind)
        target = existing.get(kind.value)
        if target is None:
            if kind is TargetKind.WAITING and not opening:
                continue  # a caller's wait counts from the call, not from a later change
            if minutes is not None and starts_on_opening(case, kind):
                assert policy is not None
                clock = _clock(session, policy.calendar_id)
                started = clocks.start(
                    case_id=case.id,
                    kind=kind.value,
                    minutes=minutes,
                    policy_id=policy.id,
                    calendar_id=policy.calendar_id,
                    clock=clock,
                    at=case.opened_at if opening else now,
                    warn_share=warn_share(),
                )
                session.add(started)
                if not opening and case.status in _pause_statuses(session, case):
                    clocks.pause(started, clock, now)  # a new clock waits like the others
            continue
        if target.state not in clocks.OPEN_STATES:
            continue
        if minutes is None or policy is None:
            session.delete(target)
            continue
        clocks.retarget(
            target,
            minutes=minutes,
            policy_id=policy.id,
            calendar_id=policy.calendar_id,
            old_clock=_clock(session, target.calendar_id),
            new_clock=_clock(session, policy.calendar_id),
            now=now,
            warn_share=warn_share(),
        )
    session.flush()


def clock_minutes(policy: SlaPolicy | None, case: Case, kind: TargetKind) -> int | None:
    """The minutes the case's `kind` clock has under `policy` (None: no such clock; a
    waiting clock only where a caller waits on the line)."""
    if policy is None:
        return None
    if kind is TargetKind.WAITING and case.channel not in WAITING_CHANNELS:
        return None
    return policy.minutes_for(kind.value)


def starts_on_opening(case: Case, kind: TargetKind) -> bool:
    """Whether the case's `kind` clock starts when it opens (not for a solved case; a
    response clock only while nobody has answered)."""
    if case.status in CLOSED_STATES:
        return False
    if kind is TargetKind.NEXT_RESPONSE:
        return False  # only a customer message staff have not answered starts it
    if kind in (TargetKind.FIRST_RESPONSE, TargetKind.WAITING):
        return case.first_responded_at is None
    return True


def _targets(session: Session, case: Case) -> builtins.list[CaseTarget]:
    query = select(CaseTarget).where(CaseTarget.case_id == case.id)
    return builtins.list(session.scalars(query.order_by(CaseTarget.kind, CaseTarget.cycle)))


def current_targets(session: Session, case: Case) -> builtins.list[CaseTarget]:
    """Each clock's latest cycle (next response has one per customer message)."""
    latest: dict[str, CaseTarget] = {}
    for target in _targets(session, case):
        latest[target.kind] = target
    order = [k.value for k in TargetKind]
    return sorted(latest.values(), key=lambda t: order.index(t.kind))


def link_interaction(
    session: Session,
    *,
    case: Case,
    interaction_id: int,
    actor: User,
    now: datetime | None = None,
) -> Interaction:
    """Link a contact of the case's customer to the case (the call that raised it, the
    call-back that answered it). Linking twice keeps one link; a contact the actor may not
    see is not found, another customer's is refused."""
    if not can_manage(case, actor):
        raise PermissionDenied("only the owning department works this case")
    if case.customer_id is None:
        raise Conflict("an internal request has no customer contacts", field="interaction_id")
    interaction = interaction_service.get(session, interaction_id, actor=actor)
    if interaction.customer_id != case.customer_id:
        raise Invalid("the contact belongs to another customer", field="interaction_id")
    linked = session.scalar(
        select(CaseInteraction.id).where(
            CaseInteraction.case_id == case.id, CaseInteraction.interaction_id == interaction.id
        )
    )
    if linked is None:
        now = now or utcnow()
        session.add(
            CaseInteraction(
                case_id=case.id,
                interaction_id=interaction.id,
                linked_by_user_id=actor.id,
                linked_at=now,
            )
        )
        _event(session, case, actor, "interaction", None, interaction.id, at=now)
        case.updated_at = now
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="case.link_interaction",
            entity=("case", case.id),
            details={"interaction_id": interaction.id},
        )
    return interaction


def interactions(session: Session, case: Case, *, actor: User) -> builtins.list[Interaction]:
    """The contacts linked to the case that the actor may see, newest first."""
    query = (
        interaction_service.visible_to(actor)
        .join(CaseInteraction, CaseInteraction.interaction_id == Interaction.id)
        .where(CaseInteraction.case_id == case.id)
        .order_by(Interaction.started_at.desc(), Interaction.id.desc())
    )
    return builtins.list(session.scalars(query))


def messages(session: Session, case: Case, *, actor: User) -> builtins.list[CaseMessage]:
    """The conversation, oldest first; internal notes only for the department working it."""
    query = select(CaseMessage).where(CaseMessage.case_id == case.id)
    if not can_manage(case, actor) and actor.department_id != case.department_id:
        query = query.where(CaseMessage.public.is_(True))
    return builtins.list(session.scalars(query.order_by(CaseMessage.created_at, CaseMessage.id)))


def history(session: Session, case: Case) -> builtins.list[CaseEvent]:
    """Every change of the case, oldest first."""
    query = select(CaseEvent).where(CaseEvent.case_id == case.id)
    return builtins.list(session.scalars(query.order_by(CaseEvent.at, CaseEvent.id)))


# The history's name of an explicitly set first-response due time (a task's call).
register_labels("case field", {"first_response_due": pnoop("case field", "call due")})


def open_task(
    session: Session,
    *,
    customer_id: int,
    subject: str,
    description: str,
    department_id: int,
    due_at: datetime,
    now: datetime,
    source: str,
) -> Case:
    """Open a task to phone a customer (the call before a delivery) whose first response
    is due at `due_at` exactly: that moment is the customer's, not the queue's working
    time. The other clocks follow the policies, except waiting: nobody waits on the line
    for a call we make."""
    case = open_for_customer(
        session,
        customer_id=customer_id,
        subject=subject,
        description=description,
        channel=Channel.PHONE,
        priority=Priority.NORMAL,
        department_id=department_id,
        now=now,
        source=source,
        kind=CaseKind.TASK,
    )
    for target in current_targets(session, case):
        if target.kind == TargetKind.WAITING.value:
            session.delete(target)
    set_first_response_due(session, case=case, due_at=due_at, now=now, reason=source)
    return case


def set_first_response_due(
    session: Session, *, case: Case, due_at: datetime, now: datetime, reason: str
) -> CaseTarget | None:
    """Make a case's first response due at `due_at` exactly (a task that moves with the
    event it prepares), counted round the clock from `now`, so a calendar recomputation
    finds the same moment. A met or missed clock stays as it was (None then); a later
    change of priority or department applies the policies again, as for every case."""
    first = TargetKind.FIRST_RESPONSE.value
    target = next((t for t in current_targets(session, case) if t.kind == first), None)
    if target is not None and target.state not in clocks.OPEN_STATES:
        return None
    old = target.due_at if target is not None else None
    seconds = (due_at - now).total_seconds()
    remaining = max(0, int(-(-seconds // 1)))  # whole seconds, rounded up
    minutes = max(1, -(-remaining // 60))
    calendar_id = calendars.round_the_clock(session).id
    if target is None:
        target = CaseTarget(case_id=case.id, kind=first, cycle=1, started_at=now)
        session.add(target)
    target.policy_id = None
    target.calendar_id = calendar_id
    target.minutes = minutes
    # The part of the last minute already "counted", so the clock runs out at `due_at`.
    target.counted_seconds = minutes * 60 - remaining
    target.running_since = now
    target.state = clocks.RUNNING
    target.due_at = due_at
    before_warning = max(0.0, minutes * 60 * warn_share() - target.counted_seconds)
    target.warn_at = min(due_at, now + timedelta(seconds=before_warning))
    if target.warned_at is not None and target.warn_at > now:
        target.warned_at = None  # more time now: warn again when it runs short
    _event(
        session,
        case,
        None,
        "first_response_due",
        old.isoformat() if old else None,
        due_at.isoformat(),
        at=now,
        reason=reason,
    )
    case.updated_at = now
    session.flush()
    return target


def _calendar_changed(session: Session, calendar: Calendar) -> None:
    """Queue the recomputation of the due times counting in a calendar that changed."""
    jobs.enqueue(session, kind="cases.recompute_due", payload={"calendar_id": calendar.id})


calendars.on_change(_calendar_changed)

RETIER_BATCH = 500


def retier(session: Session, *, now: datetime | None = None) -> int:
    """Give open cases whose customer's tier changed in the latest value analysis the new
    tier, and re-evaluate their policy and targets, carrying over the time counted (the
    history says why). Only changed cases are read; returns how many changed."""
    run = value_queries.latest_run(session)
    if run is None:
        return 0
    now = now or utcnow()
    changed = 0
    while True:
        batch = session.execute(
            select(Case, CustomerValue.tier)
            .join(
                CustomerValue,
                (CustomerValue.customer_id == Case.customer_id) & (CustomerValue.run_id == run.id),
            )
            .where(
                Case.status.not_in(CLOSED_STATES),
                or_(Case.tier.is_(None), Case.tier != CustomerValue.tier),
            )
            .order_by(Case.id)
            .limit(RETIER_BATCH)
        ).all()
        for case, tier in batch:
            old = case.tier
            _event(session, case, None, "tier", old, tier, at=now, reason="tier re-evaluated")
            case.tier = tier
            _apply_policy(session, case, None, now=now, reason=f"tier {old or '-'} -> {tier}")
            case.updated_at = now
        changed += len(batch)
        session.flush()
        if len(batch) < RETIER_BATCH:
            return changed


def _tiers_changed(session: Session, run: Any) -> None:
    """Queue the re-evaluation of open cases after a new value analysis."""
    del run
    jobs.enqueue(session, kind="cases.retier", payload={})


value_service.on_finished(_tiers_changed)


def warn_share() -> float:
    """The share of a target's time after which its owner is warned (a setting). Read once
    per value of its variable: building the settings costs ~6 ms (measured), too much for
    every case a request opens."""
    return _warn_share(os.environ.get("CENTRICITY_SLA_WARN_SHARE"))


@functools.lru_cache(maxsize=8)
def _warn_share(raw: str | None) -> float:
    del raw  # the cache key: the settings read the same variable, and validate it
    return get_settings().sla_warn_share


def clock_for(session: Session, calendar_id: int) -> BusinessCalendar:
    """The working-time arithmetic of a calendar (cached per calendar version)."""
    return calendars.arithmetic(calendars.get(session, calendar_id))


_clock = clock_for


def _event(
    session: Session,
    case: Case,
    actor: User | None,
    field: str,
    old: object,
    new: object,
    *,
    at: datetime,
    reason: str | None = None,
) -> None:
    session.add(
        CaseEvent(
            case_id=case.id,
            actor_user_id=actor.id if actor else None,
            at=at,
            field=field,
            old_value=None if old is None else str(old)[:300],
            new_value=None if new is None else str(new)[:300],
            reason=reason,
        )
    )
