"""REST API for the contact log."""

from __future__ import annotations

from typing import Annotated

from fastapi import Response

from centricity.accounts.models import Role, User
from centricity.interactions import service
from centricity.interactions.models import Channel
from centricity.interactions.schemas import InteractionCreate, InteractionPage, InteractionRead
from centricity.kit.validation import UtcDatetime
from centricity.web.api import Limit, Offset, PathId, QueryId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1/interactions", "interactions")


@router.get("", response_model=InteractionPage)
def list_interactions(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    customer_id: QueryId = None,
    channel: Channel | None = None,
    since: UtcDatetime | None = None,
    until: UtcDatetime | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> InteractionPage:
    """List contacts the caller may see, newest first, filtered by customer, channel, time."""
    page = service.list(
        session,
        actor=user,
        customer_id=customer_id,
        channel=channel.value if channel else None,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    items = [InteractionRead.model_validate(i) for i in page.items]
    return InteractionPage(items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.post("", response_model=InteractionRead, status_code=201)
def create_interaction(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)], data: InteractionCreate
) -> InteractionRead:
    """Log a contact as the token's user, for the user's department."""
    return InteractionRead.model_validate(service.create(session, data=data, actor=user))


@router.get("/{interaction_id}", response_model=InteractionRead)
def get_interaction(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], interaction_id: PathId
) -> InteractionRead:
    """Read one contact (404 for another department's confidential note)."""
    return InteractionRead.model_validate(service.get(session, interaction_id, actor=user))


@router.delete("/{interaction_id}", status_code=204)
def delete_interaction(
    session: DbSession, user: Annotated[User, require_api(Role.MANAGER)], interaction_id: PathId
) -> Response:
    """Remove a contact logged by mistake."""
    row = service.get(session, interaction_id, actor=user)
    service.delete(session, interaction=row, actor=user)
    return Response(status_code=204)
