"""The public unsubscribe link `/u/{token}`: a confirmation page, and the POST (from that
page or a mail client's one-click button) that records the refusal."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from centricity.customers import service as customers
from centricity.notifications import unsubscribe
from centricity.web.csrf import capability_form_protect
from centricity.web.deps import DbSession, public
from centricity.web.public import page_locale, wait_seconds
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render_in

router = PrefixRouter(prefix="/u", include_in_schema=False)


def _page(request: Request, session: DbSession, token: str, *, confirm: bool) -> Response:
    wait = wait_seconds(request, session)
    secret = request.app.state.settings.secret_key
    named = None if wait else unsubscribe.read_token(token, secret=secret)
    view = customers.public_view(session, named[0]) if named else None
    locale = page_locale(request, preferred=view.language if view else None)
    context = {"token": token, "topic": named[1] if named else "", "first_name": ""}
    if wait:
        response = render_in(
            request, "notifications/unsubscribe.html", {**context, "state": "wait"}, locale, 429
        )
        response.headers["Retry-After"] = str(wait)
        return response
    if named is None or view is None:
        return render_in(
            request, "notifications/unsubscribe.html", {**context, "state": "invalid"}, locale, 404
        )
    customer_id, topic = named
    done = unsubscribe.is_unsubscribed(session, customer_id=customer_id, topic=topic)
    if confirm and not done:
        unsubscribe.unsubscribe(session, customer_id=customer_id, topic=topic)
        done = True
    context.update(first_name=view.first_name, state="done" if done else "ask")
    return render_in(request, "notifications/unsubscribe.html", context, locale)


@router.get("/{token}", dependencies=[public()], response_class=HTMLResponse)
def confirm_page(request: Request, session: DbSession, token: str) -> Response:
    """Ask whether to stop this kind of mail; opening the link changes nothing, because
    mail-security scanners open every link in a message."""
    return _page(request, session, token, confirm=False)


@router.post(
    "/{token}",
    dependencies=[public(), Depends(capability_form_protect)],
    response_class=HTMLResponse,
)
def unsubscribe_now(request: Request, session: DbSession, token: str) -> Response:
    """Stop this kind of mail to the customer the link names (RFC 8058 one-click too)."""
    return _page(request, session, token, confirm=True)
