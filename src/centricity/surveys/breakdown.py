"""The survey figures by group: per month or week, per value segment and tier of the
customer, per department, per channel and per survey, each with its 95 % interval.

One query per call counts finished answers by (group, survey, score) in the store, from
the `(finished_at, survey_id, score)` index alone where the grouping needs no other table;
each survey's kind comes from the surveys table, and `metrics` builds each group's NPS,
CSAT and CES from those counts, so no answer is loaded one by one. Which group an answer falls in:

- **month / week**: when it was finished, in UTC (weeks start on Monday, ISO 8601);
- **segment / tier**: the customer's in the value engine's latest finished run;
- **department**: the department of the case or contact the invitation was about, else
  the survey's department;
- **channel**: the channel of that case or contact (where the experience happened), else
  how the customer was asked (`survey_email`, `survey_link`: a survey about nothing in
  particular has no other channel).

An answer without such a group (an erased customer, a customer the value run did not score,
a survey of no department) counts under `unknown`: erased answers keep counting.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any

from babel.dates import format_skeleton
from sqlalchemy import ColumnElement, Select, String, cast, func, literal, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department
from centricity.cases.models import Case
from centricity.interactions.models import Interaction
from centricity.kit.i18n import current, gettext, label_for, pnoop, register_labels
from centricity.surveys.metrics import ESTIMATORS, Estimate, Period
from centricity.surveys.models import Survey, SurveyInvitation, SurveyResponse
from centricity.value import queries as value_queries
from centricity.value.models import CustomerValue

UNKNOWN = "unknown"
TIME = ("month", "week")


class GroupBy(StrEnum):
    """What the figures are split by."""

    MONTH = "month"
    WEEK = "week"
    SEGMENT = "segment"
    TIER = "tier"
    DEPARTMENT = "department"
    CHANNEL = "channel"
    SURVEY = "survey"


# How a customer was asked, as a channel, when the survey was about no case or contact.
register_labels(
    "channel",
    {
        "survey_email": pnoop("channel", "survey e-mail"),
        "survey_link": pnoop("channel", "survey link"),
    },
)


@dataclass(frozen=True)
class Group:
    """One group's answers and figures; `name` is a department's or survey's name."""

    group_by: str
    key: str
    name: str | None
    responses: int
    counts: dict[str, Counter[float]] = field(default_factory=dict)

    @cached_property
    def figures(self) -> dict[str, Estimate | None]:
        """NPS, CSAT and CES of the group's answers (None: none of that kind)."""
        return {kind: est(self.counts.get(kind, Counter())) for kind, est in ESTIMATORS.items()}

    def answered(self, kind: str) -> int:
        """How many answers of this kind (nps, csat, ces) with a score the group holds."""
        return sum(self.counts.get(kind, Counter()).values())

    @property
    def nps(self) -> Estimate | None:
        """The group's NPS, if any NPS answer is in it."""
        return self.figures.get("nps")

    @property
    def csat(self) -> Estimate | None:
        """The group's CSAT, if any CSAT answer is in it."""
        return self.figures.get("csat")

    @property
    def ces(self) -> Estimate | None:
        """The group's CES, if any CES answer is in it."""
        return self.figures.get("ces")


def _day(session: Session, length: int) -> ColumnElement[Any]:
    """The finished time as text `YYYY-MM-DD` (length 10) or `YYYY-MM` (7), in UTC."""
    if session.get_bind().dialect.name == "postgresql":
        pattern = "YYYY-MM-DD" if length == 10 else "YYYY-MM"
        return func.to_char(func.timezone("UTC", SurveyResponse.finished_at), pattern)
    # SQLite keeps UTC times as ISO text, so the day and the month are its first characters.
    return func.substr(cast(SurveyResponse.finished_at, String), 1, length)


def _key(session: Session, group_by: GroupBy) -> ColumnElement[Any]:
    if group_by in (GroupBy.MONTH, GroupBy.WEEK):
        return _day(session, 7 if group_by is GroupBy.MONTH else 10)
    if group_by is GroupBy.SEGMENT:
        return CustomerValue.segment.expression
    if group_by is GroupBy.TIER:
        return CustomerValue.tier.expression
    if group_by is GroupBy.DEPARTMENT:
        return func.coalesce(Case.department_id, Interaction.department_id, Survey.department_id)
    if group_by is GroupBy.CHANNEL:
        asked = literal("survey_") + SurveyInvitation.channel
        return func.coalesce(Case.channel, Interaction.channel, asked)
    return SurveyResponse.survey_id.expression


