"""The queue's filters as the page reads them from its address, and the rows it shows.

A filter value that is not one of the known choices is ignored (the queue shows more, never
an error page), so a saved view or a shared link from an older version keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, Role, User
from centricity.cases import clocks, reading
from centricity.cases.models import Case, CaseTarget, Priority, Status
from centricity.cases.schemas import TargetRead
from centricity.cases.service import AT_RISK, CLOSED_STATES, still_counting
from centricity.customers import service as customer_service
from centricity.customers.models import Customer
from centricity.interactions.models import Channel

# Which cases a queue holds, before the filters.
MINE = "mine"
DEPARTMENT = "department"
UNASSIGNED = "unassigned"
REQUESTED = "requested"  # internal requests the viewer's department made of others
ALL = "all"
QUEUES = (MINE, DEPARTMENT, UNASSIGNED, REQUESTED, ALL)
OPEN = "open"  # every status before solved
ANY = "any"
STATUSES = (OPEN, ANY, *(s.value for s in Status))
SLA_STATES = (clocks.BREACHED, AT_RISK)
OPEN_STATUSES = tuple(s.value for s in Status if s.value not in CLOSED_STATES)


@dataclass(frozen=True)
class QueueFilters:
    """One queue with its filters: the part of the address a saved view keeps."""

    queue: str = DEPARTMENT
    status: str = OPEN
    priority: str = ""
    tier: str = ""
    channel: str = ""
    sla: str = ""
    q: str = ""

    def query_string(self, **changes: str) -> str:
        """The address's query for these filters (with `changes`), defaults left out (the
        queue is always named: its default depends on who reads the address)."""
        chosen = replace(self, **changes)
        pairs = [
            (f.name, getattr(chosen, f.name))
            for f in fields(chosen)
            if f.name == "queue" or getattr(chosen, f.name) != f.default
        ]
        return urlencode([(name, value) for name, value in pairs if value])

    def list_arguments(self, actor: User) -> dict[str, Any]:
        """The arguments of `service.list` that select this queue's cases for `actor`."""
        arguments: dict[str, Any] = {
            "priority": self.priority or None,
            "tier": self.tier or None,
            "channel": self.channel or None,
            "state": self.sla or None,
            "q": self.q,
        }
        if self.status == OPEN:
            arguments["statuses"] = OPEN_STATUSES
        elif self.status != ANY:
            arguments["status"] = self.status
        if self.queue == MINE:
            arguments["assignee_id"] = actor.id
        elif self.queue in (DEPARTMENT, UNASSIGNED):
            arguments["department_id"] = actor.department_id or -1
            arguments["unassigned"] = self.queue == UNASSIGNED
        elif self.queue == REQUESTED:
            arguments["requesting_department_id"] = actor.department_id or -1
        return arguments


def default_queue(actor: User) -> str:
    """Admins start with every case, members of a department with its queue, others with
    their own cases."""
    if actor.role_enum is Role.ADMIN:
        return ALL
    return DEPARTMENT if actor.department_id is not None else MINE


def read_filters(params: Any, actor: User) -> QueueFilters:
    """The filters in a page address (a mapping of query parameters); unknown values are
    dropped."""

    def pick(name: str, allowed: tuple[str, ...], default: str = "") -> str:
        value = str(params.get(name) or "").strip()
        return value if value in allowed else default

    return QueueFilters(
        queue=pick("queue", QUEUES, default_queue(actor)),
        status=pick("status", STATUSES, OPEN),
        priority=pick("priority", tuple(p.value for p in Priority)),
        tier=str(params.get("tier") or "").strip()[:40],
        channel=pick("channel", tuple(c.value for c in Channel)),
        sla=pick("sla", SLA_STATES),
        q=str(params.get("q") or "").strip()[:200],
    )


@dataclass(frozen=True)
class QueueRow:
    """A case as one line of a queue: who asks, who works it, and the clock due first."""

    case: Case
    requester: str
    department: str
    assignee: str
    next_target: TargetRead | None


def rows(session: Session, cases: list[Case], actor: User, now: datetime) -> list[QueueRow]:
    """The queue lines of a page of cases, with a handful of queries for the whole page."""
    ids = [case.id for case in cases]
    customers = _customer_names(session, actor, {c.customer_id for c in cases if c.customer_id})
    departments = names_of(session, select(Department.id, Department.name))
    assignee_ids = {case.assignee_id for case in cases if case.assignee_id}
    names = (
        names_of(session, select(User.id, User.name).where(User.id.in_(assignee_ids)))
        if assignee_ids
        else {}
    )
    due_first = _due_first(session, ids)
    result = []
    for case in cases:
        target = due_first.get(case.id)
        if case.customer_id is not None:
            requester = customers.get(case.customer_id, "")
        else:
            requester = departments.get(case.requesting_department_id or 0, "")
        result.append(
            QueueRow(
                case=case,
                requester=requester,
                department=departments.get(case.department_id, ""),
                assignee=names.get(case.assignee_id or 0, ""),
                next_target=reading.target_read(session, target, now) if target else None,
            )
        )
    return result


def _customer_names(session: Session, actor: User, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = customer_service.accessible_customers(actor).where(Customer.id.in_(ids))
    return {customer.id: customer.name for customer in session.scalars(query)}


def _due_first(session: Session, case_ids: list[int]) -> dict[int, CaseTarget]:
    """Each case's clock that still counts (running, paused, or late) due first."""
    if not case_ids:
        return {}
    query = (
        select(CaseTarget)
        .where(CaseTarget.case_id.in_(case_ids), still_counting())
        .order_by(CaseTarget.case_id, CaseTarget.due_at)
    )
    found: dict[int, CaseTarget] = {}
    for target in session.scalars(query):
        if target.due_at is None:
            continue
        found.setdefault(target.case_id, target)
    return found


def names_of(session: Session, query: Select[int, str]) -> dict[int, str]:
    """Id → name from a two-column query (departments, staff, policies)."""
    return {int(row[0]): str(row[1]) for row in session.execute(query)}
