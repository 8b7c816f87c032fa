"""The latest verbatims: survey answers and feedback from every other source, newest
first, always in the customer's own words and language, filtered by score, language and
source, and only those the viewer may see.

Who sees what follows `feedback.service`: whoever sees the customer, except that an answer
or item about a case or a contact is seen only by those who see that case or contact. A
survey answer is also a feedback item (source `survey`, `survey_response_id` set); it is
listed once, as the answer (with its survey and follow-up task).

Score bands put each scale's answers in three places, the closed loop's thresholds first:

| scale | unhappy | neutral | happy |
|---|---|---|---|
| NPS 0–10 | 0–6 (detractors) | 7–8 (passives) | 9–10 (promoters) |
| CSAT 1–5, stars 1–5 | 1–2 | 3 (stars 2.5–3.5) | 4–5 |
| CES 1–7 (7 = most effort) | 5–7 | 4 | 1–3 |
| percent 0–100 | under 70 | 70 to under 90 | 90 and over |
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, literal, null, or_, select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.cases import service as cases
from centricity.cases.models import Case
from centricity.customers import service as customers
from centricity.customers.models import Customer
from centricity.feedback import service as feedback
from centricity.feedback.models import FeedbackItem
from centricity.interactions import service as interactions
from centricity.interactions.models import Interaction
from centricity.surveys.follow_up import unhappy
from centricity.surveys.models import Survey, SurveyInvitation, SurveyResponse

SURVEY_SOURCE = "survey"
MAX_LIMIT = 200
# Per scale and band: the lowest and highest score in it (inclusive).
Bound = Decimal | int
BANDS: dict[str, dict[str, tuple[Bound, Bound]]] = {
    "nps": {"unhappy": (0, 6), "neutral": (7, 8), "happy": (9, 10)},
    "csat": {"unhappy": (1, 2), "neutral": (3, 3), "happy": (4, 5)},
    "ces": {"unhappy": (5, 7), "neutral": (4, 4), "happy": (1, 3)},
    "stars": {"unhappy": (1, 2), "neutral": (Decimal("2.5"), Decimal("3.5")), "happy": (4, 5)},
    "percent": {
        "unhappy": (0, Decimal("69.99")),
        "neutral": (70, Decimal("89.99")),
        "happy": (90, 100),
    },
}
BAND_NAMES = ("unhappy", "neutral", "happy")
# The NPS names of the bands, accepted as the same bands on every scale.
BAND_ALIASES = {"detractor": "unhappy", "passive": "neutral", "promoter": "happy"}


@dataclass(frozen=True)
class VerbatimFilters:
    """What the viewer asked for; None: no restriction."""

    survey_id: int | None = None
    source: str | None = None
    band: str | None = None
    scale: str | None = None
    min_score: Decimal | None = None
    max_score: Decimal | None = None
    language: str | None = None


@dataclass(frozen=True)
class Verbatim:
    """One survey answer or feedback item as the Voice page lists it."""

    origin: str  # "survey" (an answer; `id` is the response's) or "feedback" (an item)
    id: int
    received_at: datetime
    source: str
    survey_id: int | None
    survey_name: str | None
    scale: str | None
    score: float | None
    text: str
    language: str | None
    customer_id: int | None
    customer_name: str | None
    follow_up_case_id: int | None

    @property
    def unhappy(self) -> bool:
        """Tell whether a survey answer called for a follow-up."""
        return self.origin == SURVEY_SOURCE and unhappy(self.scale or "", self.score)


def band_code(value: str | None) -> str | None:
    """A band name or its NPS alias as a band code; anything else is None."""
    code = BAND_ALIASES.get(value or "", value)
    return code if code in BAND_NAMES else None


def _score_condition(scale: Any, score: Any, filters: VerbatimFilters) -> ColumnElement[bool]:
    """The score filters on a (scale, score) pair of columns."""
    conditions: list[ColumnElement[bool]] = []
    if filters.scale is not None:
        conditions.append(scale == filters.scale)
    if filters.min_score is not None:
        conditions.append(score >= filters.min_score)
    if filters.max_score is not None:
        conditions.append(score <= filters.max_score)
    if filters.band is not None:
        conditions.append(
            or_(
                *(
                    and_(scale == code, score.between(*bands[filters.band]))
                    for code, bands in BANDS.items()
                )
            )
        )
    return and_(*conditions) if conditions else literal(True)


def response_visibility(actor: User) -> ColumnElement[bool]:
    """Who sees a survey answer (the feedback rule): its customer, and the case or the
    contact the invitation was about, if any (needs the invitation joined)."""
    seen_customers = customers.accessible_customers(actor).with_only_columns(Customer.id)
    seen_cases = cases.visible_cases(actor).with_only_columns(Case.id)
    seen_contacts = interactions.visible_to(actor).with_only_columns(Interaction.id)
    return and_(
        SurveyResponse.customer_id.in_(seen_customers),
        or_(SurveyInvitation.case_id.is_(None), SurveyInvitation.case_id.in_(seen_cases)),
        or_(
            SurveyInvitation.interaction_id.is_(None),
            SurveyInvitation.interaction_id.in_(seen_contacts),
        ),
    )


def _answers(actor: User, filters: VerbatimFilters, limit: int) -> Any:
    if filters.source not in (None, SURVEY_SOURCE):
        return None
    query = (
        select(
            literal(SURVEY_SOURCE),
            SurveyResponse.id,
            SurveyResponse.finished_at,
            literal(SURVEY_SOURCE),
            Survey.id,
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
        .join(SurveyInvitation, SurveyInvitation.id == SurveyResponse.invitation_id)
        .join(Customer, Customer.id == SurveyResponse.customer_id)
        .where(
            SurveyResponse.finished_at.is_not(None),
            response_visibility(actor),
            _score_condition(Survey.kind, SurveyResponse.score, filters),
        )
    )
    if filters.survey_id is not None:
        query = query.where(SurveyResponse.survey_id == filters.survey_id)
    if filters.language:
        query = query.where(SurveyResponse.language == filters.language)
    order = (SurveyResponse.finished_at.desc(), SurveyResponse.id.desc())
    return query.order_by(*order).limit(limit)


def _answer_rows(
    session: Session, actor: User, filters: VerbatimFilters, limit: int
) -> builtins.list[Any]:
    """The newest `limit` answers the actor sees: candidates by the `finished_at` index in
    rounds of `CANDIDATES`, each round read with the visibility rule by id. Asked in one
    query, PostgreSQL joined every finished answer with its invitation and sorted them on
    disk before the limit (130 ms at 100,000 answers). Past `MAX_ROUNDS` the rest is asked
    in one query, so the answer is always the same as that query's."""
    query = _answers(actor, filters, limit)
    if query is None:
        return []
    finished = SurveyResponse.finished_at
    candidates = (
        select(SurveyResponse.id, finished)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(finished.is_not(None), _score_condition(Survey.kind, SurveyResponse.score, filters))
        .order_by(finished.desc(), SurveyResponse.id.desc())
    )
    if filters.survey_id is not None:
        candidates = candidates.where(SurveyResponse.survey_id == filters.survey_id)
    if filters.language:
        candidates = candidates.where(SurveyResponse.language == filters.language)
    found: builtins.list[Any] = []
    older: ColumnElement[bool] | None = None
    for _ in range(MAX_ROUNDS):
        round_ = candidates if older is None else candidates.where(older)
        batch = session.execute(round_.limit(CANDIDATES)).all()
        if not batch:
            return found[:limit]
        found += session.execute(query.where(SurveyResponse.id.in_([r.id for r in batch]))).all()
        if len(found) >= limit or len(batch) < CANDIDATES:
            return found[:limit]
        last = batch[-1]
        older = or_(
            finished < last.finished_at,
            and_(finished == last.finished_at, SurveyResponse.id < last.id),
        )
    rest = query.where(older) if older is not None else query
    found += session.execute(rest).all()
    return found[:limit]


