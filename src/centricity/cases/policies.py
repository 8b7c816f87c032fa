"""Service-level policies: define them in order, and find the one that serves a case."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, User
from centricity.audit import service as audit
from centricity.calendars import service as calendars
from centricity.cases.models import SlaPolicy, Status
from centricity.cases.schemas import SlaPolicyCreate, SlaPolicyUpdate
from centricity.kit.errors import Conflict, Invalid, NotFound
from centricity.kit.time import utcnow


@dataclass(frozen=True)
class CaseFacts:
    """What a policy's conditions look at."""

    tier: str | None
    priority: str
    channel: str
    department_id: int
    internal: bool
    tags: tuple[str, ...]


def matches(conditions: dict[str, Any], facts: CaseFacts) -> bool:
    """Whether every condition a policy sets holds for the case (a missing one is "any")."""
    return all(_holds(key, value, facts) for key, value in conditions.items() if value is not None)


def _holds(key: str, value: Any, facts: CaseFacts) -> bool:
    if key == "tier":
        return facts.tier is not None and str(value).casefold() == facts.tier.casefold()
    if key == "tag":
        return str(value).lower() in facts.tags
    known = {
        "priority": facts.priority,
        "channel": facts.channel,
        "department_id": facts.department_id,
        "internal": facts.internal,
    }
    return key in known and bool(known[key] == value)


def list(session: Session) -> builtins.list[SlaPolicy]:
    """Every policy in the order they are tried."""
    return builtins.list(
        session.scalars(select(SlaPolicy).order_by(SlaPolicy.position, SlaPolicy.id))
    )


def get(session: Session, policy_id: int) -> SlaPolicy:
    """One policy (policies are organisation settings every member of staff may read)."""
    policy = session.get(SlaPolicy, policy_id)
    if policy is None:
        raise NotFound("no such service-level policy")
    return policy


def first_match(session: Session, facts: CaseFacts) -> SlaPolicy | None:
    """The first active policy, by position, whose conditions the case meets."""
    for policy in list(session):
        if policy.is_active and matches(policy.conditions, facts):
            return policy
    return None


def create(session: Session, *, data: SlaPolicyCreate, actor: User | None) -> SlaPolicy:
    """Add a policy at a position; the first policy whose conditions match a case wins."""
    _refuse_taken_name(session, data.name, None)
    conditions = data.conditions.model_dump(exclude_none=True, mode="json")
    _check_department(session, conditions.get("department_id"))
    calendar_id = data.calendar_id or calendars.round_the_clock(session).id
    _check_calendar(session, calendar_id)
    _check_escalation(session, data.escalate_to_user_id, data.escalate_to_department_id)
    policy = SlaPolicy(
        name=data.name,
        position=data.position,
        conditions=conditions,
        calendar_id=calendar_id,
        first_response_minutes=data.first_response_minutes,
        next_response_minutes=data.next_response_minutes,
        resolution_minutes=data.resolution_minutes,
        waiting_minutes=data.waiting_minutes,
        pause_statuses=[Status(s).value for s in data.pause_statuses],
        escalate_to_user_id=data.escalate_to_user_id,
        escalate_to_department_id=data.escalate_to_department_id,
        escalate_raise_priority=data.escalate_raise_priority,
    )
    session.add(policy)
    session.flush()
    audit.record(session, actor=actor, action="sla_policy.create", entity=("sla_policy", policy.id))
    return policy


def update(
    session: Session, *, policy: SlaPolicy, data: SlaPolicyUpdate, actor: User | None
) -> SlaPolicy:
    """Change a policy. Cases already open keep the targets they were given; the change
    applies to cases opened or re-evaluated afterwards."""
    changes = data.model_dump(exclude_unset=True, mode="json")
    if changes.get("name"):
        _refuse_taken_name(session, changes["name"], policy.id)
    if "conditions" in changes:
        changes["conditions"] = {
            k: v for k, v in (changes["conditions"] or {}).items() if v is not None
        }
        _check_department(session, changes["conditions"].get("department_id"))
    if changes.get("calendar_id") is not None:
        _check_calendar(session, changes["calendar_id"])
    _check_escalation(
        session, changes.get("escalate_to_user_id"), changes.get("escalate_to_department_id")
    )
    for field in (
        "name",
        "position",
        "calendar_id",
        "pause_statuses",
        "is_active",
        "escalate_raise_priority",
    ):
        if field in changes and changes[field] is None:
            raise Invalid("must not be empty", field=field)
    for field, value in changes.items():
        setattr(policy, field, value)
    policy.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="sla_policy.update",
        entity=("sla_policy", policy.id),
        details={"fields": sorted(changes)},
    )
    return policy


def _refuse_taken_name(session: Session, name: str, own_id: int | None) -> None:
    taken = session.scalar(select(SlaPolicy.id).where(SlaPolicy.name == name))
    if taken is not None and taken != own_id:
        raise Conflict("a policy with this name exists", field="name")


def _check_department(session: Session, department_id: int | None) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise Invalid("no such department", field="conditions.department_id")


def _check_escalation(session: Session, user_id: int | None, department_id: int | None) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise Invalid("no such department", field="escalate_to_department_id")
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            raise Invalid("no such active member of staff", field="escalate_to_user_id")


def _check_calendar(session: Session, calendar_id: int) -> None:
    try:
        calendars.get(session, calendar_id)
    except NotFound:
        raise Invalid("no such calendar", field="calendar_id") from None
