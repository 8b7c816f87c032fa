"""Service-level targets for imported cases, so attainment covers the past.

An imported case gets what opening it here would have given it: the customer's current
tier, the first policy that matches, and that policy's first-response, resolution and (on
the phone or chat) waiting clocks, started at `opened_at` in the policy's calendar. The
clocks then run through the recorded history with the same functions a case's own life
uses (`clocks.py`): a first response or solution met before the due time is achieved, one
after it breached (its working minutes and time stored either way); solving a case stops
its response clocks too, as solving one here does.

A clock still open is running, or paused when the case waits in one of the policy's pause
statuses (counted to the import). One already past its due time is marked breached at
once: the breach check would otherwise warn, notify and escalate for every late case of
a migrated backlog. Pauses the old system recorded are not known, so they are not
subtracted.

The import calls `rebuild` once per batch with the inserted or changed cases only, so a
re-run touches nothing; a changed case's clocks are rewritten in place (one row per clock,
as the unique `(case_id, kind, cycle)` wants), and the next-response clocks its
conversation here started are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, Update, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.calendars.hours import BusinessCalendar
from centricity.cases import clocks, policies
from centricity.cases import service as case_service
from centricity.cases.models import Case, CaseEvent, CaseTarget, SlaPolicy, Status, TargetKind
from centricity.db import Base
from centricity.kit.time import utcnow
from centricity.value import queries as value_queries
from centricity.value.models import CustomerValue

CHUNK = 5_000
# The history entry of an imported case: its status, set by the import (the reason is
# one of the history's stored words, like "case opened").
IMPORTED = "imported"
# The clocks an import sets; next response belongs to a conversation held here.
KINDS = (TargetKind.FIRST_RESPONSE.value, TargetKind.WAITING.value, TargetKind.RESOLUTION.value)
_COLUMNS = tuple(c.key for c in CaseTarget.__table__.columns if c.key != "id")
CASE_COLUMNS = ("tier", "policy_id", "closed_at")  # what the import decides beside the file


@dataclass
class Batch:
    """What every case of one batch shares, read once per batch rather than per case: the
    time, the policies in order, the latest value run (tiers) and calendars."""

    now: datetime
    policies: list[SlaPolicy]
    run_id: int | None
    share: float
    clocks: dict[int, BusinessCalendar] = field(default_factory=dict)

    def clock(self, session: Session, calendar_id: int) -> BusinessCalendar:
        """The working-time arithmetic of a calendar, looked up once per batch."""
        if calendar_id not in self.clocks:
            self.clocks[calendar_id] = case_service.clock_for(session, calendar_id)
        return self.clocks[calendar_id]

    def policy_for(self, case: Row[Any] | Case, tier: str | None) -> SlaPolicy | None:
        """The first active policy whose conditions the case meets (`policies.first_match`
        over the policies read once)."""
        facts = policies.CaseFacts(
            tier=tier,
            priority=case.priority,
            channel=case.channel,
            department_id=case.department_id,
            internal=case.requesting_department_id is not None,
            tags=tuple(case.tags or ()),
        )
        return next((p for p in self.policies if matches(p, facts)), None)


@dataclass
class Writes:
    """The rows one chunk of cases changes, written together (a few statements)."""

    cases: list[dict[str, Any]] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def apply(self, session: Session) -> None:
        """Write them: clocks rewritten in place keep their ids (and any notice sent).
        Core statements, not the ORM's bulk insert: that ran one INSERT per target here
        (about half the time of an import of 20,000 cases on SQLite, measured)."""
        targets = _table(CaseTarget)
        if self.deletes:
            session.execute(delete(targets).where(targets.c.id.in_(self.deletes)))
        if self.updates:
            session.execute(_by_id(targets, _COLUMNS), _named(self.updates))
        _insert(session, targets, self.inserts)
        if self.cases:
            session.execute(_by_id(_table(Case), CASE_COLUMNS), _named(self.cases))
            _insert(session, _table(CaseEvent), self.events)


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows: executemany on SQLite, COPY on PostgreSQL (executemany reached 9,000
    targets/s there, most of an import's time; measured)."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    names = list(rows[0])
    driver: Any = session.connection().connection.driver_connection
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in names])


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


def _by_id(table: Table, columns: Iterable[str]) -> Update:
    """An UPDATE of these columns by id, for executemany (parameters named `b_<column>`:
    a bound parameter may not share a column's name)."""
    values: dict[str, Any] = {column: bindparam(f"b_{column}") for column in columns}
    return update(table).where(table.c.id == bindparam("b_id")).values(values)


def _named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{f"b_{key}": value for key, value in row.items()} for row in rows]


def matches(policy: SlaPolicy, facts: policies.CaseFacts) -> bool:
    """Whether an active policy serves a case with these facts."""
    return policy.is_active and policies.matches(policy.conditions, facts)


def rebuild(session: Session, keys: list[Any], actor: User | None) -> None:
    """Give the imported cases with these external ids their tier, policy and targets,
    and note the import in each case's history."""
    run = value_queries.latest_run(session)
    batch = Batch(
        now=utcnow(),
        policies=policies.list(session),
        run_id=run.id if run is not None else None,
        share=case_service.warn_share(),
    )
    for start in range(0, len(keys), CHUNK):
        cases = _cases(session, keys[start : start + CHUNK])
        _plan(session, cases, batch, actor).apply(session)


