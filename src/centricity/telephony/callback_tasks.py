"""The task of each new call-back: a case of kind `task`, channel `phone`, tag `call-back`,
opened at the end of the number's first missed call in the department that owns that
call, its subject who to call and on which number; all of an import's opened together
(`cases.openings`), each as `cases.service.open_for_customer` would open it."""

from __future__ import annotations

from datetime import datetime

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.cases import openings
from centricity.cases.models import CaseKind, Priority
from centricity.customers.models import Customer
from centricity.db import in_keys
from centricity.interactions.models import Channel
from centricity.telephony import owners
from centricity.telephony.models import Call, CallBack

TAG = "call-back"
SOURCE = "telephony"


def open_tasks(session: Session, firsts: dict[str, Call], now: datetime) -> dict[str, CallBack]:
    """New call-backs, each with its task opened at the end of the number's first missed
    call, in the department that owns that call."""
    names = _names(session, {int(first.customer_id or 0) for first in firsts.values()})
    owner = _owners(session, firsts)
    tasks = openings.open_for_customers(
        session,
        [
            openings.Opening(
                customer_id=int(first.customer_id or 0),
                subject=subject(names.get(int(first.customer_id or 0), ""), number),
                department_id=owner[number],
                opened_at=first.ended_at or first.started_at,
            )
            for number, first in firsts.items()
        ],
        channel=Channel.PHONE,
        priority=Priority.NORMAL,
        source=SOURCE,
        kind=CaseKind.TASK,
        tags=[TAG],
    )
    made = {
        number: CallBack(
            case_id=task.id,
            customer_id=task.customer_id,
            number=number,
            open_number=number,
            missed_calls=0,
            first_missed_at=first.started_at,
            last_missed_at=first.started_at,
            created_at=now,
        )
        for (number, first), task in zip(firsts.items(), tasks, strict=True)
    }
    session.add_all(made.values())
    session.flush()
    return made


def _owners(session: Session, firsts: dict[str, Call]) -> dict[str, int]:
    """The department of each number's task: the one that owns its first missed call,
    else the default owner (looked up once, and only when needed)."""
    unowned = [number for number, first in firsts.items() if first.department_id is None]
    default = owners.default_department(session, None) if unowned else 0
    return {number: first.department_id or default for number, first in firsts.items()}


def _names(session: Session, customer_ids: set[int]) -> dict[int, str]:
    query = select(Customer.id, Customer.name).where(
        in_keys(session, Customer.id, sorted(customer_ids))
    )
    return {int(customer_id): str(name or "") for customer_id, name in session.execute(query)}


def subject(name: str, number: str) -> str:
    """The task's subject in no language: who to call and on which number."""
    shown = phonenumbers.format_number(
        phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return f"☎ {name} · {shown}" if name else f"☎ {shown}"
