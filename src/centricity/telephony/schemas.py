"""Telephony shapes for the API: a phone system's call event, calls and their metrics."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from centricity.kit.schema import InputSchema
from centricity.kit.validation import UtcDatetime


class EventName(StrEnum):
    """The three moments of a call a phone system reports."""

    NEW_CALL = "newCall"
    ANSWER = "answer"
    HANGUP = "hangup"


class Cause(StrEnum):
    """Why a call ended, as the generic telephony webhook names it."""

    NORMAL_CLEARING = "normalClearing"
    BUSY = "busy"
    CANCEL = "cancel"
    NO_ANSWER = "noAnswer"
    CONGESTION = "congestion"
    NOT_FOUND = "notFound"
    FORWARDED = "forwarded"


class CallEvent(InputSchema):
    """One live event of one call (`call_id` is the phone system's own id).

    `from` and `to` are numbers in any written form; `user` is the e-mail of the member of
    staff who took or made the call; `at` (optional) is when it happened, else now."""

    # Phone systems send more than these fields (their own ids, flags): the rest is ignored.
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    event: EventName
    call_id: str = Field(min_length=1, max_length=95, pattern=r"\S")
    from_: str = Field("", alias="from", max_length=80)
    to: str = Field("", max_length=80)
    direction: str = Field("in", pattern="^(in|out)$")
    user: str | None = Field(None, max_length=254)
    cause: Cause | None = None
    at: UtcDatetime | None = None


class CallRead(BaseModel):
    """A call as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    call_id: str
    source: str
    direction: str
    from_number: str
    to_number: str
    party_e164: str | None
    customer_id: int | None
    department_id: int | None
    user_id: int | None
    state: str
    outcome: str | None
    missed: bool
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    waiting_seconds: int | None
    duration_seconds: int | None
    callback_id: int | None
    called_back_at: datetime | None


class CallEventResult(BaseModel):
    """What one event did: the call's state afterwards and the call-back task it has."""

    call_id: str
    state: str
    outcome: str | None
    customer_id: int | None
    callback_case_id: int | None


class PhoneMetricsRow(BaseModel):
    """Phone service of one group (a department or a tier) in a period."""

    group: str | None
    inbound_calls: int
    unanswered_calls: int
    unanswered_rate: float | None
    called_back: int
    callback_rate: float | None
    median_minutes_to_callback: float | None


class PhoneMetrics(BaseModel):
    """The phone metrics of a period, by department and by tier."""

    start: datetime
    end: datetime
    by_department: list[PhoneMetricsRow]
    by_tier: list[PhoneMetricsRow]
