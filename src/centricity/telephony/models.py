"""Calls and call-backs.

A `Call` is one call as the phone system reported it, live (`newCall`, `answer`, `hangup`
events) or from a call record file; `call_id` is the system's own id (Asterisk's
`uniqueid`, FreeSWITCH's `uuid`), unique in the store, so a re-import or a repeated event
changes nothing. A call with a known customer is also a contact in the contact log, the
one whose external id is `call:<call_id>`.

A `CallBack` is the promise to phone back a customer whose call nobody answered: one per
number while open (`open_number` is unique and emptied when it closes, so two missed calls
arriving at once cannot open two), with the task (a case of kind `task`) agents work on.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base, UTCDateTime
from centricity.kit.time import utcnow

CONTACT_PREFIX = "call:"  # a call's contact is `call:<call_id>` in the contact log


class CallState(StrEnum):
    """Where a live call is: ringing (or queued), answered by a person, or over."""

    RINGING = "ringing"
    ANSWERED = "answered"
    ENDED = "ended"


class CallDirection(StrEnum):
    """Who dialled: the customer (`inbound`), staff (`outbound`), or staff each other."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
    INTERNAL = "internal"


class Outcome(StrEnum):
    """How a call ended, in the phone systems' common words."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    ABANDONED = "abandoned"  # the caller hung up while ringing or queued
    VOICEMAIL = "voicemail"
    FORWARDED = "forwarded"
    TIMEOUT = "timeout"  # no hangup arrived; closed by the stale-call job


class Call(Base):
    """One call, live or imported; `missed` marks an inbound call no person answered."""

    __tablename__ = "calls"
    # Each index costs every imported record: a million call records write only the key,
    # the customer's calls in time order, the period scan of the metrics and, partial, the
    # live calls the stale-call job looks at (none of an import's).
    __table_args__ = (
        Index("ix_calls_customer_id_started_at", "customer_id", "started_at"),
        Index("ix_calls_started_at", "started_at"),
        Index(
            "ix_calls_live_started_at",
            "started_at",
            sqlite_where=text("state != 'ended'"),
            postgresql_where=text("state != 'ended'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(95), unique=True)
    source: Mapped[str] = mapped_column(String(10), default="live")  # live | import
    direction: Mapped[str] = mapped_column(String(10))
    from_number: Mapped[str] = mapped_column(String(80), default="")
    to_number: Mapped[str] = mapped_column(String(80), default="")
    # The outside party's number in E.164 (the caller of an inbound call, the one dialled
    # on an outbound call); None when it is not a valid phone number.
    party_e164: Mapped[str | None] = mapped_column(String(20))
    # Our own number the call used (the line dialled, the line dialled out from), in E.164;
    # `CENTRICITY_PHONE_LINES` names the department that owns each line.
    line_e164: Mapped[str | None] = mapped_column(String(20))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    tier: Mapped[str | None] = mapped_column(String(40))  # the customer's tier at the call
    state: Mapped[str] = mapped_column(String(10), default=CallState.RINGING.value)
    outcome: Mapped[str | None] = mapped_column(String(20))
    cause: Mapped[str | None] = mapped_column(String(40))  # as the phone system said it
    missed: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    waiting_seconds: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    callback_id: Mapped[int | None] = mapped_column(
        ForeignKey("call_backs.id", ondelete="SET NULL")
    )
    # A missed call: when staff reached the customer by phone afterwards (an answered
    # outbound call), for the call-back rate and the time to call back.
    called_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CallBack(Base):
    """A customer to phone back, with the task agents work on and the calls it gathers."""

    __tablename__ = "call_backs"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(20))
    open_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    missed_calls: Mapped[int] = mapped_column(Integer, default=1)
    first_missed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_missed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # answered: a later answered call reached the customer; task: staff closed the task.
    closed_by: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
