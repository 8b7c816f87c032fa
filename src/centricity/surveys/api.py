"""REST API of surveys: create a survey, invite a customer (or learn why not), and read
the voice figures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi.responses import JSONResponse

from centricity.accounts.models import Role, User
from centricity.kit.i18n import label_for
from centricity.surveys import metrics, service
from centricity.surveys.models import Survey
from centricity.surveys.schemas import (
    InvitationCreate,
    InvitationRead,
    SurveyCreate,
    SurveyRead,
    VoiceMetrics,
)
from centricity.web.api import PathId, QueryId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "surveys")


def _read(session: DbSession, survey: Survey) -> SurveyRead:
    questions = [
        {
            "id": q.id,
            "position": q.position,
            "kind": q.kind,
            "texts": q.texts,
            "choices": q.choices,
            "scale_min": q.scale_min,
            "scale_max": q.scale_max,
            "required": q.required,
        }
        for q in service.questions(session, survey.id)
    ]
    return SurveyRead(
        id=survey.id,
        name=survey.name,
        kind=survey.kind,
        languages=survey.languages,
        cadence_days=survey.cadence_days,
        department_id=survey.department_id,
        active=survey.active,
        questions=questions,
    )


@router.post("/surveys", response_model=SurveyRead, status_code=201)
def create_survey(
    session: DbSession, user: Annotated[User, require_api(Role.MANAGER)], data: SurveyCreate
) -> SurveyRead:
    """Create a survey: `kind` nps, csat, ces or custom; `languages` it speaks (the first
    is its default); optional custom `questions` with a text in every language."""
    return _read(session, service.create(session, data=data, actor=user))


@router.get("/surveys")
def list_surveys(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)]
) -> dict[str, Any]:
    """Every survey, newest first."""
    del user
    items = [_read(session, survey).model_dump() for survey in service.list(session)]
    return {"items": items, "total": len(items)}


@router.get("/surveys/{survey_id}", response_model=SurveyRead)
def get_survey(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], survey_id: PathId
) -> SurveyRead:
    """One survey with its questions."""
    del user
    return _read(session, service.get(session, survey_id))


@router.post(
    "/surveys/{survey_id}/invitations",
    response_model=InvitationRead,
    status_code=201,
    responses={409: {"description": "Not invited: the reason (fatigue rule, cadence, ...)"}},
)
def invite(
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    survey_id: PathId,
    data: InvitationCreate,
) -> Any:
    """Invite a customer: 201 with the link (shown only now), e-mailed when `send`; 409
    with `reason` when a rule forbids it (the refusal is logged all the same)."""
    survey = service.get(session, survey_id)
    outcome = service.invite(session, survey=survey, data=data, actor=user)
    if isinstance(outcome, service.Skipped):
        detail = label_for("skip reason", outcome.reason)
        return JSONResponse({"detail": detail, "reason": outcome.reason}, status_code=409)
    return InvitationRead(id=outcome.invitation.id, url=outcome.url)


def _interval(estimate: metrics.Estimate | None) -> list[float] | None:
    return None if estimate is None else [round(estimate.low, 2), round(estimate.high, 2)]


def _value(estimate: metrics.Estimate | None) -> float | None:
    return None if estimate is None else round(estimate.value, 2)


@router.get("/voice/metrics", response_model=VoiceMetrics)
def voice_metrics(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    survey_id: QueryId = None,
) -> VoiceMetrics:
    """NPS (−100…100), CSAT (% satisfied), CES (mean effort), each with its 95 % interval,
    the responses and the closed-loop rate, of one survey or all."""
    del user
    if survey_id is not None:
        service.get(session, survey_id)
    found = metrics.figures(session, survey_id=survey_id)
    return VoiceMetrics(
        survey_id=survey_id,
        responses=found.responses,
        nps=_value(found.nps),
        nps_interval=_interval(found.nps),
        csat=_value(found.csat),
        csat_interval=_interval(found.csat),
        ces=_value(found.ces),
        ces_interval=_interval(found.ces),
        follow_ups=found.follow_ups,
        closed_loop_rate=found.closed_loop_rate,
    )
