"""REST API of notices: read yours, mark them read, choose which come by e-mail."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from centricity.accounts.models import Role, User
from centricity.notifications import service
from centricity.notifications.models import Notification
from centricity.notifications.schemas import (
    NotificationPage,
    NotificationRead,
    NotificationSettings,
)
from centricity.web.api import PathId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1/notifications", "notifications")


def read_model(notice: Notification) -> NotificationRead:
    """A notice with its title (English in the API)."""
    return NotificationRead(
        id=notice.id,
        kind=notice.kind,
        title=service.title(notice),
        link=notice.link,
        params=notice.params,
        created_at=notice.created_at,
        read_at=notice.read_at,
    )


@router.get("", response_model=NotificationPage)
def list_notifications(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    unread: Annotated[bool, Query(description="Only unread notices")] = False,
) -> NotificationPage:
    """Your notices, newest first, and how many are unread."""
    items = service.list_for(session, user=user, unread_only=unread)
    return NotificationPage(
        items=[read_model(n) for n in items], unread=service.unread_count(session, user=user)
    )


@router.post("/{notification_id}/read", status_code=204)
def mark_read(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], notification_id: PathId
) -> Response:
    """Mark one of your notices read (another person's answers 404)."""
    service.mark_read(session, user=user, notice_id=notification_id)
    return Response(status_code=204)


@router.post("/read-all", response_model=dict[str, int])
def mark_all_read(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)]
) -> dict[str, int]:
    """Mark every notice of yours read."""
    return {"read": service.mark_read(session, user=user)}


@router.get("/settings", response_model=NotificationSettings)
def get_settings(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)]
) -> NotificationSettings:
    """Which kinds of notice you also get by e-mail."""
    return NotificationSettings(email=service.settings_for(session, user))


@router.put("/settings", response_model=NotificationSettings)
def put_settings(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    data: NotificationSettings,
) -> NotificationSettings:
    """Choose, kind by kind, which notices also come by e-mail (422 for an unknown kind)."""
    return NotificationSettings(email=service.set_email(session, user=user, choices=data.email))
