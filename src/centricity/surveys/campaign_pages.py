"""A survey's own page: its settings (managers change them), its campaigns with their
figures, a form to add a campaign, pause or activate one, and send an audience now."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from centricity.accounts import service as accounts
from centricity.accounts.models import Role, User
from centricity.interactions.models import Channel
from centricity.kit.errors import DomainError
from centricity.kit.i18n import label_for
from centricity.surveys import campaign_runs, campaigns, service
from centricity.surveys.campaign_models import SendBy, SurveyCampaign, Trigger
from centricity.surveys.campaign_schemas import CampaignCreate, CampaignUpdate, SurveySettings
from centricity.surveys.models import Survey
from centricity.value import queries as value_queries
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors, parse
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/voice", include_in_schema=False)
Viewer = Annotated[User, require_page(Role.VIEWER)]
Manager = Annotated[User, require_page(Role.MANAGER)]
FIELDS = ("name", "trigger", "department_id", "channel", "days", "delay_hours")
AUDIENCE_FIELDS = ("segment", "tier", "customers", "send")


def _audience_choices(session: DbSession) -> tuple[list[str], list[str]]:
    run = value_queries.latest_run(session)
    if run is None:
        return [], []
    segments = sorted(row.name for row in value_queries.segments(session, run))
    return segments, value_queries.tier_order(run)


def _page(
    request: Request,
    session: DbSession,
    user: User,
    survey: Survey,
    *,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    segments, tiers = _audience_choices(session)
    context: dict[str, Any] = {
        "user": user,
        "survey": survey,
        "campaigns": campaigns.list_for(session, survey.id),
        "figures": campaigns.figures(session, survey.id),
        "may_manage": campaigns.may_manage(survey, user),
        "departments": accounts.list_departments(session),
        "triggers": [t.value for t in Trigger],
        "channels": [c.value for c in Channel],
        "sends": [s.value for s in SendBy],
        "segments": segments,
        "tiers": tiers,
        "trigger_label": lambda code: label_for("campaign trigger", code),
        "send_label": lambda code: label_for("campaign send", code),
        "errors": {},
        "form": {},
        **(extra or {}),
    }
    return render(request, "surveys/survey.html", context, status_code=status)


def _back(survey_id: int) -> RedirectResponse:
    return RedirectResponse(f"/voice/surveys/{survey_id}", status_code=303)


@router.get("/surveys/{survey_id}", response_class=HTMLResponse)
def survey_page(request: Request, session: DbSession, user: Viewer, survey_id: PathId) -> Response:
    """The survey's settings and its campaigns with their figures."""
    return _page(request, session, user, service.get(session, survey_id))


@router.post(
    "/surveys/{survey_id}/settings",
    dependencies=[Depends(csrf_protect)],
    response_class=HTMLResponse,
)
async def save_settings(
    request: Request, session: DbSession, user: Manager, survey_id: PathId
) -> Response:
    """Rename the survey, pause or activate it, change its cadence."""
    survey = service.get(session, survey_id)
    form = await request.form()
    data = {
        "name": str(form.get("name") or ""),
        "active": form.get("active") == "1",
        "cadence_days": str(form.get("cadence_days") or "").strip() or None,
    }
    parsed, errors = parse(SurveySettings, data)
    if parsed is None:
        extra = {"settings_errors": errors, "settings_form": data}
        return _page(request, session, user, survey, extra=extra, status=422)
    try:
        campaigns.update_survey(session, survey=survey, data=parsed, actor=user)
    except DomainError as error:
        found: FormErrors = {"form": error.message}
        extra = {"settings_errors": found, "settings_form": data}
        return _page(request, session, user, survey, extra=extra, status=error.status_code)
    return _back(survey.id)


@router.post(
    "/surveys/{survey_id}/campaigns",
    dependencies=[Depends(csrf_protect)],
    response_class=HTMLResponse,
)
async def add_campaign(
    request: Request, session: DbSession, user: Manager, survey_id: PathId
) -> Response:
    """Add a campaign; a list's entries that match no customer are shown, not dropped."""
    survey = service.get(session, survey_id)
    form = await request.form()
    data: dict[str, Any] = {
        name: str(form.get(name) or "").strip() or None for name in FIELDS + AUDIENCE_FIELDS
    }
    data["delay_hours"] = data["delay_hours"] or 0
    data["send"] = data["send"] or SendBy.EMAIL.value
    data["active"] = True
    parsed, errors = parse(CampaignCreate, data)
    if parsed is None:
        return _page(
            request, session, user, survey, extra={"errors": errors, "form": data}, status=422
        )
    try:
        campaign, unknown = campaigns.create(session, survey=survey, data=parsed, actor=user)
    except DomainError as error:
        found: FormErrors = {error.field or "form": error.message}
        extra = {"errors": found, "form": data}
        return _page(request, session, user, survey, extra=extra, status=error.status_code)
    if unknown:
        shown = {"unknown": (campaign.name, unknown)}
        return _page(request, session, user, survey, extra=shown)
    return _back(survey.id)


def _campaign_and_survey(session: DbSession, campaign_id: int) -> tuple[SurveyCampaign, Survey]:
    campaign = campaigns.get(session, campaign_id)
    return campaign, service.get(session, campaign.survey_id)


@router.post(
    "/campaigns/{campaign_id}/active",
    dependencies=[Depends(csrf_protect)],
    response_class=HTMLResponse,
)
async def set_active(
    request: Request, session: DbSession, user: Manager, campaign_id: PathId
) -> Response:
    """Pause a campaign (`active=0`) or activate it again (`active=1`)."""
    campaign, survey = _campaign_and_survey(session, campaign_id)
    form = await request.form()
    data = CampaignUpdate(active=form.get("active") == "1")
    try:
        campaigns.update(session, campaign=campaign, data=data, actor=user)
    except DomainError as error:
        extra = {"campaign_error": (campaign.id, error.message)}
        return _page(request, session, user, survey, extra=extra, status=error.status_code)
    return _back(survey.id)


@router.post(
    "/campaigns/{campaign_id}/send",
    dependencies=[Depends(csrf_protect)],
    response_class=HTMLResponse,
)
def send_now(request: Request, session: DbSession, user: Manager, campaign_id: PathId) -> Response:
    """Queue an audience campaign's send; its figures grow as the job works through it."""
    campaign, survey = _campaign_and_survey(session, campaign_id)
    try:
        campaigns.check_may_send(session, campaign, user)
        campaign_runs.start_send(session, campaign)
    except DomainError as error:
        extra = {"campaign_error": (campaign.id, error.message)}
        return _page(request, session, user, survey, extra=extra, status=error.status_code)
    return RedirectResponse(f"/voice/surveys/{survey.id}?sent={campaign.id}", status_code=303)
