"""Input and output shapes of cases and service-level policies (REST API)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from centricity.cases.models import CaseKind, Priority, Status, TargetKind, TargetState
from centricity.interactions.models import Channel
from centricity.kit.schema import InputSchema
from centricity.kit.validation import RecordId, UtcDatetime

Minutes = Annotated[int, Field(gt=0, le=10 * 366 * 24 * 60)]
Tag = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[^\s,][^,]*$")]
Tags = Annotated[list[Tag], Field(max_length=30)]


def _clean_tags(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tag.strip().lower() for tag in tags))


class PolicyConditions(InputSchema):
    """Which cases a policy serves; a condition left out matches every case."""

    tier: str | None = Field(None, min_length=1, max_length=40)
    priority: Priority | None = None
    channel: Channel | None = None
    department_id: RecordId | None = None
    internal: bool | None = None
    tag: Tag | None = None


class SlaPolicyCreate(InputSchema):
    """A service-level policy: conditions, a calendar and targets in working minutes."""

    name: str = Field(min_length=1, max_length=120)
    position: int = Field(0, ge=0, le=100_000)
    conditions: PolicyConditions = Field(default_factory=PolicyConditions)
    calendar_id: RecordId | None = Field(None, description="Omitted: the 24/7 calendar.")
    first_response_minutes: Minutes | None = None
    next_response_minutes: Minutes | None = None
    resolution_minutes: Minutes | None = None
    waiting_minutes: Minutes | None = Field(None, description="Phone and chat cases only.")
    pause_statuses: list[Status] = Field(
        default_factory=lambda: [Status.WAITING_ON_CUSTOMER], max_length=6
    )
    escalate_to_user_id: RecordId | None = Field(None, description="Assignee on a breach.")
    escalate_to_department_id: RecordId | None = Field(
        None, description="Department (queue) the case moves to on a breach."
    )
    escalate_raise_priority: bool = Field(False, description="Raise the priority on a breach.")

    @field_validator("pause_statuses")
    @classmethod
    def _only_open_statuses(cls, value: list[Status]) -> list[Status]:
        if {Status.SOLVED, Status.CLOSED} & set(value):
            raise ValueError("solved and closed cases stop every clock; they cannot pause one")
        return list(dict.fromkeys(value))


class SlaPolicyUpdate(InputSchema):
    """A change to a policy; open cases keep the targets they were given."""

    name: str | None = Field(None, min_length=1, max_length=120)
    position: int | None = Field(None, ge=0, le=100_000)
    conditions: PolicyConditions | None = None
    calendar_id: RecordId | None = None
    first_response_minutes: Minutes | None = None
    next_response_minutes: Minutes | None = None
    resolution_minutes: Minutes | None = None
    waiting_minutes: Minutes | None = None
    pause_statuses: list[Status] | None = Field(None, max_length=6)
    escalate_to_user_id: RecordId | None = None
    escalate_to_department_id: RecordId | None = None
    escalate_raise_priority: bool | None = None
    is_active: bool | None = None


class SlaPolicyRead(BaseModel):
    """A policy as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    position: int
    conditions: dict[str, object]
    calendar_id: int
    first_response_minutes: int | None
    next_response_minutes: int | None
    resolution_minutes: int | None
    waiting_minutes: int | None
    pause_statuses: list[str]
    escalate_to_user_id: int | None
    escalate_to_department_id: int | None
    escalate_raise_priority: bool
    is_active: bool


class CaseCreate(InputSchema):
    """A new case for a customer, or an internal request from a department."""

    kind: CaseKind = CaseKind.CASE
    customer_id: RecordId | None = None
    requesting_department_id: RecordId | None = None
    subject: str = Field(min_length=1, max_length=300, pattern=r"\S")
    description: str = Field("", max_length=100_000)
    channel: Channel = Channel.OTHER
    priority: Priority = Priority.NORMAL
    department_id: RecordId | None = Field(
        None, description="Owning department; omitted: the creator's department."
    )
    assignee_id: RecordId | None = None
    tags: Tags = Field(default_factory=list)
    opened_at: UtcDatetime | None = Field(None, description="Default now; back-dated entry.")
    external_id: str | None = Field(None, min_length=1, max_length=100)

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return _clean_tags(value)


class CaseUpdate(InputSchema):
    """A change to a case; only the fields sent change. `status` is checked by the service
    so an unknown status is a conflict with the case's workflow (409), as documented."""

    status: str | None = Field(None, max_length=40)
    priority: Priority | None = None
    assignee_id: RecordId | None = None
    department_id: RecordId | None = None
    tags: Tags | None = None

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _clean_tags(value)


class ReplyCreate(InputSchema):
    """A reply by staff (public, or an internal note), or a customer's message staff record
    (`from_customer`: they phoned, or wrote by letter)."""

    body: str = Field(min_length=1, max_length=100_000, pattern=r"\S")
    public: bool = True
    from_customer: bool = False


class InteractionLink(InputSchema):
    """A contact of the case's customer to link to the case."""

    interaction_id: RecordId


class TargetRead(BaseModel):
    """One clock of a case, as of the moment of the answer."""

    kind: TargetKind
    state: TargetState
    due_at: datetime | None
    minutes: int
    time_left_minutes: float | None = Field(
        description="Working minutes until due (negative: how late); null when stopped."
    )
    achieved_at: datetime | None
    achieved_minutes: float | None
    breached_at: datetime | None
    cycle: int


class CaseRead(BaseModel):
    """A case with its current targets."""

    id: int
    kind: str
    external_id: str | None
    customer_id: int | None
    requesting_department_id: int | None
    internal: bool
    subject: str
    description: str
    channel: str
    priority: str
    status: str
    department_id: int
    assignee_id: int | None
    tags: list[str]
    tier: str | None
    policy_id: int | None
    opened_at: datetime
    first_responded_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    reopened_count: int
    created_at: datetime
    updated_at: datetime
    targets: list[TargetRead]


class MessageRead(BaseModel):
    """One entry of a case's conversation."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    author_user_id: int | None
    from_customer: bool
    public: bool
    body: str
    created_at: datetime


class EventRead(BaseModel):
    """One change in a case's history."""

    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor_user_id: int | None
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None


class ServiceMetricsRow(BaseModel):
    """The figures of one group over the period."""

    group: str
    cases: int
    first_response_p50_minutes: float | None
    first_response_p90_minutes: float | None
    resolution_p50_minutes: float | None
    resolution_p90_minutes: float | None
    attainment: dict[str, float | None] = Field(
        description="Share of ended targets met, per kind (null: no ended target)."
    )
    reopen_rate: float | None
    backlog: int
    backlog_age_days: dict[str, int]
    waiting_p50_minutes: float | None
    contact_waiting_p50_seconds: float | None = None
    contact_waiting_p90_seconds: float | None = None


class ServiceMetrics(BaseModel):
    """Service figures for a period, one item per group."""

    items: list[ServiceMetricsRow]
