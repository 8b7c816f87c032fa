"""Survey figures with their 95 % intervals, from finished responses.

- NPS = 100 × (share of 9–10 − share of 0–6); its variance is
  (p₊(1−p₊) + p₋(1−p₋) + 2p₊p₋)/n (the difference of two multinomial shares), interval
  ±1.96·√var·100, clipped to −100…100.
- CSAT = percentage of 4–5 answers, with the Wilson score interval (correct near 0 % and
  100 %, where the normal one leaves 0…100).
- CES = mean effort (1–7) with the Student t interval of the mean.
- Closed-loop rate = the share of follow-up tasks that are solved or closed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.cases.models import Case
from centricity.surveys.models import Survey, SurveyResponse

Z95 = 1.959963984540054
DONE_STATUSES = ("solved", "closed")


@dataclass(frozen=True)
class Estimate:
    """A figure with the ends of its 95 % interval."""

    value: float
    low: float
    high: float


def nps(scores: list[float]) -> Estimate | None:
    """Net Promoter Score on −100…100 with its 95 % interval; None without answers."""
    n = len(scores)
    if n == 0:
        return None
    promoters = sum(1 for s in scores if s >= 9) / n
    detractors = sum(1 for s in scores if s <= 6) / n
    value = 100 * (promoters - detractors)
    variance = (
        promoters * (1 - promoters) + detractors * (1 - detractors) + 2 * promoters * detractors
    ) / n
    half = Z95 * math.sqrt(variance) * 100
    return Estimate(value, max(-100.0, value - half), min(100.0, value + half))


def csat(scores: list[float]) -> Estimate | None:
    """Percentage of satisfied answers (4–5 of 1–5) with its Wilson 95 % interval."""
    n = len(scores)
    if n == 0:
        return None
    share = sum(1 for s in scores if s >= 4) / n
    centre = (share + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(share * (1 - share) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return Estimate(100 * share, 100 * (centre - half), 100 * (centre + half))


def ces(scores: list[float]) -> Estimate | None:
    """Mean customer effort (1–7) with its Student t 95 % interval (one answer: no spread,
    so the interval is the point itself)."""
    n = len(scores)
    if n == 0:
        return None
    mean = sum(scores) / n
    if n == 1:
        return Estimate(mean, mean, mean)
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half)


@dataclass(frozen=True)
class Figures:
    """A survey's (or all surveys') figures."""

    responses: int
    nps: Estimate | None
    csat: Estimate | None
    ces: Estimate | None
    follow_ups: int
    closed_loop_rate: float | None


def figures(session: Session, *, survey_id: int | None = None) -> Figures:
    """The figures of one survey, or of every survey, from finished responses."""
    query = (
        select(Survey.kind, SurveyResponse.score, SurveyResponse.follow_up_case_id)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(SurveyResponse.finished_at.is_not(None))
    )
    if survey_id is not None:
        query = query.where(SurveyResponse.survey_id == survey_id)
    rows = session.execute(query).all()
    by_kind: dict[str, list[float]] = {"nps": [], "csat": [], "ces": []}
    for kind, score, _task in rows:
        if score is not None and kind in by_kind:
            by_kind[kind].append(float(score))
    tasks = [task for _kind, _score, task in rows if task is not None]
    return Figures(
        responses=len(rows),
        nps=nps(by_kind["nps"]),
        csat=csat(by_kind["csat"]),
        ces=ces(by_kind["ces"]),
        follow_ups=len(tasks),
        closed_loop_rate=_closed_share(session, tasks),
    )


def _closed_share(session: Session, task_ids: list[int]) -> float | None:
    if not task_ids:
        return None
    done = 0
    for start in range(0, len(task_ids), 500):
        chunk = task_ids[start : start + 500]
        done += int(
            session.scalar(
                select(func.count()).where(Case.id.in_(chunk), Case.status.in_(DONE_STATUSES))
            )
            or 0
        )
    return done / len(task_ids)
