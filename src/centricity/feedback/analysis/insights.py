"""The themes as managers read them, driver analysis and spike alerts, from the store.

Counts, average scores, trends, drivers and spikes are company figures over every analysed item
(erased customers' items keep their theme and score, as they keep counting in NPS); the
example quotes are customers' own words and show only items the viewer may see
(`feedback.service.visible_items`).

- **average score** of a theme: the mean of its items' scores, each read on a 0–10 scale
  (NPS as given; CSAT, stars 1–5 and CES 1–7 stretched linearly, CES reversed since a high
  effort is bad; percent / 10), so items of every scale count together;
- **trend**: items per week over the eight weeks up to the last analysis (`figures_end`)
  and the direction of their slope (`insights.trends.trend_direction`);
- **drivers**: `insights.drivers.driver_analysis` on the analysed items of one scale (NPS
  0–10 or CSAT 1–5) with their theme, the feedback source standing for the channel;
- **spikes**: `insights.spikes.spike_alerts` on every analysed item's arrival time (the
  last day against the 7 before, the last week against the 28 before, by share of items).

Only analysed items count: one that came in after the last analysis has no theme yet, and
counting it as "in no theme" would dilute a theme's share of a spike or a driver's effect
until the next run. So the figures change with an analysis run or an edit of the themes,
never with a new item, and are remembered per `data_version`.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar, cast

import numpy as np
import polars as pl
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.feedback.analysis.examples import Quote, examples_of
from centricity.feedback.analysis.models import TextModel, Theme
from centricity.feedback.models import FeedbackItem
from centricity.insights.drivers import driver_analysis
from centricity.insights.spikes import spike_alerts
from centricity.insights.trends import trend_direction
from centricity.kit.time import utcnow

T = TypeVar("T")
TREND_WEEKS = 8
Metric = Literal["nps", "csat"]
METRIC_SCALES: dict[str, str] = {"nps": "nps", "csat": "csat"}


@dataclass
class ThemeView:
    """One theme as the Voice page and the API show it."""

    id: int
    label: str
    name: str | None
    owner_user_id: int | None
    keywords: list[str]
    size: int
    languages: dict[str, int] = field(default_factory=dict)
    sentiments: dict[str, int] = field(default_factory=dict)
    average_score: float | None = None
    weekly: list[int] = field(default_factory=list)
    trend: str = "flat"
    examples: list[Quote] = field(default_factory=list)


def score_0_10() -> Any:
    """An item's score on a 0–10 scale (None without a score), in SQL."""
    score = FeedbackItem.score
    return case(
        (FeedbackItem.scale == "nps", score),
        (FeedbackItem.scale.in_(("csat", "stars")), (score - 1) * 2.5),
        (FeedbackItem.scale == "ces", (7 - score) * 10.0 / 6),
        (FeedbackItem.scale == "percent", score / 10),
        else_=None,
    )


def title_in(theme: Theme, language: str | None) -> str:
    """The theme's name, else its label in `language` where it has items in it, else its
    label in its largest language."""
    if theme.name:
        return theme.name
    if language and language in (theme.labels or {}):
        return theme.labels[language]
    return theme.label


def themes(
    session: Session,
    *,
    actor: User,
    language: str | None,
    start: datetime | None = None,
    end: datetime | None = None,
    include_retired: bool = False,
    theme_ids: list[int] | None = None,
) -> list[ThemeView]:
    """Every active theme (or those of `theme_ids`) with its items in the period (all time
    by default), the largest first, with counts per language and sentiment, average score,
    weekly trend (up to the last analysis) and up to three examples the viewer may see."""
    query = select(Theme)
    if not include_retired:
        query = query.where(Theme.status == "active")
    if theme_ids is not None:
        query = query.where(Theme.id.in_(theme_ids))
    rows = {theme.id: theme for theme in session.scalars(query)}
    if not rows:
        return []
    figures = theme_figures(session, list(rows), start=start, end=end)
    sizes, by_language, by_sentiment, averages, weekly, directions = figures
    languages = {t: [code for code, _n in by_language[t].most_common()] for t in rows}
    quotes = examples_of(session, languages, actor=actor, language=language)
    views = [
        ThemeView(
            id=theme.id,
            label=title_in(theme, language),
            name=theme.name,
            owner_user_id=theme.owner_user_id,
            keywords=list(theme.keywords or []),
            size=sizes.get(theme.id, 0),
            languages=dict(by_language[theme.id].most_common()),
            sentiments=dict(by_sentiment[theme.id]),
            average_score=round(averages[theme.id], 2) if theme.id in averages else None,
            weekly=weekly.get(theme.id, [0] * TREND_WEEKS),
            trend=directions.get(theme.id, "flat"),
            examples=quotes[theme.id],
        )
        for theme in rows.values()
    ]
    return sorted(views, key=lambda v: (-v.size, v.id))


