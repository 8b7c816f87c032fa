"""Input and output shapes for staff accounts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from centricity.accounts.models import Role
from centricity.kit.schema import InputSchema


class UserCreate(InputSchema):
    """A new member of staff."""

    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=2048)
    role: Role = Role.AGENT
    department: str | None = Field(None, max_length=120)


class UserRead(BaseModel):
    """A member of staff as other staff see them."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: str
    department_id: int | None
    is_active: bool
