"""Input and output shapes of ideas, their requesters and merges (REST API and forms)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from centricity.ideas.models import IdeaStatus, Importance
from centricity.kit.i18n import noop
from centricity.kit.schema import InputSchema
from centricity.kit.validation import RecordId


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(noop("must not be empty"))
    return value.strip()


Title = Annotated[str, Field(max_length=200), AfterValidator(_not_blank)]
Description = Annotated[str, Field(max_length=20_000)]


class IdeaSort(StrEnum):
    """The orders of the idea list: newest first, by value, by distinct customers."""

    NEWEST = "newest"
    VALUE = "value"
    CUSTOMERS = "customers"


class IdeaCreate(InputSchema):
    """A new idea, under review until a manager decides."""

    title: Title
    description: Description = ""


class IdeaUpdate(InputSchema):
    """A change of title, description or status (a status change needs a manager; `done`
    tells the customers who asked)."""

    title: Title | None = None
    description: Description | None = None
    status: IdeaStatus | None = None


class RequesterCreate(InputSchema):
    """A customer who asked for the idea, how much it matters to them, and where it was
    heard (a case or a contact of that customer, or a feedback item; none: by hand)."""

    customer_id: RecordId
    importance: Importance = Importance.IMPORTANT
    case_id: RecordId | None = None
    interaction_id: RecordId | None = None
    feedback_id: RecordId | None = None


class MergeCreate(InputSchema):
    """Merge this idea (the duplicate) into `into_id` (the survivor)."""

    into_id: RecordId


class RequestRead(BaseModel):
    """One time the customer asked; a source the caller may not see reads as null."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    importance: str
    case_id: int | None
    interaction_id: int | None
    feedback_id: int | None
    created_at: datetime
    source_hidden: bool = Field(
        False, description="It came from a case or contact you may not see."
    )


class RequesterRead(BaseModel):
    """A customer behind the idea, counted once, with the highest importance they gave."""

    customer_id: int
    customer_name: str
    importance: str
    weight: float
    value: float = Field(description="CLV of the latest value run, else historic revenue.")
    first_requested_at: datetime
    requests: list[RequestRead]


class StatusChangeRead(BaseModel):
    """One status change of the idea."""

    model_config = ConfigDict(from_attributes=True)

    from_status: str
    to_status: str
    changed_by_user_id: int | None
    changed_at: datetime


class MergeRead(BaseModel):
    """A merge into this idea that has not been undone."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    duplicate_id: int
    survivor_id: int
    merged_by_user_id: int | None
    merged_at: datetime


class IdeaSummary(BaseModel):
    """An idea in the list: demand as plain and weighted figures."""

    id: int
    title: str
    status: str
    customers: int = Field(description="Distinct customers who asked.")
    value: float = Field(description="Sum of their value, each customer once.")
    weighted_customers: float = Field(description="Customers weighted by importance.")
    weighted_value: float = Field(description="Value weighted by importance.")
    created_at: datetime


class IdeaPage(BaseModel):
    """One page of ideas with the total that matched."""

    items: list[IdeaSummary]
    total: int
    limit: int
    offset: int


class IdeaRead(IdeaSummary):
    """One idea with its requesters, status history and the merges into it. Read through
    a merged idea's id, it is the survivor and `merged_into` names it."""

    description: str
    created_by_user_id: int | None
    updated_at: datetime
    merged_into: int | None = None
    weights: dict[str, float]
    requesters: list[RequesterRead]
    status_history: list[StatusChangeRead]
    merges: list[MergeRead]