def theme_figures(
    session: Session,
    theme_ids: list[int],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Figures:
    """The company figures of `themes` (the same for every viewer), remembered per data
    version: sizes, counts per language and sentiment, average scores, weekly counts up
    to `end` (else the last analysis) and their direction."""
    version = data_version(session)
    when = end or figures_end(version)
    key = ("themes", version, tuple(sorted(theme_ids)), start, end, when)
    return remembered(key, lambda: _figures(session, theme_ids, start, end, when))


Figures = tuple[
    Counter[int],
    dict[int, Counter[str]],
    dict[int, Counter[str]],
    dict[int, float],
    dict[int, list[int]],
    dict[int, str],
]


def _figures(
    session: Session,
    theme_ids: list[int],
    start: datetime | None,
    end: datetime | None,
    when: datetime,
) -> Figures:
    """Per theme: size and counts per language, sentiment counts, average score (0–10),
    weekly counts up to `when` and their direction: company figures, the same for every
    viewer, so they are remembered per data version."""
    period: list[ColumnElement[bool]] = [FeedbackItem.theme_id.in_(theme_ids)]
    if start is not None:
        period.append(FeedbackItem.received_at >= start)
    if end is not None:
        period.append(FeedbackItem.received_at < end)
    sizes: Counter[int] = Counter()
    by_language: dict[int, Counter[str]] = defaultdict(Counter)
    for theme_id, code, count in session.execute(
        select(FeedbackItem.theme_id, FeedbackItem.language, func.count())
        .where(*period)
        .group_by(FeedbackItem.theme_id, FeedbackItem.language)
    ):
        if theme_id is not None:
            sizes[theme_id] += count
            by_language[theme_id][code or "und"] += count
    by_sentiment: dict[int, Counter[str]] = defaultdict(Counter)
    for theme_id, sentiment, count in session.execute(
        select(FeedbackItem.theme_id, FeedbackItem.sentiment, func.count())
        .where(*period, FeedbackItem.sentiment.is_not(None))
        .group_by(FeedbackItem.theme_id, FeedbackItem.sentiment)
    ):
        if theme_id is not None and sentiment is not None:
            by_sentiment[theme_id][sentiment] = count
    averages = {
        theme_id: float(value)
        for theme_id, value in session.execute(
            select(FeedbackItem.theme_id, func.avg(score_0_10()))
            .where(*period, FeedbackItem.score.is_not(None))
            .group_by(FeedbackItem.theme_id)
        )
        if value is not None
    }
    weekly = _weekly(session, theme_ids, when)
    directions = _directions(weekly)
    return sizes, by_language, by_sentiment, averages, weekly, directions


def _weekly(session: Session, theme_ids: list[int], end: datetime) -> dict[int, list[int]]:
    """Items per theme in each of the last eight weeks (7-day spans ending at `end`)."""
    start = end - timedelta(weeks=TREND_WEEKS)
    found: dict[int, list[int]] = {t: [0] * TREND_WEEKS for t in theme_ids}
    for theme_id, received in session.execute(
        select(FeedbackItem.theme_id, FeedbackItem.received_at).where(
            FeedbackItem.theme_id.in_(theme_ids),
            FeedbackItem.received_at >= start,
            FeedbackItem.received_at < end,
        )
    ):
        if theme_id is None:
            continue
        week = int((received - start) / timedelta(weeks=1))
        found[theme_id][min(max(week, 0), TREND_WEEKS - 1)] += 1
    return found


def _directions(weekly: dict[int, list[int]]) -> dict[int, str]:
    """rising / falling / flat per theme: the slope of its weekly counts with its 95 %
    interval (`insights.trends.trend_direction`)."""
    if not weekly:
        return {}
    frame = pl.DataFrame(
        {
            "theme_id": [t for t, counts in weekly.items() for _ in counts],
            "period_start": [week for counts in weekly.values() for week in range(len(counts))],
            "count": [float(n) for counts in weekly.values() for n in counts],
        }
    )
    found = trend_direction(frame, last=TREND_WEEKS, value="count")
    return {int(row["theme_id"]): str(row["direction"]) for row in found.iter_rows(named=True)}


@dataclass(frozen=True)
class Driver:
    """One theme's pull on the score: effect with its 95 % interval and importance."""

    theme_id: int
    label: str
    items: int
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    significant: bool
    relative_weight: float | None
    shapley: float | None
    nps_points: float | None
    reason: str | None


@dataclass(frozen=True)
class Drivers:
    """The drivers of one metric, the most negative first, with the model's R²."""

    metric: str
    r_squared: float | None
    n_items: int
    items: list[Driver]


def drivers(
    session: Session,
    *,
    metric: Metric,
    language: str | None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Drivers:
    """Which themes pull the metric (NPS or CSAT) down most: the scored items of its scale,
    their theme (or none) and source as the channel. Remembered per data version (see
    `data_version`): the regression reads every scored item of the scale."""
    if not _any_themed(session):
        return Drivers(metric=metric, r_squared=None, n_items=0, items=[])
    key = ("drivers", data_version(session), metric, start, end)
    found = remembered(key, lambda: _drivers(session, metric, start, end))
    names = titles(session, language)
    items = [replace(item, label=names.get(item.theme_id, "")) for item in found.items]
    return replace(found, items=items)


def _drivers(
    session: Session,
    metric: Metric,
    start: datetime | None,
    end: datetime | None,
) -> Drivers:
    """The regression of `drivers` in every language: the labels are the caller's."""
    conditions: list[ColumnElement[bool]] = [
        FeedbackItem.scale == METRIC_SCALES[metric],
        FeedbackItem.score.is_not(None),
        FeedbackItem.analysed_at.is_not(None),
    ]
    if start is not None:
        conditions.append(FeedbackItem.received_at >= start)
    if end is not None:
        conditions.append(FeedbackItem.received_at < end)
    rows = session.execute(
        select(FeedbackItem.score, FeedbackItem.theme_id, FeedbackItem.source).where(*conditions)
    ).all()
    if not rows or not any(theme_id is not None for _s, theme_id, _c in rows):
        return Drivers(metric=metric, r_squared=None, n_items=len(rows), items=[])
    scores = np.asarray([float(score) if score is not None else np.nan for score, _t, _c in rows])
    theme_ids = np.asarray([-1 if t is None else t for _s, t, _c in rows], dtype=np.int64)
    channels = [source for _s, _t, source in rows]
    result = driver_analysis(
        scores, theme_ids, channels, metric="nps" if metric == "nps" else "score"
    )
    items = [
        Driver(
            theme_id=int(row["theme_id"]),
            label="",
            items=int(row["items"]),
            effect=_number(row.get("effect")),
            ci_low=_number(row.get("ci_low")),
            ci_high=_number(row.get("ci_high")),
            p_value=_number(row.get("p_value")),
            significant=bool(row.get("significant") or False),
            relative_weight=_number(row.get("relative_weight")),
            shapley=_number(row.get("shapley")),
            nps_points=_number(row.get("nps_points")),
            reason=row.get("reason"),
        )
        for row in result.drivers.iter_rows(named=True)
    ]
    r_squared = None if np.isnan(result.r_squared) else float(result.r_squared)
    return Drivers(metric=metric, r_squared=r_squared, n_items=result.n_items, items=items)


def unthemed_share(session: Session) -> float | None:
    """The share of analysed, analysable items that are in no theme (None before any
    analysis): shown beside the themes so what the themes miss is never hidden."""
    if (
        session.scalar(
            select(FeedbackItem.id).where(FeedbackItem.analysed_at.is_not(None)).limit(1)
        )
        is None
    ):
        return None
    return remembered(("unthemed", data_version(session)), lambda: _unthemed_share(session))


def _unthemed_share(session: Session) -> float | None:
    analysed = [FeedbackItem.analysed_at.is_not(None), FeedbackItem.not_analysable.is_(None)]
    total = session.scalar(select(func.count()).where(*analysed)) or 0
    if not total:
        return None
    none = session.scalar(select(func.count()).where(*analysed, FeedbackItem.theme_id.is_(None)))
    return round((none or 0) / total, 4)


def titles(session: Session, language: str | None) -> dict[int, str]:
    """Every theme's title in `language` (retired and merged ones too), by id."""
    return {theme.id: title_in(theme, language) for theme in session.scalars(select(Theme))}


def theme_choices(
    session: Session, language: str | None, selected: int | None = None
) -> list[tuple[int, str]]:
    """The active themes (and the one a filter names, whatever its status) as (id, title),
    by title: the choices of a theme filter or a merge form."""
    query = select(Theme).where(Theme.status == "active")
    if selected is not None:
        query = select(Theme).where((Theme.status == "active") | (Theme.id == selected))
    found = [(theme.id, title_in(theme, language)) for theme in session.scalars(query)]
    return sorted(found, key=lambda pair: (pair[1].casefold(), pair[0]))


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if np.isnan(number) else number


@dataclass(frozen=True)
class Spike:
    """A theme rising significantly in one window."""

    theme_id: int
    window: str
    recent_count: int
    baseline_per_day: float
    ratio: float | None
    p_value: float


def spikes(session: Session, *, as_of: datetime | None = None) -> list[Spike]:
    """The themes that rose significantly in the last day or week (share of all items);
    none before any theme exists. Without `as_of`, as of the last analysis (`figures_end`)
    and remembered per data version."""
    if not _any_themed(session):
        return []
    if as_of is None:
        version = data_version(session)
        end = figures_end(version)
        return remembered(("spikes", version), lambda: _spikes(session, end))
    return _spikes(session, as_of)


def _spikes(session: Session, as_of: datetime) -> list[Spike]:
    since = as_of - timedelta(days=35)
    rows = session.execute(
        select(FeedbackItem.theme_id, FeedbackItem.received_at).where(
            FeedbackItem.received_at >= since,
            FeedbackItem.received_at < as_of,
            FeedbackItem.analysed_at.is_not(None),
        )
    ).all()
    if not rows:
        return []
    first = session.scalar(select(func.min(FeedbackItem.received_at)))
    theme_ids = np.asarray([-1 if t is None else t for t, _r in rows], dtype=np.int64)
    times = [received for _t, received in rows]
    table = spike_alerts(theme_ids, times, as_of=as_of, history_start=first)
    return [
        Spike(
            theme_id=int(row["theme_id"]),
            window=str(row["window"]),
            recent_count=int(row["recent_count"]),
            baseline_per_day=float(row["baseline_per_day"]),
            ratio=_number(row["ratio"]),
            p_value=float(row["p_value"]),
        )
        for row in table.filter(table["alert"]).iter_rows(named=True)
    ]


# Figures that read many items, remembered per process for the data they were computed on.
_MEMORY: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_MEMORY_SIZE = 64


def data_version(session: Session) -> tuple[Any, ...]:
    """What the theme figures depend on, read from indexes in four cheap queries: the
    last analysis, the newest stored model, the last change to a theme and how many
    themes there are. Equal
    versions mean equal figures, so a page shown again does not scan a million items again.

    Every figure reads analysed items only (an item not analysed yet has no theme, and
    would count as "in no theme" although nobody knows), so a new item leaves the version
    as it was: a manager who opens the Voice page while customers keep answering gets the
    remembered figures, not a recount of every item (2.7 s at 1,000,000 items on SQLite,
    benchmarks/README.md "Surveys"). They move when the analysis has run over new items,
    or a full run has trained new models (the newest stored model: sentiment and themes
    of items analysed before can change without a new `analysed_at`)."""
    return (
        session.scalar(select(func.max(FeedbackItem.analysed_at))),
        session.scalar(select(func.max(TextModel.id))),
        session.scalar(select(func.max(Theme.updated_at))),
        session.scalar(select(func.count()).select_from(Theme)),
        session.get_bind().engine.url.render_as_string(hide_password=True),
    )


def figures_end(version: tuple[Any, ...]) -> datetime:
    """Where the time windows of the current figures end (weekly trend, spike windows): the
    hour after the last analysis of the `data_version`. Items that came in later have no
    theme yet, so windows up to "now" would only show their absence as a fall; ending at
    the analysis keeps the figures true and the same until the next one."""
    last = version[0] or utcnow()
    return last.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def remembered(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`, or the value it gave for the same `key` (which holds the data version)
    while it is among the last `_MEMORY_SIZE` remembered in this process."""
    if key in _MEMORY:
        _MEMORY.move_to_end(key)
        return cast(T, _MEMORY[key])
    value = compute()
    _MEMORY[key] = value
    while len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)
    return value


def _any_themed(session: Session) -> bool:
    """Whether any item has a theme (an index lookup): before that, no drivers or spikes."""
    found = select(FeedbackItem.id).where(FeedbackItem.theme_id.is_not(None)).limit(1)
    return session.scalar(found) is not None
