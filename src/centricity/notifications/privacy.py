"""Personal data of notifications: a staff member's notices, choices and the e-mail sent,
and a customer's refusals of optional mail.

Notices carry case numbers, target kinds and times, never a customer's words. The outbox
holds each message's recipient address and text; erasure of a staff member deletes their
notices and settings and blanks the address and text of their outbox messages (the row
stays as the record that something was sent).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.orm import Session

from centricity.notifications.models import (
    MailOptOut,
    MailStatus,
    Notification,
    NotificationSetting,
    OutboxMessage,
)
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE

CLASSIFICATION: Tables = {
    "notifications": {
        "id": S,
        "user_id": S,
        "kind": N,
        "params": S,
        "link": S,
        "dedupe_key": S,
        "created_at": S,
        "read_at": S,
    },
    "notification_settings": {"id": S, "user_id": S, "kind": N, "by_email": S},
    "outbox_messages": {
        "id": S,
        "user_id": S,
        "to_address": P,
        "subject": P,
        "body": P,
        "headers": S,
        "message_id": S,
        "status": N,
        "attempts": N,
        "next_attempt_at": S,
        "last_error": N,
        "dedupe_key": S,
        "created_at": S,
        "sent_at": S,
    },
    "mail_opt_outs": {"id": S, "customer_id": S, "topic": N, "created_at": S},
}


def _outbox_of(person: PersonRef) -> ColumnElement[bool]:
    addressed = OutboxMessage.to_address.in_(person.all_emails)
    if person.user_ids:
        return or_(addressed, OutboxMessage.user_id.in_(person.user_ids))
    return addressed


def export(session: Session, person: PersonRef) -> Export:
    """The person's notices, e-mail choices and the e-mail sent to them."""
    users = person.user_ids
    notices = session.scalars(select(Notification).where(Notification.user_id.in_(users)))
    choices = session.scalars(
        select(NotificationSetting).where(NotificationSetting.user_id.in_(users))
    )
    mail = session.scalars(select(OutboxMessage).where(_outbox_of(person)))
    refusals = session.scalars(
        select(MailOptOut).where(MailOptOut.customer_id.in_(person.customer_ids))
    )
    return {
        "mail_opt_outs": to_rows(refusals, CLASSIFICATION["mail_opt_outs"]),
        "notifications": to_rows(notices, CLASSIFICATION["notifications"]),
        "notification_settings": to_rows(choices, CLASSIFICATION["notification_settings"]),
        "outbox_messages": to_rows(mail, CLASSIFICATION["outbox_messages"]),
    }


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Delete the person's notices and choices; blank the address and text of their mail
    (queued mail to them is not sent any more)."""
    users = person.user_ids
    notices = session.execute(delete(Notification).where(Notification.user_id.in_(users)))
    session.execute(delete(NotificationSetting).where(NotificationSetting.user_id.in_(users)))
    # An erased customer has no address left to write to: the refusal goes with them.
    session.execute(delete(MailOptOut).where(MailOptOut.customer_id.in_(person.customer_ids)))
    session.execute(
        update(OutboxMessage)
        .where(_outbox_of(person), OutboxMessage.status == MailStatus.QUEUED.value)
        .values(status=MailStatus.FAILED.value, last_error="erased")
        .execution_options(synchronize_session="fetch")
    )
    mail = session.execute(
        update(OutboxMessage)
        .where(_outbox_of(person))
        .values(to_address="erased@erased.invalid", subject="", body="")
        .execution_options(synchronize_session="fetch")
    )
    return {
        "notifications": int(getattr(notices, "rowcount", 0) or 0),
        "outbox_messages": int(getattr(mail, "rowcount", 0) or 0),
    }
