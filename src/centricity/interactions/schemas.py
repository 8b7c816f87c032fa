"""Contact-log shapes for the API and the log-a-contact form."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from centricity.interactions.models import Channel, Direction
from centricity.kit.i18n import noop
from centricity.kit.schema import InputSchema
from centricity.kit.time import utcnow
from centricity.kit.validation import MAX_ID, ExternalId, UtcDatetime

MAX_SECONDS = 7 * 24 * 3600


class InteractionCreate(InputSchema):
    """A contact to log; the time defaults to now, the note may be empty."""

    customer_id: int = Field(gt=0, le=MAX_ID)
    channel: Channel
    direction: Direction = Direction.INBOUND
    started_at: UtcDatetime = Field(default_factory=utcnow)
    waiting_seconds: int | None = Field(None, ge=0, le=MAX_SECONDS)
    duration_seconds: int | None = Field(None, ge=0, le=MAX_SECONDS)
    note: str = Field("", max_length=20000)
    confidential: bool = False
    contact_person_id: int | None = Field(None, gt=0, le=MAX_ID)
    external_id: ExternalId | None = None

    @field_validator("started_at")
    @classmethod
    def _utc_not_future(cls, value: datetime) -> datetime:
        if (value - utcnow()).total_seconds() > 24 * 3600:
            raise ValueError(noop("started_at is more than a day in the future"))
        return value


class InteractionRead(BaseModel):
    """A logged contact as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    external_id: str | None
    customer_id: int
    contact_person_id: int | None
    channel: str
    direction: str
    user_id: int | None
    department_id: int | None
    started_at: datetime
    waiting_seconds: int | None
    duration_seconds: int | None
    note: str
    confidential: bool
    created_at: datetime


class InteractionPage(BaseModel):
    """One page of contacts with the total that matched."""

    items: list[InteractionRead]
    total: int
    limit: int
    offset: int
