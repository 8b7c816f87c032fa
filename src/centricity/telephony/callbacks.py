"""Call-backs: nobody answered the customer's call, so somebody phones them back.

The rule, applied per customer after every ended call and after every imported batch:
- a missed inbound call (no person answered: no answer, busy, failed, the caller gave up
  while ringing or queued, voicemail unless `CENTRICITY_PHONE_VOICEMAIL_MISSED=false`)
  from a known customer's number, with no later answered call with that customer and no
  call-back closed after it, and less than `CENTRICITY_PHONE_CALLBACK_DAYS` (7) older
  than the newest call on record, gathers into the open call-back of that number, or opens one:
  a task (a case of kind `task`, channel `phone`, tag `call-back`) in the department that
  owns the call, with the targets the service-level policies give phone tasks, so tiers
  apply;
- a later answered call with the customer (either direction) closes the call-back and
  solves its task; staff closing the task by hand closes the call-back too;
- a missed call followed by an answered outbound call counts as called back (the
  call-back rate and the time to call back on the Service page).

"One open call-back per number" is the store's rule (`call_backs.open_number` is unique),
so two missed calls ending at once cannot open two tasks.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from centricity.cases import service as cases
from centricity.cases.models import Case, CaseInteraction, CaseKind, Status
from centricity.config import get_settings
from centricity.db import in_keys, insert_or_ignore
from centricity.interactions.models import Interaction
from centricity.telephony import callback_tasks
from centricity.telephony.models import CONTACT_PREFIX, Call, CallBack, Outcome

CHUNK = 5_000


def settle(session: Session, customer_ids: Sequence[int], *, now: datetime) -> None:
    """Bring these customers' call-backs in line with their calls (see the module rule):
    after a live call ended."""
    since = window_start(session, now)
    for start in range(0, len(customer_ids), CHUNK):
        chunk = list(customer_ids[start : start + CHUNK])
        _settle(session, Call.customer_id.in_(chunk), CallBack.customer_id.in_(chunk), since, now)


def settle_all(session: Session, *, now: datetime) -> None:
    """Bring every call-back in line with the calls on record: once after an import of
    call records, so only the history's end state opens tasks (settling after each batch
    opened, then closed, a task for every week's unreturned calls as the history
    replayed). Safe to repeat: a resumed or repeated import settles again."""
    since = window_start(session, now)
    _settle(session, Call.customer_id.is_not(None), true(), since, now)


def _settle(
    session: Session,
    calls: ColumnElement[bool],
    backs: ColumnElement[bool],
    since: datetime,
    now: datetime,
) -> None:
    _mark_called_back(session, calls)
    _close_reached(session, backs, now)
    _gather_missed(session, calls, since, now)


def window_start(session: Session, now: datetime) -> datetime:
    """The oldest missed call that still gets a call-back: `CENTRICITY_PHONE_CALLBACK_DAYS`
    before the newest call on record (or now, if that is earlier). A live line's newest
    call is now; an imported history's is its last day, so importing two months of call
    records opens tasks for the last week's unreturned calls, not for every customer who
    hung up in the first week and never called again (9,115 tasks from 200,000 records,
    12 ms each, measured)."""
    newest = session.scalar(select(func.max(Call.started_at)))
    reference = min(newest, now) if newest is not None else now
    return reference - timedelta(days=get_settings().phone_callback_days)


def _reached(later_than: Any, customer: Any, *, outbound_only: bool = False) -> Any:
    """An answered call with the customer that started after `later_than`."""
    other = aliased(Call)
    query = exists().where(
        other.customer_id == customer,
        other.outcome == Outcome.ANSWERED.value,
        other.started_at > later_than,
    )
    return query.where(other.direction == "outbound") if outbound_only else query


def _mark_called_back(session: Session, scope: ColumnElement[bool]) -> None:
    """Missed calls get the start of the first answered outbound call after them: the
    customer's calls read in time order from their index, stopping at the first such
    call (`min()` read every later call of the customer for each missed call, so a
    customer who calls often cost the square of their calls)."""
    other = aliased(Call)
    first = (
        select(other.started_at)
        .where(
            other.customer_id == Call.customer_id,
            other.direction == "outbound",
            other.outcome == Outcome.ANSWERED.value,
            other.started_at > Call.started_at,
        )
        .order_by(other.started_at)
        .limit(1)
        .scalar_subquery()
    )
    session.execute(
        update(Call)
        .where(
            scope,
            Call.missed.is_(True),
            Call.called_back_at.is_(None),
            _reached(Call.started_at, Call.customer_id, outbound_only=True),
        )
        .values(called_back_at=first)
        .execution_options(synchronize_session=False)
    )


def _close_reached(session: Session, scope: ColumnElement[bool], now: datetime) -> None:
    """Open call-backs whose customer was reached later: closed, and their tasks solved."""
    reached = select(CallBack).where(
        scope,
        CallBack.open_number.is_not(None),
        _reached(CallBack.last_missed_at, CallBack.customer_id),
    )
    for callback in session.scalars(reached.order_by(CallBack.id)).all():
        first = (
            select(Call)
            .where(
                Call.customer_id == callback.customer_id,
                Call.outcome == Outcome.ANSWERED.value,
                Call.started_at > callback.last_missed_at,
            )
            .order_by(Call.started_at, Call.id)
            .limit(1)
        )
        call = session.scalars(first).one()
        close(session, callback, at=call.started_at, by="answered", now=now)
        case = session.get(Case, callback.case_id)
        if case is None:
            continue
        _link(session, [(case.id, [call])], now)
        if case.status not in (Status.SOLVED.value, Status.CLOSED.value):
            cases.system_status(
                session,
                case=case,
                status=Status.SOLVED,
                now=now,
                source=callback_tasks.SOURCE,
                reason="the customer was reached by phone",
            )


def close(session: Session, callback: CallBack, *, at: datetime, by: str, now: datetime) -> None:
    """Close a call-back (its number may open a new one); `by` says what closed it."""
    callback.open_number = None
    callback.closed_at = min(at, now)
    callback.closed_by = by
    session.flush()


def _gather_missed(
    session: Session, scope: ColumnElement[bool], since: datetime, now: datetime
) -> None:
    """Missed calls still waiting for a call-back join their number's open one, or open one."""
    later_callback = exists().where(
        CallBack.customer_id == Call.customer_id, CallBack.closed_at >= Call.started_at
    )
    query = (
        select(Call)
        .where(
            scope,
            Call.missed.is_(True),
            Call.callback_id.is_(None),
            Call.party_e164.is_not(None),
            Call.started_at >= since,
            ~_reached(Call.started_at, Call.customer_id),
            ~later_callback,
        )
        .order_by(Call.started_at, Call.id)
    )
    by_number: dict[str, builtins.list[Call]] = defaultdict(builtins.list)
    for call in session.scalars(query):
        by_number[str(call.party_e164)].append(call)
    if not by_number:
        return
    found = _callbacks_for(session, by_number, now)
    for number, calls in by_number.items():
        _count_in(found[number], calls)
    session.flush()
    _link(session, [(found[number].case_id, calls) for number, calls in by_number.items()], now)


