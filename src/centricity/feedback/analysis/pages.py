"""The theme page `/voice/themes/{id}`: what a theme is called and who owns it, its keyword
rules and status, its figures, trend and examples, and a link to every item in it; for
managers the forms to rename it, give it an owner, set keyword rules, merge it into another
theme or split it in two. Plain forms that work without JavaScript: success redirects
(303), a refused change shows the page again with the reason beside its field."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from centricity.accounts import service as accounts
from centricity.accounts.models import Role, User
from centricity.feedback.analysis import edits, insights
from centricity.feedback.analysis import notices as _notices  # noqa: F401  (notice kind)
from centricity.feedback.analysis.models import Theme
from centricity.kit.errors import DomainError, Invalid, NotFound
from centricity.kit.i18n import lazy
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors
from centricity.web.locale import viewer_locale
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/voice/themes", include_in_schema=False)
Viewer = Annotated[User, require_page(Role.VIEWER)]
Manager = Annotated[User, require_page(Role.MANAGER)]
CSRF = [Depends(csrf_protect)]


def _page(
    request: Request,
    session: DbSession,
    user: User,
    theme: Theme,
    *,
    errors: FormErrors | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    language = viewer_locale(request, user).language
    views = insights.themes(
        session, actor=user, language=language, include_retired=True, theme_ids=[theme.id]
    )
    titles = insights.titles(session, language)
    users = {u.id: u for u in accounts.list_users(session)}
    context: dict[str, Any] = {
        "user": user,
        "theme": theme,
        "title": titles.get(theme.id, theme.label),
        "view": views[0] if views else None,
        "owner": users.get(theme.owner_user_id) if theme.owner_user_id else None,
        "staff": [u for u in users.values() if u.is_active],
        "merge_choices": [
            pair for pair in insights.theme_choices(session, language) if pair[0] != theme.id
        ],
        "merged_into": titles.get(theme.merged_into_id) if theme.merged_into_id else None,
        "spikes": [s for s in insights.spikes(session) if s.theme_id == theme.id],
        "can_edit": user.role_enum.rank >= Role.MANAGER.rank and theme.status == "active",
        "errors": errors or {},
        "form": form or {},
    }
    return render(request, "feedback/theme.html", context, status_code=status)


def _refused(
    request: Request,
    session: DbSession,
    user: User,
    theme: Theme,
    error: DomainError,
    *,
    field: str,
    form: dict[str, str],
) -> Response:
    """The page again with the refusal beside the form's field (422, or 409 for a clash);
    the services refuse before they change anything, so nothing is left half done."""
    errors: FormErrors = {error.field or field: error.message}
    return _page(request, session, user, theme, errors=errors, form=form, status=error.status_code)


def _done(theme_id: int) -> Response:
    return RedirectResponse(f"/voice/themes/{theme_id}", status_code=303)


@router.get("/{theme_id}", response_class=HTMLResponse)
def theme_page(request: Request, session: DbSession, user: Viewer, theme_id: PathId) -> Response:
    """One theme (retired and merged ones too, saying so) with its figures and examples."""
    return _page(request, session, user, edits.get(session, theme_id))


@router.post("/{theme_id}/name", dependencies=CSRF, response_class=HTMLResponse)
async def rename(request: Request, session: DbSession, user: Manager, theme_id: PathId) -> Response:
    """Give the theme a name of its own, or clear it (`clear`) to show the automatic label."""
    theme = edits.get(session, theme_id)
    form = await request.form()
    name = str(form.get("name") or "")
    clear = form.get("clear") == "1"
    try:
        edits.update_theme(
            session, theme=theme, actor=user, name=None if clear else name, clear_name=clear
        )
    except DomainError as error:
        return _refused(request, session, user, theme, error, field="name", form={"name": name})
    return _done(theme_id)


@router.post("/{theme_id}/owner", dependencies=CSRF, response_class=HTMLResponse)
async def set_owner(
    request: Request, session: DbSession, user: Manager, theme_id: PathId
) -> Response:
    """Make an active staff member the theme's owner (told of its spikes), or nobody."""
    theme = edits.get(session, theme_id)
    form = await request.form()
    chosen = str(form.get("owner_user_id") or "").strip()
    try:
        if chosen and not chosen.isdigit():
            raise Invalid(lazy("no such active user"), field="owner_user_id")
        edits.update_theme(
            session,
            theme=theme,
            actor=user,
            owner_user_id=int(chosen) if chosen else None,
            clear_owner=not chosen,
        )
    except DomainError as error:
        form_values = {"owner_user_id": chosen}
        return _refused(
            request, session, user, theme, error, field="owner_user_id", form=form_values
        )
    return _done(theme_id)


@router.post("/{theme_id}/keywords", dependencies=CSRF, response_class=HTMLResponse)
async def set_keywords(
    request: Request, session: DbSession, user: Manager, theme_id: PathId
) -> Response:
    """Set the theme's keyword rules, one phrase per line (an empty box removes them), read
    in the viewer's language."""
    theme = edits.get(session, theme_id)
    form = await request.form()
    text = str(form.get("keywords") or "")[:20_000]
    phrases = [line.strip() for line in text.splitlines() if line.strip()]
    try:
        edits.update_theme(
            session,
            theme=theme,
            actor=user,
            keywords=phrases,
            keyword_language=viewer_locale(request, user).language,
        )
    except DomainError as error:
        return _refused(
            request, session, user, theme, error, field="keywords", form={"keywords": text}
        )
    return _done(theme_id)


@router.post("/{theme_id}/merge", dependencies=CSRF, response_class=HTMLResponse)
async def merge(request: Request, session: DbSession, user: Manager, theme_id: PathId) -> Response:
    """Merge this theme into the one chosen; the page of the kept theme follows."""
    theme = edits.get(session, theme_id)
    form = await request.form()
    into = str(form.get("into") or "").strip()
    try:
        keep = edits.merge(session, keep=_target(session, into), absorb=theme, actor=user)
    except DomainError as error:
        return _refused(request, session, user, theme, error, field="into", form={"into": into})
    return _done(keep.id)


def _target(session: DbSession, into: str) -> Theme:
    """The theme chosen to merge into; a missing choice is a field error, not a 404."""
    try:
        return edits.get(session, int(into)) if into.isdigit() else edits.get(session, 0)
    except NotFound:
        raise Invalid(lazy("choose the theme to merge into"), field="into") from None


@router.post("/{theme_id}/split", dependencies=CSRF, response_class=HTMLResponse)
def split(request: Request, session: DbSession, user: Manager, theme_id: PathId) -> Response:
    """Split the theme in two by meaning; the new theme's page follows."""
    theme = edits.get(session, theme_id)
    try:
        new_theme = edits.split(session, theme=theme, actor=user)
    except DomainError as error:
        return _refused(request, session, user, theme, error, field="split", form={})
    return _done(new_theme.id)
