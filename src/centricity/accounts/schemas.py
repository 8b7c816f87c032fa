"""Input and output shapes for staff accounts."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

from centricity.accounts.models import Role
from centricity.kit.i18n import check_language
from centricity.kit.schema import InputSchema
from centricity.kit.time import check_time_zone

Language = Annotated[str, AfterValidator(check_language)]
TimeZone = Annotated[str, Field(max_length=64), AfterValidator(check_time_zone)]


class UserCreate(InputSchema):
    """A new member of staff."""

    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=2048)
    role: Role = Role.AGENT
    department: str | None = Field(None, max_length=120)
    language: Language | None = None
    time_zone: TimeZone | None = None


class UserPreferences(InputSchema):
    """What a member of staff chooses for themselves: page language and time zone."""

    language: Language
    time_zone: TimeZone | None = None


class UserRead(BaseModel):
    """A member of staff as other staff see them."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: str
    department_id: int | None
    is_active: bool
    language: str = Field(description="Language of the user's pages (their own or the default).")
    time_zone: str = Field(description="IANA time zone of the user's pages.")


class DepartmentCreate(InputSchema):
    """A new department (a team that owns work and may request work from others)."""

    name: str = Field(min_length=1, max_length=120, pattern=r"\S")


class DepartmentRead(BaseModel):
    """A department as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class StaffRead(BaseModel):
    """A member of staff in the staff list (for assignment and routing)."""

    id: int
    email: str
    name: str
    role: str
    is_active: bool
    departments: list[DepartmentRead] = Field(
        description="The departments the person works in (one today; a list so that "
        "membership of several needs no change of shape)."
    )
    calendar_id: int | None = Field(
        None, description="The calendar of the person's working hours (warnings wait for it)."
    )


class StaffUpdate(InputSchema):
    """An admin's change to a member of staff: their department and working calendar
    (`null` clears the calendar: warnings reach them at any time)."""

    department_id: int | None = Field(None, gt=0, le=2**31 - 1)
    calendar_id: int | None = Field(None, gt=0, le=2**31 - 1)
