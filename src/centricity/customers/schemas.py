"""Customer shapes for the API and forms: XCreate / XUpdate / XRead."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)

from centricity.kit.i18n import LazyText, Message, noop
from centricity.kit.schema import InputSchema
from centricity.kit.validation import CountryCode, Email, ExternalId, LanguageCode, Name, Phone

CustomerKind = Literal["person", "business"]
MAX_ATTRIBUTES_BYTES = 16_000
# The customer's own fields a person edits, in the order forms and exports show them.
CUSTOMER_FIELDS = (
    "external_id",
    "name",
    "email",
    "phone",
    "preferred_language",
    "country",
    "postcode",
    "kind",
)


def _small_json(value: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(value, ensure_ascii=False)) > MAX_ATTRIBUTES_BYTES:
        raise ValueError(f"attributes must be under {MAX_ATTRIBUTES_BYTES} characters as JSON")
    return value


Attributes = Annotated[dict[str, Any], AfterValidator(_small_json)]


class CustomerCreate(InputSchema):
    """A new customer; only the name is required."""

    external_id: ExternalId | None = None
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    preferred_language: LanguageCode | None = None
    country: CountryCode | None = None
    postcode: str | None = Field(None, max_length=20)
    kind: CustomerKind = "person"
    attributes: Attributes = Field(default_factory=dict)


# The required fields a change may leave out but not empty.
_CANNOT_CLEAR = {
    "name": noop("name cannot be cleared"),
    "kind": noop("kind cannot be cleared"),
}


class CustomerUpdate(InputSchema):
    """A partial change; fields left out stay as they are, explicit nulls clear them."""

    external_id: ExternalId | None = None
    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    preferred_language: LanguageCode | None = None
    country: CountryCode | None = None
    postcode: str | None = Field(None, max_length=20)
    kind: CustomerKind | None = None
    attributes: Attributes | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> CustomerUpdate:
        for field, message in _CANNOT_CLEAR.items():
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(message)
        return self


class CustomerRead(BaseModel):
    """A customer as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    external_id: str | None
    kind: str
    name: str
    email: str | None
    phone: str | None
    preferred_language: str | None
    country: str | None
    postcode: str | None
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class CustomerPage(BaseModel):
    """One page of customers with the total that matched."""

    items: list[CustomerRead]
    total: int
    limit: int
    offset: int


class ContactPersonCreate(InputSchema):
    """A person who acts for a business customer."""

    name: Name
    email: Email | None = None
    phone: Phone | None = None
    job_title: str | None = Field(None, max_length=120)


class ContactPersonRead(BaseModel):
    """A person acting for a business customer."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str | None
    phone: str | None
    job_title: str | None


def _message(value: Any) -> Message:
    if isinstance(value, str | LazyText):
        return value
    raise ValueError("must be text")  # only code builds timeline items


# A text a page shows in the viewer's language (a lazy text) or as written; the API (and
# anything else outside a page) turns it into its English string.
Text = Annotated[
    Message,
    PlainValidator(_message),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string"}),
]


class TimelineItem(BaseModel):
    """One event on the customer's timeline (an order, a contact, later cases and feedback)."""

    kind: str
    id: int
    at: datetime
    title: Text  # pages show a lazy text translated, the API in English
    detail: str = ""
    channel: str | None = None
    direction: str | None = None
    amount: str | None = None
    currency: str | None = None
    staff_name: str | None = None
    department: str | None = None
    confidential: bool = False
    # Feedback: the score on its scale, where it came from and the language of `detail`;
    # `interaction_id` names the contact note it was marked from.
    score: float | None = None
    scale: str | None = None
    source: str | None = None
    language: str | None = None
    interaction_id: int | None = None


class Timeline(BaseModel):
    """The customer's history, newest first; pass `next_cursor` as `cursor` for older items."""

    items: list[TimelineItem]
    next_before: datetime | None = None
    next_cursor: str | None = None