def _query(session: Session, group_by: GroupBy) -> Select[Any]:
    """Counts per (group, survey, score), joining only what the grouping needs: grouped by
    time, survey, segment or tier the answers are read from their index alone (with the
    survey's kind joined per answer SQLite took 180 ms at 100,000 answers, 115 without;
    benchmarks/README.md, "Surveys")."""
    run = value_queries.latest_run(session)
    run_id = run.id if run is not None else -1
    key = _key(session, group_by).label("key")
    query = select(key, SurveyResponse.survey_id, SurveyResponse.score, func.count()).select_from(
        SurveyResponse
    )
    if group_by is GroupBy.DEPARTMENT:
        query = query.join(Survey, Survey.id == SurveyResponse.survey_id)
    if group_by in (GroupBy.DEPARTMENT, GroupBy.CHANNEL):
        query = (
            query.join(SurveyInvitation, SurveyInvitation.id == SurveyResponse.invitation_id)
            .outerjoin(Case, Case.id == SurveyInvitation.case_id)
            .outerjoin(Interaction, Interaction.id == SurveyInvitation.interaction_id)
        )
    if group_by in (GroupBy.SEGMENT, GroupBy.TIER):
        query = query.outerjoin(
            CustomerValue,
            (CustomerValue.customer_id == SurveyResponse.customer_id)
            & (CustomerValue.run_id == run_id),
        )
    return query.group_by(key, SurveyResponse.survey_id, SurveyResponse.score)


def groups(
    session: Session,
    *,
    group_by: GroupBy,
    period: Period | None = None,
    survey_id: int | None = None,
) -> list[Group]:
    """Every group with answers finished in `period` (of one survey or all), with its
    figures: by time in time order, else the most answered first and `unknown` last."""
    query = _query(session, group_by).where(
        SurveyResponse.finished_at.is_not(None), (period or Period()).condition()
    )
    if survey_id is not None:
        query = query.where(SurveyResponse.survey_id == survey_id)
    responses: Counter[str] = Counter()
    counts: dict[str, dict[str, Counter[float]]] = {}
    kinds = dict(session.execute(select(Survey.id, Survey.kind)).all())
    for raw, survey, score, count in session.execute(query):
        kind = kinds.get(survey)
        key = _week_of(raw) if group_by is GroupBy.WEEK else _text(raw)
        responses[key] += count
        if score is not None and kind in ESTIMATORS:
            counts.setdefault(key, {}).setdefault(kind, Counter())[float(score)] += count
    names = _names(session, group_by, set(responses))
    found = [
        Group(
            group_by=group_by.value,
            key=key,
            name=names.get(key),
            responses=n,
            counts=counts.get(key, {}),
        )
        for key, n in responses.items()
    ]
    if group_by.value in TIME:
        return sorted(found, key=lambda g: g.key)
    return sorted(found, key=lambda g: (g.key == UNKNOWN, -g.responses, g.name or g.key))


def total(found: list[Group]) -> Group:
    """Every group's answers together (the period's overall figures), from their counts."""
    responses = 0
    counts: dict[str, Counter[float]] = {}
    for group in found:
        responses += group.responses
        for kind, scores in group.counts.items():
            counts.setdefault(kind, Counter()).update(scores)
    return Group(group_by="all", key="all", name=None, responses=responses, counts=counts)


def _text(raw: Any) -> str:
    return UNKNOWN if raw is None or raw == "" else str(raw)


def _week_of(day: Any) -> str:
    """The Monday (ISO 8601 week start) of a `YYYY-MM-DD` day."""
    found = date.fromisoformat(str(day)[:10])
    return (found - timedelta(days=found.weekday())).isoformat()


def _names(session: Session, group_by: GroupBy, keys: set[str]) -> dict[str, str]:
    """Departments' and surveys' names by key (other groups are named by their code)."""
    ids = [int(k) for k in keys if k.isdigit()]
    if group_by is GroupBy.DEPARTMENT:
        rows = session.execute(select(Department.id, Department.name).where(Department.id.in_(ids)))
    elif group_by is GroupBy.SURVEY:
        rows = session.execute(select(Survey.id, Survey.name).where(Survey.id.in_(ids)))
    else:
        return {}
    return {str(row_id): name for row_id, name in rows}


def label(group: Group) -> str:
    """A group's name as the viewer reads it: a month or a week in their language, a
    segment, tier or channel by its label, a department or survey by its name."""
    if group.key == UNKNOWN:
        return gettext("unknown")
    if group.group_by in TIME:
        day = date.fromisoformat(group.key + ("-01" if group.group_by == "month" else ""))
        if group.group_by == "month":
            return format_skeleton("yMMMM", day, locale=current().language)
        shown = format_skeleton("yMMMd", day, locale=current().language)
        return gettext("week of %(day)s") % {"day": shown}
    if group.group_by in ("segment", "tier", "channel"):
        return label_for(group.group_by, group.key)
    return group.name or group.key