def _callbacks_for(
    session: Session, by_number: dict[str, builtins.list[Call]], now: datetime
) -> dict[str, CallBack]:
    """Each number's open call-back: the one it has, else a new one with its task. New ones
    are opened together; should another worker open one of them meanwhile (the unique
    `open_number`), they are opened one by one, gathering into that worker's."""
    numbers = builtins.list(by_number)
    query = select(CallBack).where(in_keys(session, CallBack.open_number, numbers))
    found = {str(callback.open_number): callback for callback in session.scalars(query)}
    new = {number: calls[0] for number, calls in by_number.items() if number not in found}
    if not new:
        return found
    try:
        with session.begin_nested():
            return found | callback_tasks.open_tasks(session, new, now)
    except IntegrityError:
        return found | {n: _open_callback(session, n, first, now) for n, first in new.items()}


def _open_callback(session: Session, number: str, first: Call, now: datetime) -> CallBack:
    """The number's open call-back, or a new one with its task."""
    found = session.scalar(select(CallBack).where(CallBack.open_number == number))
    if found is not None:
        return found
    try:
        with session.begin_nested():
            return callback_tasks.open_tasks(session, {number: first}, now)[number]
    except IntegrityError:  # another worker opened it a moment ago: gather into that one
        return session.scalars(select(CallBack).where(CallBack.open_number == number)).one()


def _count_in(callback: CallBack, calls: builtins.list[Call]) -> None:
    """Add missed calls (in time order) to a call-back: counted and dated."""
    for call in calls:
        call.callback_id = callback.id
    callback.missed_calls += len(calls)
    callback.first_missed_at = min(callback.first_missed_at, calls[0].started_at)
    callback.last_missed_at = max(callback.last_missed_at, calls[-1].started_at)


def _link(session: Session, tasks: Sequence[tuple[int, Sequence[Call]]], now: datetime) -> None:
    """Show the calls on their tasks' pages (their contacts linked to them), once each."""
    case_of = {CONTACT_PREFIX + call.call_id: case_id for case_id, calls in tasks for call in calls}
    query = select(Interaction.external_id, Interaction.id).where(
        in_keys(session, Interaction.external_id, builtins.list(case_of))
    )
    rows = [
        {"case_id": case_of[str(key)], "interaction_id": interaction_id, "linked_at": now}
        for key, interaction_id in session.execute(query)
    ]
    if rows:
        unique = ["case_id", "interaction_id"]
        session.execute(insert_or_ignore(session, CaseInteraction, {}, unique=unique), rows)


@cases.on_status_change
def _task_closed(session: Session, case: Case, _old: str, new: str) -> None:
    """Staff solved or closed a call-back task by hand: its call-back is closed too."""
    if case.kind != CaseKind.TASK.value or new not in (Status.SOLVED.value, Status.CLOSED.value):
        return
    open_one = session.scalar(
        select(CallBack).where(CallBack.case_id == case.id, CallBack.open_number.is_not(None))
    )
    if open_one is not None:
        now = case.solved_at or case.updated_at
        close(session, open_one, at=now, by="task", now=now)