ITEM_COLUMNS = (
    literal("feedback"),
    FeedbackItem.id,
    FeedbackItem.received_at,
    FeedbackItem.source,
    null(),
    null(),
    FeedbackItem.scale,
    FeedbackItem.score,
    FeedbackItem.text,
    FeedbackItem.language,
    FeedbackItem.customer_id,
    null(),
    null(),
)
# Items read per round before the visibility rule is applied to them (see `_items`).
CANDIDATES = 500
MAX_ROUNDS = 20


def _candidates(filters: VerbatimFilters) -> Any:
    """The newest items matching the filters, before the visibility rule: by their time
    index alone (the rule's customer subquery would make SQLite's planner walk every
    customer's items and sort them: 0.9 s at 100,000 items)."""
    from_answer = exists().where(SurveyResponse.id == FeedbackItem.survey_response_id)
    query = select(FeedbackItem.id, FeedbackItem.received_at).where(
        or_(FeedbackItem.survey_response_id.is_(None), ~from_answer),
        _score_condition(FeedbackItem.scale, FeedbackItem.score, filters),
    )
    if filters.source is not None:
        query = query.where(FeedbackItem.source == filters.source)
    if filters.language:
        query = query.where(FeedbackItem.language == filters.language)
    return query.order_by(FeedbackItem.received_at.desc(), FeedbackItem.id.desc())


