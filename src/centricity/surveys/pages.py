"""The Voice page: NPS, CSAT and CES with their intervals for a period, grouped by time,
segment, tier, department, channel or survey; every survey with its response rate; the
latest verbatims from surveys and every other source in the customers' own words; a form
to create a survey (managers) and one to invite a customer (agents), whose link is shown
once. Plain GET forms: it works without JavaScript."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from centricity.accounts.models import Role, User
from centricity.feedback.analysis import voice_section
from centricity.feedback.models import SCALES, SOURCE_LABELS
from centricity.kit.errors import DomainError
from centricity.kit.i18n import LANGUAGES
from centricity.surveys import breakdown, closed_loop, service, verbatims, voice, voice_filters
from centricity.surveys.models import SurveyKind
from centricity.surveys.schemas import InvitationCreate, SurveyCreate
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors, parse
from centricity.web.locale import viewer_locale
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/voice", include_in_schema=False)
Viewer = Annotated[User, require_page(Role.VIEWER)]
Agent = Annotated[User, require_page(Role.AGENT)]
Manager = Annotated[User, require_page(Role.MANAGER)]


def _page(
    request: Request,
    session: DbSession,
    user: User,
    *,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    view = voice_filters.read(request.query_params)
    filters = view.filters
    grouped = breakdown.groups(
        session, group_by=view.group_by, period=view.period, survey_id=filters.survey_id
    )
    context: dict[str, Any] = {
        "user": user,
        "rows": voice.survey_rows(session),
        "view": view,
        "groups": grouped,
        "group_label": breakdown.label,
        "groupings": voice_filters.GROUPINGS,
        "overall": breakdown.total(grouped),
        **closed_loop.section(session, user, survey_id=filters.survey_id),
        "answers": verbatims.latest(session, actor=user, filters=filters),
        "filters": filters,
        "bands": verbatims.BAND_NAMES,
        "sources": sorted(SOURCE_LABELS),
        "scales": sorted(SCALES),
        "kinds": [kind.value for kind in SurveyKind if kind != SurveyKind.CUSTOM],
        "all_languages": LANGUAGES,
        "scale_of": voice.scale_of,
        "errors": {},
        "form": {},
        **voice_section.section(
            session,
            user,
            language=viewer_locale(request, user).language,
            metric=voice_section.metric_of(request.query_params.get("metric")),
        ),
        **(extra or {}),
    }
    return render(request, "surveys/voice.html", context, status_code=status)


@router.get("", response_class=HTMLResponse)
def voice_page(request: Request, session: DbSession, user: Viewer) -> Response:
    """The figures by group for the period, the themes with their spikes and drivers
    (`metric`), the surveys, and the latest verbatims, as the address asks (`from`, `to`,
    `group_by`, `survey`, `source`, `band`, `scale`, `min_score`, `max_score`, `language`)."""
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
