"""The Voice page's address: the period, what the figures are grouped by and the
verbatim filters, read leniently (a value that does not parse is ignored, so a shared
link never breaks the page)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from centricity.feedback.models import SCALES
from centricity.feedback.schemas import SOURCE_PATTERN
from centricity.kit.i18n import supported
from centricity.kit.time import utcnow
from centricity.surveys.breakdown import GroupBy
from centricity.surveys.metrics import Period
from centricity.surveys.verbatims import VerbatimFilters, band_code

# Up to this many days the time grouping goes by week, beyond it by month.
WEEKS_UP_TO_DAYS = 92
GROUPINGS = ("time", "segment", "tier", "department", "channel", "survey")


@dataclass(frozen=True)
class VoiceView:
    """What the page shows: the days chosen (inclusive), the grouping and the filters."""

    start: date
    end: date
    grouping: str
    group_by: GroupBy
    filters: VerbatimFilters

    @property
    def period(self) -> Period:
        """The chosen days as a period of finished times (the end day included)."""
        return period_of(self.start, self.end)


def period_of(start: date | None, end: date | None) -> Period:
    """Days (inclusive, UTC) as a half-open period of times."""
    return Period(
        start=datetime.combine(start, time(), UTC) if start else None,
        end=datetime.combine(end + timedelta(days=1), time(), UTC) if end else None,
    )


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _id(value: str | None) -> int | None:
    text = value or ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _score(value: str | None) -> Decimal | None:
    try:
        found = Decimal(value or "x")
    except InvalidOperation:
        return None
    return found if found.is_finite() and abs(found) <= 1000 else None


def _default_start(today: date) -> date:
    """The first day of the month eleven months back: twelve months including this one."""
    month = today.year * 12 + today.month - 1 - 11
    return date(month // 12, month % 12 + 1, 1)


def read(params: Any, *, today: date | None = None) -> VoiceView:
    """The view the address asks for; defaults: the last twelve months by time."""
    today = today or utcnow().date()
    start, end = _date(params.get("from")), _date(params.get("to"))
    end = end or today
    start = start or _default_start(end)
    if start > end:
        start, end = _default_start(end), end
    grouping = params.get("group_by") or "time"
    if grouping not in GROUPINGS:
        grouping = "time"
    if grouping == "time":
        short = (end - start).days < WEEKS_UP_TO_DAYS
        group_by = GroupBy.WEEK if short else GroupBy.MONTH
    else:
        group_by = GroupBy(grouping)
    source = params.get("source") or None
    scale = params.get("scale") or None
    filters = VerbatimFilters(
        survey_id=_id(params.get("survey")),
        source=source if source and re.fullmatch(SOURCE_PATTERN, source) else None,
        band=band_code(params.get("band")),
        scale=scale if scale in SCALES else None,
        min_score=_score(params.get("min_score")),
        max_score=_score(params.get("max_score")),
        language=supported(params.get("language")),
    )
    return VoiceView(start=start, end=end, grouping=grouping, group_by=group_by, filters=filters)
