"""REST API for the caller's own account."""

from __future__ import annotations

from typing import Annotated

from centricity.accounts.models import Role, User
from centricity.accounts.schemas import UserRead
from centricity.web.api import api_router
from centricity.web.deps import require_api

router = api_router("/api/v1", "accounts")


@router.get("/me", response_model=UserRead)
def me(user: Annotated[User, require_api(Role.VIEWER)]) -> UserRead:
    """Who the token belongs to (check a token before using it)."""
    return UserRead.model_validate(user)
