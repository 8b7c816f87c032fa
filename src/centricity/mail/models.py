"""E-mail of the service desk: every message received or sent on a case, its attachments,
and the messages that could not be read (kept raw for an admin).

`mail_messages` is the threading index: a reply names the Message-IDs it answers, and
each of ours and each one received is here with its case. A message is imported once:
`dedupe_key` (its Message-ID and a hash of its bytes) and `(mailbox, uid_validity, uid)`
are unique in the store, so two fetches or a fetch beside the webhook cannot both insert it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from centricity.db import Base, JSONType, UTCDateTime
from centricity.kit.time import utcnow


class Direction(StrEnum):
    """Whether the message came in or went out."""

    IN = "in"
    OUT = "out"


class Outcome(StrEnum):
    """What receiving a message did (for `out`: `sent`)."""

    CREATED = "created"  # opened a case
    THREADED = "threaded"  # added to a case's conversation
    AUTO_REPLY = "auto-reply"
    BOUNCE = "bounce"
    LIST = "list"
    BLOCKED = "blocked"
    NO_SENDER = "no-sender"
    SENT = "sent"


class MailMessage(Base):
    """One message received or sent, with what it did and the case it belongs to."""

    __tablename__ = "mail_messages"
    __table_args__ = (
        UniqueConstraint("mailbox", "uid_validity", "uid"),
        Index("ix_mail_messages_message_id", "message_id"),
        Index("ix_mail_messages_case_id", "case_id"),
        Index("ix_mail_messages_from_address_received_at", "from_address", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    mailbox: Mapped[str] = mapped_column(String(100))
    uid_validity: Mapped[int | None] = mapped_column(BigInteger)
    uid: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(250))
    dedupe_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    outcome: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    case_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_messages.id", ondelete="SET NULL")
    )
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    from_address: Mapped[str | None] = mapped_column(String(254))
    from_name: Mapped[str] = mapped_column(String(200), default="")
    to_addresses: Mapped[list[str]] = mapped_column(JSONType, default=list)
    subject: Mapped[str] = mapped_column(String(300), default="")
    in_reply_to: Mapped[str | None] = mapped_column(String(250))
    references: Mapped[list[str]] = mapped_column(JSONType, default=list)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    size: Mapped[int] = mapped_column(Integer, default=0)
    raw: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # the original kept
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailAttachment(Base):
    """A file attached to a received message; refused ones keep their name and reason."""

    __tablename__ = "mail_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    mail_message_id: Mapped[int] = mapped_column(
        ForeignKey("mail_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    refused: Mapped[str | None] = mapped_column(String(40))  # "too large", "type not allowed"
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))


class MailQuarantine(Base):
    """A message that could not be read: kept raw, with the reason, for an admin."""

    __tablename__ = "mail_quarantine"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    raw: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sender: Mapped[str | None] = mapped_column(String(254))  # best read, for erasure
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailboxState(Base):
    """How reading one configured mailbox goes: its failures in a row (an admin is told
    when they keep failing), the last error's kind, the last good fetch."""

    __tablename__ = "mail_mailbox_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(100), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
