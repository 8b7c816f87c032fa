"""The public survey page `/s/{token}`: no sign-in, in the customer's language (`?lang=`
switches with a plain GET that saves nothing), plain HTML forms that work without
JavaScript. A GET never saves: a one-click score from the e-mail only preselects it."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from centricity.customers import service as customers
from centricity.db import unit_of_work
from centricity.kit.i18n import ViewerLocale
from centricity.kit.time import utcnow
from centricity.surveys import respond
from centricity.surveys.models import SCALES
from centricity.surveys.wording import MAIN_QUESTION, REASON_QUESTION, SCALE_ENDS
from centricity.web.csrf import capability_form_protect
from centricity.web.deps import DbSession, public
from centricity.web.public import counted_apart, page_locale, wait_seconds
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render_in

router = PrefixRouter(prefix="/s", include_in_schema=False)
TEMPLATE = "surveys/respond.html"
# A finished, expired or unknown link: a page of its own with a clear status, never an error page.
STATUS = {"unknown": 404, "expired": 410, "used": 200, "wait": 429}


def _locale(request: Request, link: respond.Link) -> tuple[ViewerLocale, str]:
    """The page's language and the first name to greet with (nothing else is shown)."""
    if link.invitation is None or link.survey is None:
        return page_locale(request, preferred=None), ""
    view = customers.public_view_of(link.customer)
    locale = page_locale(
        request,
        preferred=view.language if view else None,
        offered=tuple(link.survey.languages),
    )
    return locale, view.first_name if view else ""


def _context(link: respond.Link, token: str, first_name: str) -> dict[str, Any]:
    survey = link.survey
    context: dict[str, Any] = {"token": token, "first_name": first_name, "link": link}
    if survey is not None:
        context["offered"] = survey.languages
        if survey.kind in SCALES:
            low, high = SCALES[survey.kind]
            context.update(
                scores=list(range(low, high + 1)),
                main_question=MAIN_QUESTION[survey.kind],
                scale_ends=SCALE_ENDS[survey.kind],
                reason_question=REASON_QUESTION,
            )
    return context


def _show(
    request: Request,
    link: respond.Link,
    token: str,
    locale: ViewerLocale,
    first_name: str,
    *,
    state: str,
    extra: dict[str, Any] | None = None,
    status: int | None = None,
) -> Response:
    context = {**_context(link, token, first_name), "state": state, **(extra or {})}
    code = status if status is not None else STATUS.get(state, 200)
    return render_in(request, TEMPLATE, context, locale, code)


def _too_many(request: Request, token: str, wait: int) -> Response:
    locale = page_locale(request, preferred=None)
    response = _show(request, respond.Link("wait"), token, locale, "", state="wait")
    response.headers["Retry-After"] = str(wait)
    return response


@router.get("/{token}", dependencies=[public()], response_class=HTMLResponse)
def survey_page(request: Request, session: DbSession, token: str) -> Response:
    """Show the page the respondent is on (a finished link says so; `?score=` from the
    e-mail preselects a score and saves nothing)."""
    wait = wait_seconds(request, session)
    if wait:
        return _too_many(request, token, wait)
    link = respond.open_link(session, token, now=utcnow())
    locale, first_name = _locale(request, link)
    if link.state != "open":
        return _show(request, link, token, locale, first_name, state=link.state)
    typed: dict[str, Any] = {"score": request.query_params.get("score", "")}
    if link.response is not None:
        typed["comment"] = link.response.comment or ""
        if link.response.score is not None:
            typed["score"] = str(int(link.response.score))
    extra = {"page": link.page, "typed": typed, "errors": {}}
    return _show(request, link, token, locale, first_name, state="open", extra=extra)


@router.post(
    "/{token}",
    dependencies=[public(), Depends(capability_form_protect)],
    response_class=HTMLResponse,
)
async def answer(request: Request, token: str) -> Response:
    """Save the page sent: errors come back in the page's language with what was typed
    kept; the last page finishes the survey (a second submission: 409)."""
    form = await request.form()
    fields = {key: [str(v) for v in form.getlist(key)] for key in form}
    group = request.app.state.group_commit
    if group is not None:
        # SQLite: answers that arrive together are written by one COMMIT, each in its own
        # savepoint, and this one is answered once that COMMIT has returned.
        work = partial(_answer_counted_inside, request, token, fields)
        return await asyncio.wrap_future(group.submit(work))
    # The store is used synchronously, off the event loop, in one worker thread from
    # BEGIN to COMMIT (see `_answer_in_one_transaction`).
    return await run_in_threadpool(_answer_in_one_transaction, request, token, fields)


def _answer_counted_inside(
    request: Request, token: str, fields: dict[str, list[str]], session: Session
) -> Response:
    """Count the address and answer in the transaction the caller holds open."""
    if wait := wait_seconds(request, session):
        return _too_many(request, token, wait)
    return _answer(request, session, token, fields)


def _answer_in_one_transaction(
    request: Request, token: str, fields: dict[str, list[str]]
) -> Response:
    """Answer inside a transaction this thread begins and commits, without the request
    session dependency: that one begins in one worker thread and commits in another, two
    more thread hops per answer, and on SQLite the write lock stayed held while the event
    loop, busy with other respondents' requests, got round to the next step
    (benchmarks/README.md, "Surveys")."""
    apart = counted_apart(request)
    if apart and (wait := wait_seconds(request, None)):
        return _too_many(request, token, wait)
    with unit_of_work(request.app.state.session_factory, writing=True) as session:
        if not apart and (wait := wait_seconds(request, session)):
            return _too_many(request, token, wait)
        return _answer(request, session, token, fields)


def _answer(
    request: Request, session: Session, token: str, fields: dict[str, list[str]]
) -> Response:
    now = utcnow()
    link = respond.open_link(session, token, now=now)
    locale, first_name = _locale(request, link)
    if link.state == "used":
        return _show(request, link, token, locale, first_name, state="used", status=409)
    if link.state != "open":
        return _show(request, link, token, locale, first_name, state=link.state)
    page = (fields.get("page") or [link.page])[0]
    if page not in link.pages:
        page = link.page
    checked = respond.check(link, page, fields)
    if checked.errors:
        extra = {"page": page, "typed": checked.typed, "errors": checked.errors}
        return _show(
            request, link, token, locale, first_name, state="open", extra=extra, status=422
        )
    outcome = respond.save(session, link, page, checked, language=locale.language, now=now)
    if outcome == "saved":
        return RedirectResponse(f"/s/{token}?lang={locale.language}", status_code=303)
    if outcome == "used":
        return _show(request, link, token, locale, first_name, state="used", status=409)
    return _show(request, link, token, locale, first_name, state="thanks")
