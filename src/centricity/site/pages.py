"""Shell pages: health, login/logout, dashboard and the sections not built yet."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import text
from sqlalchemy.orm import Session

from centricity.accounts import service as accounts
from centricity.accounts.models import Role, User
from centricity.customers import service as customer_service
from centricity.customers.models import Customer
from centricity.interactions import service as interaction_service
from centricity.kit.i18n import Message, lazy, noop
from centricity.kit.time import utcnow
from centricity.value import queries as value_queries
from centricity.web.csrf import LOGIN_CSRF_COOKIE, csrf_protect, login_csrf_protect, new_login_token
from centricity.web.deps import SESSION_COOKIE, DbSession, page_principal, public, require_page
from centricity.web.forms import safe_next
from centricity.web.ratelimit import LoginThrottle
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(include_in_schema=False)

# (title, what it will hold): marked for the catalog, translated when the page renders.
UNBUILT_SECTIONS = {
    "/insights": (
        noop("Insights"),
        noop("Theme trends, the customer-centricity index and the digest"),
    ),
}
# Shown on the sign-in page, in the language of whoever is signing in.
TOO_MANY_ATTEMPTS = noop("Too many attempts; try later.")
WRONG_CREDENTIALS = noop("Wrong e-mail or password.")


@router.get("/healthz", dependencies=[public()], include_in_schema=False)
def healthz(session: DbSession) -> JSONResponse:
    """Liveness and store check for load balancers: 200 when the store answers."""
    session.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """Set an HttpOnly, SameSite=Lax cookie, Secure outside development."""
    secure = not request.app.state.settings.is_development
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/"
    )


def _login_page(request: Request, next_url: str, error: Message | None, status: int) -> Response:
    token = new_login_token(request.app.state.settings.secret_key)
    context = {"next": next_url, "error": error, "csrf_token": token, "user": None}
    response = render(request, "login.html", context, status_code=status)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


@router.get("/login", dependencies=[public()], response_class=HTMLResponse)
def login_form(request: Request, session: DbSession, next: str | None = None) -> Response:
    """Show the sign-in form (or go straight on when already signed in)."""
    if page_principal(request, session) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, safe_next(next), None, 200)


@router.post(
    "/login", dependencies=[public(), Depends(login_csrf_protect)], response_class=HTMLResponse
)
def login(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=2048)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Sign in; after too many failures from one address or for one account, answer 429
    before any password hash runs."""
    throttle: LoginThrottle = request.app.state.login_throttle
    address = request.client.host if request.client else "unknown"
    wait = throttle.retry_after(session, address=address, email=email)
    if wait:
        response = _login_page(request, safe_next(next), lazy(TOO_MANY_ATTEMPTS), 429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = accounts.authenticate(session, email=email, password=password)
    if user is None:
        throttle.record_failure(session, address=address, email=email)
        return _login_page(request, safe_next(next), lazy(WRONG_CREDENTIALS), 400)
    max_age = request.app.state.settings.session_max_age_seconds
    started = accounts.start_session(session, user=user, max_age_seconds=max_age)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, started.token, max_age)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout", dependencies=[Depends(csrf_protect)])
def logout(
    request: Request, session: DbSession, user: Annotated[User, require_page(Role.VIEWER)]
) -> Response:
    """Sign out and forget the server-side session."""
    del user
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.end_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def dashboard(
    request: Request, session: DbSession, user: Annotated[User, require_page(Role.VIEWER)]
) -> Response:
    """The start page: how many customers, contacts this week and valuable customers at
    risk (each tile leads to where they are listed), and the latest contacts the user may
    see, with their customers' names."""
    recent = interaction_service.list(session, actor=user, limit=10)
    week = interaction_service.list(
        session, actor=user, since=utcnow() - timedelta(days=7), limit=1
    )
    run = value_queries.latest_run(session)
    context = {
        "user": user,
        "customer_count": customer_service.count(session, actor=user),
        "contacts_this_week": week.total,
        "at_risk_count": None if run is None else value_queries.at_risk_count(session, run),
        "recent": recent.items,
        "customer_names": _customer_names(
            session, user, {contact.customer_id for contact in recent.items}
        ),
    }
    return render(request, "dashboard.html", context)


def _customer_names(session: Session, user: User, ids: set[int]) -> dict[int, str]:
    """The names of the given customers the user may see, in one query."""
    if not ids:
        return {}
    query = customer_service.accessible_customers(user).where(Customer.id.in_(ids))
    return {customer.id: customer.name for customer in session.scalars(query)}


def _unbuilt(title: str, summary: str):  # type: ignore[no-untyped-def]
    def page(request: Request, user: Annotated[User, require_page(Role.VIEWER)]) -> Response:
        context = {"user": user, "section": lazy(title), "summary": lazy(summary)}
        return render(request, "unbuilt.html", context)

    page.__doc__ = f"The {title} section, which says plainly that it is not built yet."
    return page


for _path, (_title, _summary) in UNBUILT_SECTIONS.items():
    router.add_api_route(
        _path,
        _unbuilt(_title, _summary),
        methods=["GET"],
        response_class=HTMLResponse,
        include_in_schema=False,
        name=f"section_{_title.lower()}",
    )
