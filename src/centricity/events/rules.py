"""Notice rules: "60 minutes before a delivery: a task for Logistics to phone the
customer", "24 hours before an appointment: a reminder e-mail".

A rule serves the events of its department and kind; its tasks go to that department's
queue. Admins keep every department's rules, a manager their own department's; every
member of staff may read their department's rules (admins: all). A change takes effect
at once: pending notices move to the new time, and a rule switched off or removed
withdraws the notices it has not given yet (given ones stay, for the metric).
"""

from __future__ import annotations

import builtins
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, Role, User
from centricity.audit import service as audit
from centricity.events import notices
from centricity.events.models import Event, EventNotice, NoticeRule, NoticeState
from centricity.events.schemas import NoticeRuleCreate, NoticeRuleUpdate
from centricity.kit.errors import Invalid, NotFound, PermissionDenied
from centricity.kit.i18n import lazy
from centricity.kit.time import utcnow


def visibility(actor: User) -> ColumnElement[bool]:
    """Rules the actor may read: their department's (admins: every department's)."""
    if actor.role_enum is Role.ADMIN:
        return true()
    return NoticeRule.department_id == actor.department_id


def list(session: Session, *, actor: User) -> builtins.list[NoticeRule]:
    """The rules the actor may read, by department, kind and time."""
    query = select(NoticeRule).where(visibility(actor))
    ordered = query.order_by(
        NoticeRule.department_id, NoticeRule.event_kind, NoticeRule.minutes_before.desc()
    )
    return builtins.list(session.scalars(ordered))


def get(session: Session, rule_id: int, *, actor: User) -> NoticeRule:
    """One rule the actor may read; another department's is not found (404)."""
    rule = session.scalar(select(NoticeRule).where(NoticeRule.id == rule_id, visibility(actor)))
    if rule is None:
        raise NotFound(lazy("notice rule not found"))
    return rule


def _may_keep(actor: User, department_id: int) -> None:
    if actor.role_enum is Role.ADMIN:
        return
    if actor.role_enum is not Role.MANAGER or actor.department_id != department_id:
        raise PermissionDenied(lazy("a manager keeps the rules of their own department"))


def create(
    session: Session, *, data: NoticeRuleCreate, actor: User, now: datetime | None = None
) -> NoticeRule:
    """Add a rule and plan its notices for the department's upcoming events (a batch
    now, the `events.notify` job the rest)."""
    now = now or utcnow()
    department_id = data.department_id or actor.department_id
    if department_id is None or session.get(Department, department_id) is None:
        raise Invalid(lazy("no such department"), field="department_id")
    _may_keep(actor, department_id)
    rule = NoticeRule(
        event_kind=data.event_kind.value,
        minutes_before=data.minutes_before,
        action=data.action.value,
        department_id=department_id,
        cancel_on_reply=data.cancel_on_reply,
        is_active=data.is_active,
        created_by_user_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(rule)
    session.flush()
    if rule.is_active:
        notices.plan_missing(session, now=now, rule_id=rule.id)
    audit.record(session, actor=actor, action="notice_rule.create", entity=("notice_rule", rule.id))
    return rule


def update(
    session: Session,
    *,
    rule: NoticeRule,
    data: NoticeRuleUpdate,
    actor: User,
    now: datetime | None = None,
) -> NoticeRule:
    """Change a rule's time, its reply flag or whether it is on; its notices follow."""
    _may_keep(actor, rule.department_id)
    now = now or utcnow()
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for name, value in changes.items():
        setattr(rule, name, value)
    rule.updated_at = now
    session.flush()
    _resync(session, rule, now=now)
    if rule.is_active:
        notices.plan_missing(session, now=now, rule_id=rule.id)
    audit.record(
        session,
        actor=actor,
        action="notice_rule.update",
        entity=("notice_rule", rule.id),
        details={"fields": sorted(changes)},
    )
    return rule


def delete(session: Session, *, rule: NoticeRule, actor: User, now: datetime | None = None) -> None:
    """Remove a rule: the notices it has not given are withdrawn (open tasks closed with
    a note); the given ones stay, without their rule, so past figures stay right."""
    _may_keep(actor, rule.department_id)
    now = now or utcnow()
    rule.is_active = False
    _resync(session, rule, now=now)
    audit.record(session, actor=actor, action="notice_rule.delete", entity=("notice_rule", rule.id))
    session.delete(rule)
    session.flush()


def _resync(session: Session, rule: NoticeRule, *, now: datetime) -> None:
    """Bring the rule's notices not given yet (and reminders still in the outbox) in
    line with it."""
    events = session.scalars(
        select(Event)
        .join(EventNotice, EventNotice.event_id == Event.id)
        .where(
            EventNotice.rule_id == rule.id,
            or_(
                EventNotice.state == NoticeState.PENDING.value,
                (EventNotice.state == NoticeState.DONE.value) & (Event.starts_at > now),
            ),
        )
        .order_by(Event.id)
    )
    for event in events:
        notices.sync(session, event, now=now)
