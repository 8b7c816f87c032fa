"""Survey figures with their 95 % intervals, built from counts of answers per score.

- NPS = 100 × (share of 9–10 − share of 0–6); its variance is
  (p₊(1−p₊) + p₋(1−p₋) + 2p₊p₋)/n (the difference of two multinomial shares), interval
  ±1.96·√var·100, clipped to −100…100.
- CSAT = percentage of 4–5 answers, with the Wilson score interval (correct near 0 % and
  100 %, where the normal one leaves 0…100).
- CES = mean effort (1–7) with the Student t interval of the mean.
- Closed-loop rate = the share of follow-up tasks that are solved or closed.

Every estimator takes counts (score → number of answers), so the store counts answers with
one `GROUP BY score` and no answer passes through Python: at 100,000 answers the figures
read a few dozen rows instead of 100,000.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from scipy import stats
from sqlalchemy import ColumnElement, case, func, select, true
from sqlalchemy.orm import Session

from centricity.cases.models import Case
from centricity.surveys.models import Survey, SurveyResponse

Z95 = 1.959963984540054
DONE_STATUSES = ("solved", "closed")
Counts = Mapping[float, int]  # score → number of answers with it


@dataclass(frozen=True)
class Estimate:
    """A figure with the ends of its 95 % interval."""

    value: float
    low: float
    high: float


def nps_counts(counts: Counts) -> Estimate | None:
    """Net Promoter Score on −100…100 with its 95 % interval; None without answers."""
    n = sum(counts.values())
    if n == 0:
        return None
    promoters = sum(k for s, k in counts.items() if s >= 9) / n
    detractors = sum(k for s, k in counts.items() if s <= 6) / n
    value = 100 * (promoters - detractors)
    variance = (
        promoters * (1 - promoters) + detractors * (1 - detractors) + 2 * promoters * detractors
    ) / n
    half = Z95 * math.sqrt(variance) * 100
    return Estimate(value, max(-100.0, value - half), min(100.0, value + half))


def csat_counts(counts: Counts) -> Estimate | None:
    """Percentage of satisfied answers (4–5 of 1–5) with its Wilson 95 % interval."""
    n = sum(counts.values())
    if n == 0:
        return None
    share = sum(k for s, k in counts.items() if s >= 4) / n
    centre = (share + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(share * (1 - share) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return Estimate(100 * share, 100 * (centre - half), 100 * (centre + half))


def ces_counts(counts: Counts) -> Estimate | None:
    """Mean customer effort (1–7) with its Student t 95 % interval (one answer: no spread,
    so the interval is the point itself)."""
    n = sum(counts.values())
    if n == 0:
        return None
    mean = sum(s * k for s, k in counts.items()) / n
    if n == 1:
        return Estimate(mean, mean, mean)
    sd = math.sqrt(sum(k * (s - mean) ** 2 for s, k in counts.items()) / (n - 1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half)


ESTIMATORS: dict[str, Callable[[Counts], Estimate | None]] = {
    "nps": nps_counts,
    "csat": csat_counts,
    "ces": ces_counts,
}


def nps(scores: Iterable[float]) -> Estimate | None:
    """NPS of a list of scores (`nps_counts` of their counts)."""
    return nps_counts(Counter(scores))


def csat(scores: Iterable[float]) -> Estimate | None:
    """CSAT of a list of scores (`csat_counts` of their counts)."""
    return csat_counts(Counter(scores))


def ces(scores: Iterable[float]) -> Estimate | None:
    """CES of a list of scores (`ces_counts` of their counts)."""
    return ces_counts(Counter(scores))


@dataclass(frozen=True)
class Period:
    """Answers finished in [start, end) (UTC); an open end takes every answer that way."""

    start: datetime | None = None
    end: datetime | None = None

    def condition(self) -> ColumnElement[bool]:
        """The period as a condition on the finished time of a response."""
        condition: ColumnElement[bool] = true()
        if self.start is not None:
            condition = condition & (SurveyResponse.finished_at >= self.start)
        if self.end is not None:
            condition = condition & (SurveyResponse.finished_at < self.end)
        return condition


@dataclass(frozen=True)
class Figures:
    """A survey's (or all surveys') figures."""

    responses: int
    nps: Estimate | None
    csat: Estimate | None
    ces: Estimate | None
    follow_ups: int
    closed_loop_rate: float | None


def figures(
    session: Session, *, survey_id: int | None = None, period: Period | None = None
) -> Figures:
    """The figures of one survey, or of every survey, from finished responses (erased
    customers' answers included): one aggregate query over (kind, score), the follow-up
    tasks and how many of them are done counted in the same pass."""
    done = case((Case.status.in_(DONE_STATUSES), 1), else_=0)
    query = (
        select(
            Survey.kind,
            SurveyResponse.score,
            func.count(),
            func.count(SurveyResponse.follow_up_case_id),
            func.coalesce(func.sum(done), 0),
        )
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .outerjoin(Case, Case.id == SurveyResponse.follow_up_case_id)
        .where(SurveyResponse.finished_at.is_not(None), (period or Period()).condition())
        .group_by(Survey.kind, SurveyResponse.score)
    )
    if survey_id is not None:
        query = query.where(SurveyResponse.survey_id == survey_id)
    else:  # the closed loop's recovery question is not a survey of the customers' views
        query = query.where(Survey.purpose.is_(None))
    by_kind: dict[str, Counter[float]] = {kind: Counter() for kind in ESTIMATORS}
    responses = tasks = closed = 0
    for kind, score, count, follow_ups, solved in session.execute(query):
        responses += count
        tasks += follow_ups
        closed += int(solved)
        if score is not None and kind in by_kind:
            by_kind[kind][float(score)] += count
    return Figures(
        responses=responses,
        nps=nps_counts(by_kind["nps"]),
        csat=csat_counts(by_kind["csat"]),
        ces=ces_counts(by_kind["ces"]),
        follow_ups=tasks,
        closed_loop_rate=round(closed / tasks, 4) if tasks else None,
    )
