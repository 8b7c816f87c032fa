"""REST API for the caller's own account."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request

from centricity.accounts.models import Role, User
from centricity.accounts.schemas import UserRead
from centricity.web.api import api_router
from centricity.web.deps import require_api

router = api_router("/api/v1", "accounts")


@router.get("/me", response_model=UserRead)
def me(request: Request, user: Annotated[User, require_api(Role.VIEWER)]) -> UserRead:
    """Who the token belongs to (check a token before using it), with the language and
    time zone their pages use."""
    settings = request.app.state.settings
    return UserRead(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        department_id=user.department_id,
        is_active=user.is_active,
        language=user.language or settings.default_language,
        time_zone=user.time_zone or settings.time_zone,
    )
