"""REST API of survey campaigns: create and list a survey's campaigns with their figures,
pause, activate or change one, and start an audience send."""

from __future__ import annotations

from typing import Annotated, Any

from centricity.accounts.models import Role, User
from centricity.surveys import campaign_runs, campaigns, service  # campaign_runs follows events
from centricity.surveys.campaign_models import SurveyCampaign
from centricity.surveys.campaign_schemas import (
    CampaignCreate,
    CampaignCreated,
    CampaignFigures,
    CampaignRead,
    CampaignUpdate,
    SendStarted,
)
from centricity.web.api import PathId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "surveys")


def read(campaign: SurveyCampaign, figures: CampaignFigures | None) -> CampaignRead:
    """A campaign as the API shows it."""
    return CampaignRead(
        id=campaign.id,
        survey_id=campaign.survey_id,
        name=campaign.name,
        trigger=campaign.trigger,
        department_id=campaign.department_id,
        channel=campaign.channel,
        days=campaign.days,
        delay_hours=campaign.delay_hours,
        segment=campaign.segment,
        tier=campaign.tier,
        send=campaign.send,
        active=campaign.active,
        created_by_user_id=campaign.created_by_user_id,
        created_at=campaign.created_at,
        figures=figures or CampaignFigures(),
    )


def _figures_of(session: DbSession, campaign: SurveyCampaign) -> CampaignFigures | None:
    return campaigns.figures(session, campaign.survey_id).get(campaign.id)


@router.post("/surveys/{survey_id}/campaigns", response_model=CampaignCreated, status_code=201)
def create_campaign(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    survey_id: PathId,
    data: CampaignCreate,
) -> CampaignCreated:
    """Create a campaign: `trigger` case_solved, contact_logged, order_delivered,
    days_after_first_purchase (with `days`) or audience (with `segment`, `tier` or a
    `customers` list); `unknown` lists list entries that matched no customer."""
    survey = service.get(session, survey_id)
    campaign, unknown = campaigns.create(session, survey=survey, data=data, actor=user)
    shown = read(campaign, _figures_of(session, campaign))
    return CampaignCreated(**shown.model_dump(), unknown=unknown)


@router.get("/surveys/{survey_id}/campaigns")
def list_campaigns(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], survey_id: PathId
) -> dict[str, Any]:
    """A survey's campaigns with their figures: invited, sent, skipped by reason,
    answered and the response rate."""
    del user
    service.get(session, survey_id)
    figures = campaigns.figures(session, survey_id)
    items = [
        read(c, figures.get(c.id)).model_dump(mode="json")
        for c in campaigns.list_for(session, survey_id)
    ]
    return {"items": items, "total": len(items)}


@router.patch("/campaigns/{campaign_id}", response_model=CampaignCreated)
def update_campaign(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    campaign_id: PathId,
    data: CampaignUpdate,
) -> CampaignCreated:
    """Pause (`active: false`) or activate a campaign, or change its filters; `customers`
    adds to an audience list (unknown entries are listed)."""
    campaign = campaigns.get(session, campaign_id)
    unknown = campaigns.update(session, campaign=campaign, data=data, actor=user)
    shown = read(campaign, _figures_of(session, campaign))
    return CampaignCreated(**shown.model_dump(), unknown=unknown)


@router.post("/campaigns/{campaign_id}/send", response_model=SendStarted, status_code=202)
def send_campaign(
    session: DbSession, user: Annotated[User, require_api(Role.MANAGER)], campaign_id: PathId
) -> SendStarted:
    """Start an audience campaign's send: 202 with the job that works through it in
    batches (sending again invites only customers not yet taken on)."""
    campaign = campaigns.get(session, campaign_id)
    campaigns.check_may_send(session, campaign, user)
    job = campaign_runs.start_send(session, campaign)
    return SendStarted(campaign_id=campaign.id, job_id=job.id)
