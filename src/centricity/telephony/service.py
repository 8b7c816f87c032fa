"""Calls as use cases: which customer a call was with, and what an ended call leaves
behind (a contact in the log, a call-back task or a closed one); `owners.py` says which
department owns it.

Live events (`live.py`) and call records (`imports.py`) both end here, so a call counts
the same however it arrived.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.customers.models import Customer
from centricity.interactions.models import Channel, Interaction
from centricity.telephony import callbacks
from centricity.telephony.models import CONTACT_PREFIX, Call, CallDirection
from centricity.value import queries as value_queries


def interaction_key(call_id: str) -> str:
    """The contact log's external id of a call's contact (unique: one contact per call)."""
    return CONTACT_PREFIX + call_id


def customer_for(session: Session, e164: str | None) -> int | None:
    """The customer whose phone is `e164` (the oldest record when several share it)."""
    if e164 is None:
        return None
    query = select(func.min(Customer.id)).where(
        Customer.phone_e164 == e164, Customer.erased_at.is_(None)
    )
    found = session.scalar(query)
    return int(found) if found is not None else None


def user_by_email(session: Session, email: str | None) -> int | None:
    """The active member of staff with this e-mail (the agent a phone system names)."""
    if not email:
        return None
    query = select(User.id).where(func.lower(User.email) == email.strip().lower())
    found = session.scalar(query.where(User.is_active.is_(True)))
    return int(found) if found is not None else None


def tier_of(session: Session, customer_id: int | None) -> str | None:
    """The customer's tier in the latest value run, kept on the call for the metrics."""
    if customer_id is None:
        return None
    scores = value_queries.for_customer(session, customer_id)
    return scores.tier if scores is not None else None


def log_contact(session: Session, call: Call) -> None:
    """Make an ended call with a customer a contact in the contact log (once per call)."""
    if call.customer_id is None or call.direction == CallDirection.INTERNAL.value:
        return
    key = interaction_key(call.call_id)
    contact = session.scalar(select(Interaction).where(Interaction.external_id == key))
    if contact is None:
        contact = Interaction(external_id=key, note="", confidential=False)
        session.add(contact)
    contact.customer_id = call.customer_id
    contact.channel = Channel.PHONE.value
    contact.direction = call.direction
    contact.user_id = call.user_id
    contact.department_id = call.department_id
    contact.started_at = call.started_at
    contact.waiting_seconds = call.waiting_seconds
    contact.duration_seconds = call.duration_seconds
    session.flush()


def finish(session: Session, call: Call, *, now: datetime) -> None:
    """What an ended call leaves: its contact, then the customer's call-backs brought in
    line with it (opened for a missed call, closed by one that reached them)."""
    log_contact(session, call)
    session.flush()
    if call.customer_id is not None:
        callbacks.settle(session, [call.customer_id], now=now)
