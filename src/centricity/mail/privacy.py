"""Personal data of the mail channel: the messages a person sent or was sent, as kept.

A message is about its sender and the customer of its case: the export gives each with its
raw source (base64) and its attachments; erasure deletes them, attachments with them, and
the unreadable mail in quarantine whose sender was the person. The case itself keeps its
facts for service statistics (`cases/privacy.py` empties its texts).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, String, cast, delete, or_, select
from sqlalchemy.orm import Session, undefer

from centricity.mail.models import MailAttachment, MailMessage, MailQuarantine
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE

CLASSIFICATION: Tables = {
    "mail_messages": {
        **dict.fromkeys(
            ("id", "case_id", "case_message_id", "outbox_message_id", "customer_id"), S
        ),
        **dict.fromkeys(("message_id", "dedupe_key", "in_reply_to", "references"), S),
        **dict.fromkeys(("uid_validity", "uid", "received_at", "size"), S),
        **dict.fromkeys(("direction", "mailbox", "outcome", "automatic"), N),
        **dict.fromkeys(("from_address", "from_name", "to_addresses", "subject", "raw"), P),
    },
    "mail_attachments": {
        "id": S,
        "mail_message_id": S,
        "filename": P,
        "content_type": N,
        "size": S,
        "refused": N,
        "data": P,
    },
    # How reading a mailbox goes: names no person (errors are exception kinds).
    "mail_mailbox_states": dict.fromkeys(
        ("id", "mailbox", "failures", "failing_since", "last_error", "last_success_at"), N
    ),
    "mail_quarantine": {
        "id": S,
        "mailbox": N,
        "reason": N,
        "size": S,
        "content_hash": S,
        "raw": P,
        "sender": P,
        "received_at": S,
    },
}


def _messages_of(person: PersonRef) -> ColumnElement[bool]:
    """Mail from the person, on their cases, or naming them among its recipients (our
    replies to a contact person of a company, a colleague copied in)."""
    recipients = cast(MailMessage.to_addresses, String)
    conditions = [
        MailMessage.from_address.in_(person.all_emails),
        *(recipients.contains(f'"{address}"', autoescape=True) for address in person.all_emails),
    ]
    if person.customer_ids:
        conditions.append(MailMessage.customer_id.in_(person.customer_ids))
    return or_(*conditions)


def export(session: Session, person: PersonRef) -> Export:
    """Every message from or to the person (with its source) and their attachments."""
    messages = list(
        session.scalars(
            select(MailMessage)
            .where(_messages_of(person))
            .options(undefer(MailMessage.raw))
            .order_by(MailMessage.id)
        )
    )
    attachments = list(
        session.scalars(
            select(MailAttachment)
            .where(MailAttachment.mail_message_id.in_([m.id for m in messages]))
            .options(undefer(MailAttachment.data))
            .order_by(MailAttachment.id)
        )
    )
    quarantined = list(
        session.scalars(
            select(MailQuarantine)
            .where(MailQuarantine.sender.in_(person.all_emails))
            .options(undefer(MailQuarantine.raw))
            .order_by(MailQuarantine.id)
        )
    )
    return {
        "mail_messages": to_rows(messages, CLASSIFICATION["mail_messages"]),
        "mail_attachments": to_rows(attachments, CLASSIFICATION["mail_attachments"]),
        "mail_quarantine": to_rows(quarantined, CLASSIFICATION["mail_quarantine"]),
    }


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Delete the person's messages (their attachments go with them) and their unreadable
    mail in quarantine."""
    ids = list(session.scalars(select(MailMessage.id).where(_messages_of(person))))
    session.execute(delete(MailAttachment).where(MailAttachment.mail_message_id.in_(ids)))
    messages = session.execute(delete(MailMessage).where(MailMessage.id.in_(ids)))
    quarantined = session.execute(
        delete(MailQuarantine).where(MailQuarantine.sender.in_(person.all_emails))
    )
    return {
        "mail_messages": int(getattr(messages, "rowcount", 0) or 0),
        "mail_quarantine": int(getattr(quarantined, "rowcount", 0) or 0),
    }
