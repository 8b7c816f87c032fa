"""Personal data of the phone channel: a person's calls (their numbers, when they called,
how long they waited) and the call-backs promised to them.

A call is the person's when it was with one of their customer records or from or to their
phone number (a call from their number before it was known as theirs). Erasure deletes
those calls and call-backs; the call-back tasks stay as cases for service statistics
(`cases/privacy.py` empties their subjects, which name the customer and number). This
module runs before `customers.privacy` blanks the phone numbers it matches by.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import Session

from centricity.customers.models import Customer
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows
from centricity.telephony.models import Call, CallBack

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE

CLASSIFICATION: Tables = {
    "calls": {
        **dict.fromkeys(("id", "call_id", "customer_id", "user_id"), S),
        **dict.fromkeys(("callback_id", "department_id", "tier", "line_e164"), S),
        **dict.fromkeys(("from_number", "to_number", "party_e164"), P),
        **dict.fromkeys(("started_at", "answered_at", "ended_at", "called_back_at"), S),
        **dict.fromkeys(("waiting_seconds", "duration_seconds", "created_at"), S),
        **dict.fromkeys(("source", "direction", "state", "outcome", "cause", "missed"), N),
    },
    "call_backs": {
        **dict.fromkeys(("id", "case_id", "customer_id", "missed_calls"), S),
        **dict.fromkeys(("number", "open_number"), P),
        **dict.fromkeys(("first_missed_at", "last_missed_at", "closed_at", "created_at"), S),
        "closed_by": N,
    },
}


def _numbers(session: Session, person: PersonRef) -> list[str]:
    """The person's phone numbers in E.164, from their customer records."""
    if not person.customer_ids:
        return []
    query = select(Customer.phone_e164).where(
        Customer.id.in_(person.customer_ids), Customer.phone_e164.is_not(None)
    )
    return [str(n) for n in session.scalars(query)]


def _calls_of(person: PersonRef, numbers: list[str]) -> ColumnElement[bool]:
    conditions = [Call.customer_id.in_(person.customer_ids), Call.party_e164.in_(numbers)]
    return or_(*conditions)


def _callbacks_of(person: PersonRef, numbers: list[str]) -> ColumnElement[bool]:
    return or_(CallBack.customer_id.in_(person.customer_ids), CallBack.number.in_(numbers))


def export(session: Session, person: PersonRef) -> Export:
    """Every call with the person and every call-back promised to them."""
    numbers = _numbers(session, person)
    calls = session.scalars(select(Call).where(_calls_of(person, numbers)).order_by(Call.id))
    backs = session.scalars(
        select(CallBack).where(_callbacks_of(person, numbers)).order_by(CallBack.id)
    )
    return {
        "calls": to_rows(list(calls), CLASSIFICATION["calls"]),
        "call_backs": to_rows(list(backs), CLASSIFICATION["call_backs"]),
    }


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Delete the person's calls and call-backs."""
    numbers = _numbers(session, person)
    calls = session.execute(delete(Call).where(_calls_of(person, numbers)))
    backs = session.execute(delete(CallBack).where(_callbacks_of(person, numbers)))
    return {
        "calls": int(getattr(calls, "rowcount", 0) or 0),
        "call_backs": int(getattr(backs, "rowcount", 0) or 0),
    }
