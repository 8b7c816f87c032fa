"""The Voice page: every survey with its answers and figures, the latest answers in the
customers' own words, a form to create a survey (managers) and one to invite a customer
(agents), whose link is shown once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from centricity.accounts.models import Role, User
from centricity.kit.errors import DomainError
from centricity.kit.i18n import LANGUAGES, supported
from centricity.surveys import service, voice
from centricity.surveys.models import SurveyKind
from centricity.surveys.schemas import InvitationCreate, SurveyCreate
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors, parse
from centricity.web.templating import render

router = APIRouter(prefix="/voice", include_in_schema=False)
Viewer = Annotated[User, require_page(Role.VIEWER)]
Agent = Annotated[User, require_page(Role.AGENT)]
Manager = Annotated[User, require_page(Role.MANAGER)]


def _filters(request: Request) -> dict[str, Any]:
    """The answer filters the address names; unknown values are ignored."""
    params = request.query_params
    survey = params.get("survey", "")
    band = params.get("band", "")
    return {
        "survey_id": int(survey) if survey.isascii() and survey.isdigit() else None,
        "band": band if band in voice.BANDS else None,
        "language": supported(params.get("language")),
    }


def _page(
    request: Request,
    session: DbSession,
    user: User,
    *,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    filters = _filters(request)
    context: dict[str, Any] = {
        "user": user,
        "rows": voice.survey_rows(session),
        "answers": voice.latest_answers(session, **filters),
        "filters": filters,
        "kinds": [kind.value for kind in SurveyKind if kind != SurveyKind.CUSTOM],
        "all_languages": LANGUAGES,
        "scale_of": voice.scale_of,
        "errors": {},
        "form": {},
        **(extra or {}),
    }
    return render(request, "surveys/voice.html", context, status_code=status)


@router.get("", response_class=HTMLResponse)
def voice_page(request: Request, session: DbSession, user: Viewer) -> Response:
    """The surveys with their figures and the latest answers (filtered by the address)."""
    return _page(request, session, user)


@router.post("/surveys", dependencies=[Depends(csrf_protect)], response_class=HTMLResponse)
async def create_survey(request: Request, session: DbSession, user: Manager) -> Response:
    """Create an NPS, CSAT or CES survey in the languages ticked (custom questions: API)."""
    form = await request.form()
    data = {
        "name": str(form.get("name") or ""),
        "kind": str(form.get("kind") or ""),
        "languages": [str(v) for v in form.getlist("languages")],
        "cadence_days": str(form.get("cadence_days") or "").strip() or None,
    }
    parsed, errors = parse(SurveyCreate, data)
    if parsed is None:
        return _page(request, session, user, extra={"errors": errors, "form": data}, status=422)
    service.create(session, data=parsed, actor=user)
    return RedirectResponse("/voice", status_code=303)


@router.post(
    "/surveys/{survey_id}/invitations",
    dependencies=[Depends(csrf_protect)],
    response_class=HTMLResponse,
)
async def invite(request: Request, session: DbSession, user: Agent, survey_id: PathId) -> Response:
    """Invite a customer by id: the link is shown once (or e-mailed); a refusal says why."""
    form = await request.form()
    data = {"customer_id": str(form.get("customer_id") or ""), "send": form.get("send") == "1"}
    survey = service.get(session, survey_id)
    parsed, errors = parse(InvitationCreate, data)
    if parsed is None:
        return _invited(request, session, user, survey_id, errors=errors, status=422)
    try:
        outcome = service.invite(session, survey=survey, data=parsed, actor=user)
    except DomainError as error:
        found: FormErrors = {"customer_id": str(error.message)}
        return _invited(request, session, user, survey_id, errors=found, status=error.status_code)
    if isinstance(outcome, service.Skipped):
        extra = {"refused": (survey_id, outcome.reason)}
        return _page(request, session, user, extra=extra, status=409)
    shown = {"invited": (survey_id, outcome.url, parsed.send)}
    return _page(request, session, user, extra=shown)


def _invited(
    request: Request,
    session: DbSession,
    user: User,
    survey_id: int,
    *,
    errors: FormErrors,
    status: int,
) -> Response:
    extra = {"invite_errors": (survey_id, errors)}
    return _page(request, session, user, extra=extra, status=status)
