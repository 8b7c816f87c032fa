"""The notifications page: a member of staff's notices, newest first, marking them read,
and which kinds also come by e-mail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from centricity.accounts.models import Role, User
from centricity.notifications import service
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import safe_next
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render, templates

router = PrefixRouter(prefix="/notifications", include_in_schema=False)
SHOWN = 100
Viewer = Annotated[User, require_page(Role.VIEWER)]


def unread_notices(request: Request) -> int:
    """The signed-in viewer's unread notices, for the header's badge: one count query in the
    request's own transaction (0 on pages without a signed-in viewer or a store session)."""
    viewer = getattr(request.state, "viewer", None)
    session = getattr(request.state, "db_session", None)
    if viewer is None or session is None:
        return 0  # an error page after the request's transaction ended: no badge
    return service.unread_count_of(session, viewer.id)


# The base page shows the badge when this module is mounted (the web kit knows no domain).
templates.env.globals["unread_notices"] = unread_notices


@router.get("", response_class=HTMLResponse)
def notifications_page(request: Request, session: DbSession, user: Viewer) -> Response:
    """The viewer's notices (unread first marked), with the e-mail choices."""
    notices = service.list_for(session, user=user, limit=SHOWN)
    context: dict[str, Any] = {
        "user": user,
        "notices": notices,
        # Titles are formatted while the page renders, in the viewer's language and zone.
        "title_of": service.title,
        "email_choices": service.settings_for(session, user),
        "saved": request.query_params.get("saved"),
    }
    return render(request, "notifications/index.html", context)


@router.post("/{notification_id}/read", dependencies=[Depends(csrf_protect)])
async def open_notice(
    request: Request, session: DbSession, user: Viewer, notification_id: PathId
) -> Response:
    """Mark one notice read and go where it points (another person's notice: 404)."""
    service.mark_read(session, user=user, notice_id=notification_id)
    form = await request.form()
    return RedirectResponse(safe_next(str(form.get("next") or "/notifications")), 303)


@router.post("/read-all", dependencies=[Depends(csrf_protect)])
def read_all(session: DbSession, user: Viewer) -> Response:
    """Mark every notice of the viewer read."""
    service.mark_read(session, user=user)
    return RedirectResponse("/notifications", status_code=303)


@router.post("/settings", dependencies=[Depends(csrf_protect)])
async def save_email_choices(request: Request, session: DbSession, user: Viewer) -> Response:
    """Save which kinds of notice also come by e-mail (a ticked box: yes)."""
    form = await request.form()
    ticked = {str(value) for value in form.getlist("email")}
    choices = {kind: kind in ticked for kind in service.settings_for(session, user)}
    service.set_email(session, user=user, choices=choices)
    return RedirectResponse("/notifications?saved=1", status_code=303)