def _cases(session: Session, keys: list[Any]) -> list[Row[Any]]:
    query = select(
        Case.id,
        Case.customer_id,
        Case.requesting_department_id,
        Case.priority,
        Case.channel,
        Case.department_id,
        Case.tags,
        Case.status,
        Case.opened_at,
        Case.first_responded_at,
        Case.solved_at,
    ).where(Case.external_id.in_(keys))
    return list(session.execute(query.order_by(Case.id)))


def tiers(session: Session, run_id: int | None, customer_ids: Iterable[int]) -> dict[int, Any]:
    """Each customer's tier in the latest value run (`service._tier`, for many at once)."""
    wanted = sorted(set(customer_ids))
    if run_id is None or not wanted:
        return {}
    query = select(CustomerValue.customer_id, CustomerValue.tier).where(
        CustomerValue.run_id == run_id, CustomerValue.customer_id.in_(wanted)
    )
    return {int(customer): tier for customer, tier in session.execute(query)}


def _plan(session: Session, cases: list[Row[Any]], batch: Batch, actor: User | None) -> Writes:
    """What to write for a chunk of cases: each case's tier, policy and closing time, its
    clocks (rewritten, added, or deleted when the policy no longer sets them) and an event."""
    customers = (c.customer_id for c in cases if c.customer_id is not None)
    known = tiers(session, batch.run_id, customers)
    existing = _existing(session, [c.id for c in cases])
    writes = Writes()
    for case in cases:
        tier = known.get(case.customer_id) if case.customer_id is not None else None
        policy = batch.policy_for(case, tier)
        closed = case.solved_at if case.status == Status.CLOSED.value else None
        policy_id = policy.id if policy is not None else None
        writes.cases.append(
            {"id": case.id, "tier": tier, "policy_id": policy_id, "closed_at": closed}
        )
        writes.events.append(_event(case, batch.now, actor))
        wanted = _targets(session, case, policy, batch)
        for kind in KINDS:
            found, target = existing.pop((case.id, kind), None), wanted.get(kind)
            if target is not None and found is not None:
                writes.updates.append({"id": found, **target})
            elif target is not None:
                writes.inserts.append(target)
    writes.deletes += existing.values()
    return writes


def _existing(session: Session, case_ids: list[int]) -> dict[tuple[int, str], int]:
    """(case, kind) → id of the clocks an import sets (their first cycle)."""
    query = select(CaseTarget.case_id, CaseTarget.kind, CaseTarget.id).where(
        CaseTarget.case_id.in_(case_ids), CaseTarget.kind.in_(KINDS), CaseTarget.cycle == 1
    )
    return {(case_id, kind): target_id for case_id, kind, target_id in session.execute(query)}


def _targets(
    session: Session, case: Row[Any], policy: SlaPolicy | None, batch: Batch
) -> dict[str, dict[str, Any]]:
    """Each clock's column values for one case, by kind (none without a policy)."""
    if policy is None:
        return {}
    clock = batch.clock(session, policy.calendar_id)
    solved = case.solved_at if case.status in case_service.CLOSED_STATES else None
    answered = min((t for t in (case.first_responded_at, solved) if t is not None), default=None)
    ends = {
        TargetKind.FIRST_RESPONSE.value: answered,
        TargetKind.WAITING.value: answered,
        TargetKind.RESOLUTION.value: solved,
    }
    paused = case.status in tuple(policy.pause_statuses)
    found = {}
    for kind in KINDS:
        minutes = policy.minutes_for(kind)
        if kind == TargetKind.WAITING.value and case.channel not in case_service.WAITING_CHANNELS:
            minutes = None
        if minutes is None:
            continue
        target = clocks.start(
            case_id=case.id,
            kind=kind,
            minutes=minutes,
            policy_id=policy.id,
            calendar_id=policy.calendar_id,
            clock=clock,
            at=case.opened_at,
            warn_share=batch.share,
        )
        _run_through_history(target, clock, ends[kind], paused, batch.now)
        found[kind] = {column: getattr(target, column) for column in _COLUMNS}
    return found


def _run_through_history(
    target: CaseTarget, clock: BusinessCalendar, end: datetime | None, paused: bool, now: datetime
) -> None:
    """Stop the clock at the recorded end; else breach it when already late and pause it
    when the case waits (from the import on: earlier pauses are not known)."""
    if end is not None:
        clocks.achieve(target, clock, end)
        return
    if target.due_at is not None and target.due_at <= now:
        clocks.breach(target)
        target.warned_at = now  # late before it arrived: nothing left to warn about
    if paused:
        clocks.pause(target, clock, now)


def _event(case: Row[Any], now: datetime, actor: User | None) -> dict[str, Any]:
    """The history entry: the status the import set (who imported it, when)."""
    return {
        "case_id": case.id,
        "actor_user_id": actor.id if actor is not None else None,
        "at": now,
        "field": "status",
        "old_value": None,
        "new_value": case.status,
        "reason": IMPORTED,
    }