def _opaque(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """The same condition (NULL counts as false, as in WHERE), behind a function call so
    the planner looks the ids up first instead of driving the query from the customer
    subquery the visibility rule holds."""
    return func.coalesce(condition, false()).is_(True)


def _items(
    session: Session, actor: User, filters: VerbatimFilters, limit: int
) -> builtins.list[Any]:
    """The newest `limit` items the actor sees: candidates in rounds of `CANDIDATES`, each
    round's ids then checked against `feedback.visibility` in one query."""
    if filters.survey_id is not None:
        return []  # a survey's answers are its responses
    found: builtins.list[Any] = []
    candidates = _candidates(filters)
    for _ in range(MAX_ROUNDS):
        batch = session.execute(candidates.limit(CANDIDATES)).all()
        if not batch:
            break
        visible = (
            select(*ITEM_COLUMNS)
            .where(
                FeedbackItem.id.in_([row.id for row in batch]), _opaque(feedback.visibility(actor))
            )
            .order_by(FeedbackItem.received_at.desc(), FeedbackItem.id.desc())
        )
        found += session.execute(visible).all()
        if len(found) >= limit or len(batch) < CANDIDATES:
            break
        last = batch[-1]
        candidates = candidates.where(
            or_(
                FeedbackItem.received_at < last.received_at,
                and_(FeedbackItem.received_at == last.received_at, FeedbackItem.id < last.id),
            )
        )
    return found[:limit]


def _names(session: Session, rows: builtins.list[Any]) -> dict[int, str]:
    ids = {row[10] for row in rows if row[11] is None and row[10] is not None}
    if not ids:
        return {}
    return dict(
        session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids))).all()
    )


def latest(
    session: Session, *, actor: User, filters: VerbatimFilters | None = None, limit: int = 50
) -> list[Verbatim]:
    """The newest answers and feedback items the actor may see, filtered: the newest
    `limit` of each kind are read (by their time index) and merged."""
    filters = filters or VerbatimFilters()
    limit = max(1, min(limit, MAX_LIMIT))
    rows = _answer_rows(session, actor, filters, limit)
    rows += _items(session, actor, filters, limit)
    names = _names(session, rows)
    found: list[Verbatim] = []
    for row in rows:
        values = list(row)
        values[7] = float(values[7]) if values[7] is not None else None
        values[8] = values[8] or ""
        values[11] = values[11] if values[11] is not None else names.get(values[10])
        found.append(Verbatim(*values))
    found.sort(key=lambda v: (v.received_at, v.origin == SURVEY_SOURCE, v.id), reverse=True)
    return found[:limit]
