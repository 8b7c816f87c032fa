"""What the Voice page reads: each survey's invitations, answers and figures, and the
latest answers in the customers' own words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.customers.models import Customer
from centricity.surveys import metrics
from centricity.surveys.follow_up import unhappy
from centricity.surveys.models import SCALES, Survey, SurveyInvitation, SurveyResponse

BANDS = ("unhappy", "other")


@dataclass(frozen=True)
class SurveyRow:
    """One survey's line on the Voice page."""

    survey: Survey
    invitations: int
    responses: int
    figure: metrics.Estimate | None
    follow_ups: int

    @property
    def response_rate(self) -> float | None:
        """Finished answers per invitation."""
        return self.responses / self.invitations if self.invitations else None


def survey_rows(session: Session) -> list[SurveyRow]:
    """Every survey with its counts and its main figure, in three grouped queries."""
    surveys = list(session.scalars(select(Survey).order_by(Survey.id.desc())))
    invited = dict(
        session.execute(
            select(SurveyInvitation.survey_id, func.count()).group_by(SurveyInvitation.survey_id)
        ).all()
    )
    finished = SurveyResponse.finished_at.is_not(None)
    counts: dict[int, dict[float | None, int]] = {}
    follow_ups: dict[int, int] = {}
    grouped = (
        select(
            SurveyResponse.survey_id,
            SurveyResponse.score,
            func.count(),
            func.count(SurveyResponse.follow_up_case_id),
        )
        .where(finished)
        .group_by(SurveyResponse.survey_id, SurveyResponse.score)
    )
    for survey_id, score, count, tasks in session.execute(grouped):
        counts.setdefault(survey_id, {})[score] = count
        follow_ups[survey_id] = follow_ups.get(survey_id, 0) + tasks
    return [_row(s, int(invited.get(s.id, 0)), counts.get(s.id, {}), follow_ups) for s in surveys]


def _row(
    survey: Survey, invitations: int, counts: dict[float | None, int], follow_ups: dict[int, int]
) -> SurveyRow:
    scores = [float(score) for score, n in counts.items() if score is not None for _ in range(n)]
    estimate = {"nps": metrics.nps, "csat": metrics.csat, "ces": metrics.ces}.get(survey.kind)
    return SurveyRow(
        survey=survey,
        invitations=invitations,
        responses=sum(counts.values()),
        figure=estimate(scores) if estimate else None,
        follow_ups=follow_ups.get(survey.id, 0),
    )


@dataclass(frozen=True)
class Answer:
    """One finished answer as the Voice page lists it."""

    response_id: int
    finished_at: datetime
    survey_name: str
    kind: str
    score: float | None
    comment: str | None
    language: str | None
    customer_id: int | None
    customer_name: str | None
    follow_up_case_id: int | None

    @property
    def unhappy(self) -> bool:
        """Tell whether the answer called for a follow-up."""
        return unhappy(self.kind, self.score)


def latest_answers(
    session: Session,
    *,
    survey_id: int | None = None,
    band: str | None = None,
    language: str | None = None,
    limit: int = 50,
) -> list[Answer]:
    """The newest finished answers, filtered by survey, unhappy or not, and language."""
    query = (
        select(
            SurveyResponse.id,
            SurveyResponse.finished_at,
            Survey.name,
            Survey.kind,
            SurveyResponse.score,
            SurveyResponse.comment,
            SurveyResponse.language,
            SurveyResponse.customer_id,
            Customer.name,
            SurveyResponse.follow_up_case_id,
        )
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .outerjoin(Customer, Customer.id == SurveyResponse.customer_id)
        .where(SurveyResponse.finished_at.is_not(None))
        .order_by(SurveyResponse.finished_at.desc(), SurveyResponse.id.desc())
    )
    if survey_id is not None:
        query = query.where(SurveyResponse.survey_id == survey_id)
    if language:
        query = query.where(SurveyResponse.language == language)
    if band == "unhappy":
        query = query.where(SurveyResponse.follow_up_case_id.is_not(None))
    elif band == "other":
        query = query.where(SurveyResponse.follow_up_case_id.is_(None))
    fields = Answer.__dataclass_fields__
    return [
        Answer(**dict(zip(fields, row, strict=True))) for row in session.execute(query.limit(limit))
    ]


def scale_of(kind: str) -> tuple[int, int] | None:
    """The main question's scale, for showing a score as "3 / 10"."""
    return SCALES.get(kind)
