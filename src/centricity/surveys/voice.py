"""What the Voice page's surveys table reads: each survey's invitations, answers, main
figure and follow-ups (the grouped figures are `breakdown`, the verbatims `verbatims`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.feedback.models import SCALES as FEEDBACK_SCALES
from centricity.surveys import metrics
from centricity.surveys.models import Survey, SurveyInvitation, SurveyResponse


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
    """Every survey with its counts and its main figure, in three grouped queries; the
    closed loop's recovery question (a system survey, `purpose` set) has its own figures."""
    surveys = list(
        session.scalars(select(Survey).where(Survey.purpose.is_(None)).order_by(Survey.id.desc()))
    )
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
    scored = {float(score): n for score, n in counts.items() if score is not None}
    estimate = metrics.ESTIMATORS.get(survey.kind)
    return SurveyRow(
        survey=survey,
        invitations=invitations,
        responses=sum(counts.values()),
        figure=estimate(scored) if estimate else None,
        follow_ups=follow_ups.get(survey.id, 0),
    )


def scale_of(code: str | None) -> tuple[Decimal, Decimal] | None:
    """A survey's or feedback item's scale (nps, csat, ces, stars, percent), for showing
    a score as "3 / 10"."""
    scale = FEEDBACK_SCALES.get(code or "")
    return (scale.low, scale.high) if scale else None
