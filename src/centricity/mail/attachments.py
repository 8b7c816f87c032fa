"""The files customers attached to their mail, as the case page shows them.

Each attachment belongs to a received message; the message belongs to a case and, for a
reply, to one entry of its conversation (the message that opened the case has none: its
text is the case's description). Reading goes through the case, so only someone who may
see the case sees its files (another department's case is not found).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from centricity.kit.errors import NotFound
from centricity.mail.models import Direction, MailAttachment, MailMessage


@dataclass(frozen=True)
class Shown:
    """One attachment as the case page lists it (no content)."""

    id: int
    filename: str
    content_type: str
    size: int
    refused: str | None


def for_case(session: Session, case_id: int) -> dict[int | None, list[Shown]]:
    """The case's attachments by conversation entry (None: the message that opened it)."""
    rows = session.execute(
        select(
            MailMessage.case_message_id,
            MailAttachment.id,
            MailAttachment.filename,
            MailAttachment.content_type,
            MailAttachment.size,
            MailAttachment.refused,
        )
        .join(MailMessage, MailMessage.id == MailAttachment.mail_message_id)
        .where(MailMessage.case_id == case_id, MailMessage.direction == Direction.IN.value)
        .order_by(MailAttachment.id)
    ).all()
    found: dict[int | None, list[Shown]] = {}
    for entry, attachment_id, filename, content_type, size, refused in rows:
        shown = Shown(attachment_id, filename, content_type, size, refused)
        found.setdefault(entry, []).append(shown)
    return found


def content(session: Session, case_id: int, attachment_id: int) -> MailAttachment:
    """A stored attachment of this case with its content; NotFound for another case's,
    or for one that was refused (nothing was stored)."""
    attachment = session.scalar(
        select(MailAttachment)
        .join(MailMessage, MailMessage.id == MailAttachment.mail_message_id)
        .where(MailAttachment.id == attachment_id, MailMessage.case_id == case_id)
        .options(undefer(MailAttachment.data))
    )
    if attachment is None or attachment.data is None:
        raise NotFound("no such attachment")
    return attachment
