"""The themes by value tier (or segment): how many items each theme has from the customers of
each tier of the latest value run, and their average score, so the complaints of the most
valuable customers are read first."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from centricity.analytics.models import AnalyticsRun
from centricity.feedback.analysis import insights
from centricity.feedback.analysis.insights import score_0_10, title_in
from centricity.feedback.analysis.models import Theme
from centricity.feedback.models import FeedbackItem
from centricity.value import queries as value_queries
from centricity.value.models import CustomerValue

UNKNOWN = "unknown"
Grouping = Literal["tier", "segment"]


@dataclass(frozen=True)
class Cell:
    """One theme's items from one group of customers, with their average 0–10 score."""

    items: int
    average_score: float | None


@dataclass(frozen=True)
class ThemeGroups:
    """One theme's row: its cells by group name and its total."""

    theme_id: int
    label: str
    total: int
    cells: dict[str, Cell]


@dataclass(frozen=True)
class GroupTable:
    """Themes × groups: the groups best first (tiers in the configured order, segments
    largest first, customers without a value last), rows ranked by the best group first."""

    grouping: str
    groups: list[str]
    rows: list[ThemeGroups]


def themes_by_group(
    session: Session,
    *,
    language: str | None,
    grouping: Grouping = "tier",
    start: datetime | None = None,
    end: datetime | None = None,
) -> GroupTable:
    """Counts and average scores of every active theme's items per value tier (or segment)
    of the latest finished value run; items of customers not scored (or erased) fall under
    `unknown`. Company figures, like the theme sizes."""
    themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.status == "active"))}
    if not themes:
        return GroupTable(grouping=grouping, groups=[], rows=[])
    run = value_queries.latest_run(session)
    key = (
        "groups",
        insights.data_version(session),
        run.id if run is not None else None,
        grouping,
        start,
        end,
    )
    table = insights.remembered(
        key, lambda: _themes_by_group(session, themes, run, grouping, start, end)
    )
    rows = [replace(row, label=title_in(themes[row.theme_id], language)) for row in table.rows]
    return replace(table, rows=rows)


def _themes_by_group(
    session: Session,
    themes: dict[int, Theme],
    run: AnalyticsRun | None,
    grouping: Grouping,
    start: datetime | None,
    end: datetime | None,
) -> GroupTable:
    """The table of `themes_by_group`, read from the store: one grouped query over every
    item in a theme, so remembered per data version and value run, in every language (the
    labels are the caller's)."""
    column = CustomerValue.tier if grouping == "tier" else CustomerValue.segment
    key = func.coalesce(column, UNKNOWN).label("key")
    conditions: list[ColumnElement[bool]] = [FeedbackItem.theme_id.in_(list(themes))]
    if start is not None:
        conditions.append(FeedbackItem.received_at >= start)
    if end is not None:
        conditions.append(FeedbackItem.received_at < end)
    query = (
        select(FeedbackItem.theme_id, key, func.count(), func.avg(score_0_10()))
        .outerjoin(
            CustomerValue,
            (CustomerValue.customer_id == FeedbackItem.customer_id)
            & (CustomerValue.run_id == (run.id if run is not None else -1)),
        )
        .where(*conditions)
        .group_by(FeedbackItem.theme_id, key)
    )
    cells: dict[int, dict[str, Cell]] = {}
    for theme_id, name, count, average in session.execute(query):
        score = None if average is None else round(float(average), 2)
        cells.setdefault(int(theme_id), {})[str(name)] = Cell(int(count), score)
    groups = _ordered_groups(
        cells, value_queries.tier_order(run) if run and grouping == "tier" else []
    )
    rows = [
        ThemeGroups(
            theme_id=theme_id,
            label="",
            total=sum(cell.items for cell in found.values()),
            cells=found,
        )
        for theme_id, found in cells.items()
    ]
    rows.sort(key=lambda row: ([-_items(row, g) for g in groups], row.theme_id))
    return GroupTable(grouping=grouping, groups=groups, rows=rows)


def _items(row: ThemeGroups, group: str) -> int:
    cell = row.cells.get(group)
    return cell.items if cell else 0


def _ordered_groups(cells: dict[int, dict[str, Cell]], order: list[str]) -> list[str]:
    """The groups present: those of `order` first in its order, the rest largest first,
    `unknown` last."""
    totals: dict[str, int] = {}
    for found in cells.values():
        for name, cell in found.items():
            totals[name] = totals.get(name, 0) + cell.items
    known = [name for name in order if name in totals]
    rest = sorted(
        (name for name in totals if name not in known and name != UNKNOWN),
        key=lambda name: (-totals[name], name),
    )
    return known + rest + ([UNKNOWN] if UNKNOWN in totals else [])
