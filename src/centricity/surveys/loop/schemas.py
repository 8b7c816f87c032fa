"""What the closed loop's API and forms take and give: closing a follow-up, the root
causes, and the closed-loop figures by department."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from centricity.kit.i18n import LANGUAGES, supported
from centricity.kit.schema import InputSchema
from centricity.kit.validation import RecordId

Outcome = Literal["reached", "resolved", "not_reached"]
MAX_NAME = 100


class FollowUpClose(InputSchema):
    """Close a follow-up task: whether the customer was reached or their concern resolved,
    the root cause from the list, and an optional note for colleagues."""

    outcome: Outcome
    root_cause_id: RecordId
    note: str | None = Field(None, max_length=2000)


class FollowUpRead(BaseModel):
    """A follow-up record as the API shows it (times in UTC, ISO 8601)."""

    case_id: int
    response_id: int | None
    survey_id: int | None
    opened_at: datetime
    first_closed_at: datetime | None
    outcome: str | None
    root_cause_id: int | None
    note: str | None
    closed_by_user_id: int | None
    recorded_at: datetime | None
    recovery_asked_at: datetime | None
    recovery_skip_reason: str | None
    recovery_answered_at: datetime | None
    recovery_resolved: bool | None


def _names(value: dict[str, str]) -> dict[str, str]:
    """Names keyed by a supported language code (`PL`, `pl-PL` → `pl`), blank ones dropped."""
    names: dict[str, str] = {}
    for code, name in value.items():
        language = supported(code)
        if language is None:
            raise ValueError(f"unknown language {code!r}; use one of: {', '.join(LANGUAGES)}")
        if name.strip():
            if len(name.strip()) > MAX_NAME:
                raise ValueError(f"a name has at most {MAX_NAME} characters")
            names[language] = name.strip()
    return names


class RootCauseCreate(InputSchema):
    """A new root cause: its name in one or more languages, and its place in the list."""

    names: dict[str, str]
    position: int = Field(0, ge=0, le=10_000)

    @field_validator("names")
    @classmethod
    def _check_names(cls, value: dict[str, str]) -> dict[str, str]:
        names = _names(value)
        if not names:
            raise ValueError("give the cause a name in at least one language")
        return names


class RootCauseUpdate(InputSchema):
    """Rename (the languages sent replace theirs; an empty name removes it), move, or
    (de)activate a root cause."""

    names: dict[str, str] | None = None
    position: int | None = Field(None, ge=0, le=10_000)
    active: bool | None = None

    @field_validator("names")
    @classmethod
    def _check_names(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        for code in value:
            if supported(code) is None:
                raise ValueError(f"unknown language {code!r}; use one of: {', '.join(LANGUAGES)}")
        return {supported(code) or code: name.strip() for code, name in value.items()}


class RootCauseRead(BaseModel):
    """A root cause with its names per language."""

    id: int
    names: dict[str, str]
    position: int
    active: bool


class ClosedLoopRow(BaseModel):
    """The closed-loop figures of one department (or of all: `department_id` None)."""

    department_id: int | None
    department: str
    follow_ups: int
    closed: int
    closed_loop_rate: float | None
    within_target_rate: float | None
    median_hours_to_close: float | None
    recovery_answers: int
    recovery_rate: float | None


class ClosedLoopFigures(BaseModel):
    """`GET /api/v1/voice/closed-loop`: one row per department and the total."""

    departments: list[ClosedLoopRow]
    total: ClosedLoopRow
