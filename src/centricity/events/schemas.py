"""Input and output shapes of events, notice rules and notices (REST API and forms)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from centricity.events.models import EventKind, NoticeAction
from centricity.kit.i18n import noop
from centricity.kit.schema import InputSchema
from centricity.kit.time import check_time_zone
from centricity.kit.validation import RecordId

# Notices reach back at most a year: further ahead, nobody is waiting for a call yet.
MAX_MINUTES_BEFORE = 366 * 24 * 60
_ISO_DATETIME = re.compile(r"\s*\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_8601_only(value: Any) -> Any:
    """Refuse numbers and number-like text, which Pydantic would read as seconds."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DATETIME.match(value)):
        return value
    raise ValueError(noop("use an ISO 8601 date and time, e.g. 2026-03-04T09:30:00Z"))


def _in_range(value: datetime) -> datetime:
    if not 1900 <= value.year <= 9998:
        raise ValueError(noop("must be between the years 1900 and 9998"))
    return value


# A start with an offset is that moment; without one it is a time on the event's clock.
StartTime = Annotated[datetime, BeforeValidator(_iso_8601_only), AfterValidator(_in_range)]
TimeZone = Annotated[str, Field(max_length=64), AfterValidator(check_time_zone)]
MinutesBefore = Annotated[int, Field(gt=0, le=MAX_MINUTES_BEFORE)]


def to_utc(value: datetime, time_zone: str) -> datetime:
    """The moment a start names: a naive time is read on the clock of `time_zone` (a
    skipped hour reads in the offset before the change, a repeated one as its first)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(time_zone))
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(noop("is out of range")) from None


class EventCreate(InputSchema):
    """A new event with a customer. `starts_at` with an offset (or `Z`) is that moment;
    without one it is a time in `time_zone`, which defaults to the installation's
    (`CENTRICITY_TIME_ZONE`); notices count days on that clock."""

    customer_id: RecordId
    kind: EventKind
    starts_at: StartTime
    time_zone: TimeZone | None = Field(None, description="IANA zone, e.g. Europe/Prague.")
    place: str = Field("", max_length=300)
    department_id: RecordId | None = Field(
        None, description="Owning department; omitted: the creator's department."
    )
    note: str = Field("", max_length=20_000)
    external_id: str | None = Field(None, min_length=1, max_length=100)


class EventUpdate(InputSchema):
    """A change to an event: a new `starts_at` moves it (its pending notices move too);
    `status` `cancelled` withdraws its pending notices, `done` ends it."""

    starts_at: StartTime | None = None
    time_zone: TimeZone | None = None
    place: str | None = Field(None, max_length=300)
    note: str | None = Field(None, max_length=20_000)
    status: str | None = Field(None, max_length=20, description="cancelled or done")


class NoticeRead(BaseModel):
    """One notice of an event as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    rule_id: int | None
    action: str
    state: str
    due_at: datetime
    case_id: int | None
    outbox_message_id: int | None
    done_at: datetime | None
    reason: str | None


class EventRead(BaseModel):
    """An event with its notices; `local_starts_at` is the start on the event's clock."""

    id: int
    external_id: str | None
    customer_id: int
    kind: str
    starts_at: datetime
    local_starts_at: datetime
    time_zone: str
    place: str
    department_id: int
    note: str
    status: str
    booked_at: datetime
    created_at: datetime
    updated_at: datetime
    notices: list[NoticeRead]


class NoticeRuleCreate(InputSchema):
    """`minutes_before` an event of `event_kind` of `department_id` starts: `action`
    (a task in that department's queue, or a reminder e-mail to the customer). Whole days
    of `minutes_before` count on the event's clock: 1440 is the day before at the same time."""

    event_kind: EventKind
    minutes_before: MinutesBefore
    action: NoticeAction
    department_id: RecordId | None = Field(
        None, description="The department whose events it serves; omitted: the creator's."
    )
    cancel_on_reply: bool = Field(
        False, description="A message from the customer after booking withdraws the notice."
    )
    is_active: bool = True


class NoticeRuleUpdate(InputSchema):
    """A change to a rule; pending notices take the new time at once. Kind, action and
    department stay: a rule for something else is a new rule."""

    minutes_before: MinutesBefore | None = None
    cancel_on_reply: bool | None = None
    is_active: bool | None = None


class NoticeRuleRead(BaseModel):
    """A notice rule as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    event_kind: str
    minutes_before: int
    action: str
    department_id: int
    cancel_on_reply: bool
    is_active: bool
    created_at: datetime
    updated_at: datetime


class CallOutcome(InputSchema):
    """What came of the call a notice task asked for; logged as a contact and linked to
    the task. `reached` solves the task; the others leave it open for another try."""

    outcome: str = Field(pattern=r"^(reached|no_answer|left_message|rescheduled)$")
    note: str = Field("", max_length=19_000)  # the contact's note adds the outcome
    duration_seconds: int | None = Field(None, ge=0, le=24 * 3600)


class NoticeMetricsRow(BaseModel):
    """Events of one department that started in the period and had a notice."""

    department_id: int
    department: str
    events: int
    done_before: int
    share: float | None = Field(description="done_before / events (null: no events).")


class NoticeMetrics(BaseModel):
    """The share of events whose notices were all given before the event, by department."""

    items: list[NoticeMetricsRow]
