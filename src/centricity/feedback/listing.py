"""The feedback list's filters: source, language, a score band or a range on one scale, the
customer (the indexed customer search, never a scan of the text), the period, and what the
text analysis found (theme, sentiment), so every theme figure leads to its verbatims.

Bands read every scale the same way a person would: unhappy, neutral, happy. On NPS the
detractors (0–6), passives (7–8) and promoters (9–10); on CSAT and stars 1–2, 3, 4–5; on
CES, where a higher score means more effort, 5–7 is unhappy and 1–3 happy; on percent
below 50, 50 to 80, 80 and above.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.customers import search
from centricity.customers.models import Customer
from centricity.feedback.models import FeedbackItem
from centricity.feedback.service import visible_items
from centricity.kit.pagination import MAX_LIMIT, Page

BANDS = ("unhappy", "neutral", "happy")
SENTIMENTS = ("negative", "neutral", "positive")
# Per scale: (unhappy up to and including, happy from); neutral lies between.
_BAND_LIMITS: dict[str, tuple[Decimal, Decimal]] = {
    "nps": (Decimal(6), Decimal(9)),
    "csat": (Decimal(2), Decimal(4)),
    "stars": (Decimal("2.5"), Decimal(4)),
    "percent": (Decimal("49.99"), Decimal(80)),
}
# CES counts effort: a high score is the unhappy one.
_CES_UNHAPPY_FROM, _CES_HAPPY_UP_TO = Decimal(5), Decimal(3)


@dataclass(frozen=True)
class FeedbackFilters:
    """What the list is narrowed to; None leaves a filter out."""

    source: str | None = None
    language: str | None = None
    band: str | None = None
    scale: str | None = None
    score_min: Decimal | None = None
    score_max: Decimal | None = None
    customer: str | None = None
    received_from: datetime | None = None
    received_before: datetime | None = None
    theme_id: int | None = None
    sentiment: str | None = None


def band_condition(band: str) -> ColumnElement[bool]:
    """Items whose score falls in the band on their own scale (unscored items never do)."""
    score, scale = FeedbackItem.score, FeedbackItem.scale
    parts: builtins.list[ColumnElement[bool]] = []
    for code, (unhappy_to, happy_from) in _BAND_LIMITS.items():
        inside = {
            "unhappy": score <= unhappy_to,
            "neutral": and_(score > unhappy_to, score < happy_from),
            "happy": score >= happy_from,
        }[band]
        parts.append(and_(scale == code, inside))
    ces = {
        "unhappy": score >= _CES_UNHAPPY_FROM,
        "neutral": and_(score > _CES_HAPPY_UP_TO, score < _CES_UNHAPPY_FROM),
        "happy": score <= _CES_HAPPY_UP_TO,
    }[band]
    parts.append(and_(scale == "ces", ces))
    return and_(score.is_not(None), or_(*parts))


def _customer_condition(session: Session, typed: str) -> ColumnElement[bool]:
    """Items of the customers the search text finds (name, e-mail, phone or id)."""
    if not typed.strip():
        return false()
    matches = search.find(session, typed)
    found = select(Customer.id).where(search.to_condition(matches))
    return FeedbackItem.customer_id.in_(found)


def conditions(session: Session, filters: FeedbackFilters) -> builtins.list[ColumnElement[bool]]:
    """The WHERE clauses the filters ask for."""
    found: builtins.list[ColumnElement[bool]] = []
    if filters.source:
        found.append(FeedbackItem.source == filters.source)
    if filters.language:
        found.append(FeedbackItem.language == filters.language)
    if filters.band in BANDS:
        found.append(band_condition(filters.band))
    if filters.scale:
        found.append(FeedbackItem.scale == filters.scale)
    if filters.score_min is not None:
        found.append(FeedbackItem.score >= filters.score_min)
    if filters.score_max is not None:
        found.append(FeedbackItem.score <= filters.score_max)
    if filters.customer:
        found.append(_customer_condition(session, filters.customer))
    if filters.received_from is not None:
        found.append(FeedbackItem.received_at >= filters.received_from)
    if filters.received_before is not None:
        found.append(FeedbackItem.received_at < filters.received_before)
    if filters.theme_id is not None:
        found.append(FeedbackItem.theme_id == filters.theme_id)
    if filters.sentiment in SENTIMENTS:
        found.append(FeedbackItem.sentiment == filters.sentiment)
    return found


def search_items(
    session: Session,
    *,
    actor: User,
    filters: FeedbackFilters,
    limit: int = 50,
    offset: int = 0,
) -> Page[FeedbackItem]:
    """The items the actor may see (the same rule as every other read: `visible_items`)
    that match the filters, newest first, one page and the total."""
    limit = max(1, min(limit, MAX_LIMIT))
    query = visible_items(actor).where(*conditions(session, filters))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(FeedbackItem.received_at.desc(), FeedbackItem.id.desc())
    rows = session.scalars(ordered.limit(limit).offset(offset))
    return Page(items=builtins.list(rows), total=int(total), limit=limit, offset=offset)


def customer_names(session: Session, items: builtins.list[FeedbackItem]) -> dict[int, str]:
    """The names of the items' customers, in one query (the list shows each row's name)."""
    ids = {item.customer_id for item in items if item.customer_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids)))
    return {int(cid): str(name) for cid, name in rows}
