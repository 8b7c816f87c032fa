"""REST API of surveys: create a survey, invite a customer (or learn why not), read the
voice figures (overall and by group) and the latest verbatims."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import JSONResponse

from centricity.accounts.models import Role, User
from centricity.analytics.text import language as languages
from centricity.feedback.schemas import SOURCE_PATTERN
from centricity.kit.errors import Invalid
from centricity.kit.i18n import label_for, lazy
from centricity.surveys import breakdown, metrics, service, verbatims, voice_filters
from centricity.surveys.models import Survey
from centricity.surveys.schemas import (
    FigureRead,
    GroupRead,
    InvitationCreate,
    InvitationRead,
    SurveyCreate,
    SurveyRead,
    VerbatimPage,
    VerbatimRead,
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


def _figure(group: breakdown.Group, kind: str) -> FigureRead | None:
    found = group.figures[kind]
    if found is None:
        return None
    return FigureRead(
        value=round(found.value, 2),
        low=round(found.low, 2),
        high=round(found.high, 2),
        responses=group.answered(kind),
    )


def _groups(found: list[breakdown.Group]) -> list[GroupRead]:
    return [
        GroupRead(
            key=group.key,
            label=breakdown.label(group),
            responses=group.responses,
            nps=_figure(group, "nps"),
            csat=_figure(group, "csat"),
            ces=_figure(group, "ces"),
        )
        for group in found
    ]


def _period(start: date | None, end: date | None) -> metrics.Period:
    if start is not None and end is not None and start > end:
        raise Invalid(lazy("`from` must not be after `to`"), field="from")
    return voice_filters.period_of(start, end)


@router.get("/voice/metrics", response_model=VoiceMetrics)
def voice_metrics(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    survey_id: QueryId = None,
    group_by: breakdown.GroupBy | None = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> VoiceMetrics:
    """NPS (−100…100), CSAT (% satisfied), CES (mean effort), each with its 95 % interval,
    the responses and the closed-loop rate, of one survey or all, for answers finished
    from `from` to `to` (days, UTC, both included); with `group_by` (month, week, segment,
    tier, department, channel, survey) also `groups`, each with its figures. Company
    figures: every answer counts, erased customers' too (under `unknown`)."""
    del user
    if survey_id is not None:
        service.get(session, survey_id)
    period = _period(start, end)
    found = metrics.figures(session, survey_id=survey_id, period=period)
    groups = None
    if group_by is not None:
        grouped = breakdown.groups(session, group_by=group_by, period=period, survey_id=survey_id)
        groups = _groups(grouped)
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
        from_date=start,
        to_date=end,
        group_by=group_by.value if group_by else None,
        groups=groups,
    )


Band = Literal["unhappy", "neutral", "happy", "detractor", "passive", "promoter"]
Score = Annotated[Decimal | None, Query(ge=-1000, le=1000)]


@router.get("/voice/verbatims", response_model=VerbatimPage)
def voice_verbatims(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    survey_id: QueryId = None,
    source: Annotated[str | None, Query(pattern=SOURCE_PATTERN, max_length=40)] = None,
    band: Band | None = None,
    scale: Literal["nps", "csat", "ces", "stars", "percent"] | None = None,
    min_score: Score = None,
    max_score: Score = None,
    language: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z]{2})?$")] = None,
    limit: Annotated[int, Query(ge=1, le=verbatims.MAX_LIMIT)] = 50,
) -> VerbatimPage:
    """The newest survey answers and feedback items the caller may see, in the customers'
    own words and language, by survey, `source` (`survey` for survey answers), score
    `band` (unhappy|neutral|happy, or detractor|passive|promoter), `scale`, `min_score`,
    `max_score` (on the item's own scale) and `language`; a survey answer is listed once."""
    filters = verbatims.VerbatimFilters(
        survey_id=survey_id,
        source=source,
        band=verbatims.band_code(band),
        scale=scale,
        min_score=min_score,
        max_score=max_score,
        language=languages.normalise(language) if language else None,
    )
    found = verbatims.latest(session, actor=user, filters=filters, limit=limit)
    items = [VerbatimRead(**{k: getattr(v, k) for k in VerbatimRead.model_fields}) for v in found]
    return VerbatimPage(items=items, limit=limit)
