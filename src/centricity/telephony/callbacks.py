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

import phonenumbers
from sqlalchemy import ColumnElement, exists, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from centricity.cases import service as cases
from centricity.cases.models import Case, CaseInteraction, CaseKind, Priority, Status
from centricity.config import get_settings
from centricity.customers.models import Customer
from centricity.db import insert_or_ignore
from centricity.interactions.models import Channel, Interaction
from centricity.telephony import owners
from centricity.telephony.models import CONTACT_PREFIX, Call, CallBack, Outcome

TAG = "call-back"
SOURCE = "telephony"
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
    """Missed calls get the start of the first answered outbound call after them."""
    other = aliased(Call)
    first = (
        select(func.min(other.started_at))
        .where(
            other.customer_id == Call.customer_id,
            other.direction == "outbound",
            other.outcome == Outcome.ANSWERED.value,
            other.started_at > Call.started_at,
        )
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
        _link(session, case.id, [call], now)
        if case.status not in (Status.SOLVED.value, Status.CLOSED.value):
            cases.system_status(
                session,
                case=case,
                status=Status.SOLVED,
                now=now,
                source=SOURCE,
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
    for number, calls in by_number.items():
        callback = _open_callback(session, number, calls[0], now)
        _gather(session, callback, calls, now)


def _open_callback(session: Session, number: str, first: Call, now: datetime) -> CallBack:
    """The number's open call-back, or a new one with its task."""
    found = session.scalar(select(CallBack).where(CallBack.open_number == number))
    if found is not None:
        return found
    try:
        with session.begin_nested():
            return _new_callback(session, number, first, now)
    except IntegrityError:  # another worker opened it a moment ago: gather into that one
        return session.scalars(select(CallBack).where(CallBack.open_number == number)).one()


def _new_callback(session: Session, number: str, first: Call, now: datetime) -> CallBack:
    customer_id = int(first.customer_id or 0)
    department_id = first.department_id or owners.default_department(session, None)
    case = cases.open_for_customer(
        session,
        customer_id=customer_id,
        subject=_subject(session, customer_id, number),
        description="",
        channel=Channel.PHONE,
        priority=Priority.NORMAL,
        department_id=department_id,
        now=first.ended_at or first.started_at,
        source=SOURCE,
        kind=CaseKind.TASK,
        tags=[TAG],
    )
    callback = CallBack(
        case_id=case.id,
        customer_id=customer_id,
        number=number,
        open_number=number,
        missed_calls=0,
        first_missed_at=first.started_at,
        last_missed_at=first.started_at,
        created_at=now,
    )
    session.add(callback)
    session.flush()
    return callback


def _subject(session: Session, customer_id: int, number: str) -> str:
    """The task's subject in no language: who to call and on which number."""
    name = session.scalar(select(Customer.name).where(Customer.id == customer_id)) or ""
    shown = phonenumbers.format_number(
        phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return f"☎ {name} · {shown}" if name else f"☎ {shown}"


def _gather(
    session: Session, callback: CallBack, calls: builtins.list[Call], now: datetime
) -> None:
    """Add missed calls to a call-back: counted, dated, and linked to its task."""
    for call in calls:
        call.callback_id = callback.id
    callback.missed_calls += len(calls)
    callback.first_missed_at = min(callback.first_missed_at, calls[0].started_at)
    callback.last_missed_at = max(callback.last_missed_at, calls[-1].started_at)
    session.flush()
    _link(session, callback.case_id, calls, now)


def _link(session: Session, case_id: int, calls: Sequence[Call], now: datetime) -> None:
    """Show the calls on the task's page (their contacts linked to it), once each."""
    keys = [CONTACT_PREFIX + call.call_id for call in calls]
    contacts = session.scalars(select(Interaction.id).where(Interaction.external_id.in_(keys)))
    for interaction_id in contacts.all():
        values = {"case_id": case_id, "interaction_id": interaction_id, "linked_at": now}
        session.execute(
            insert_or_ignore(session, CaseInteraction, values, unique=["case_id", "interaction_id"])
        )


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
