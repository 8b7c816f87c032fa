"""Theme trends: per theme and period, its count, share of all items and average score,
each with a 95% interval, and whether the theme has been rising or falling lately.

Periods are UTC days, ISO weeks (starting Monday) or calendar months. A theme's share is
its items over all items of the period, items in no theme included, so a busy week does
not look like a rising theme. The share's interval is Wilson's score interval (Wilson 1927;
it stays inside 0-1 and behaves for small counts, unlike the normal approximation); the
average score's is Student's t interval. Periods in which a theme had no items are listed
with a count of 0, so a trend is not drawn through gaps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, cast

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import stats

from centricity.insights._inputs import theme_array, utc_instants

Period = Literal["day", "week", "month"]
EVERY = {"day": "1d", "week": "1w", "month": "1mo"}


def theme_trends(
    theme_ids: object,
    timestamps: object,
    scores: npt.ArrayLike | None = None,
    *,
    period: Period = "week",
    confidence: float = 0.95,
) -> pl.DataFrame:
    """One row per theme and period: ``period_start``, ``theme_id``, ``count``, ``total``
    (all items in the period), ``share`` with ``share_low``/``share_high``, and the mean of
    the items' finite ``scores`` as ``mean_score`` with ``score_low``/``score_high`` (null
    with fewer than two scored items)."""
    ids = theme_array(theme_ids)
    times = utc_instants(timestamps)
    score = np.full(ids.size, np.nan) if scores is None else np.asarray(scores, dtype=float)
    items = pl.DataFrame({"theme_id": ids, "at": times, "score": score}).with_columns(
        period_start=pl.col("at").dt.truncate(EVERY[period]),
        score=pl.col("score").fill_nan(None),
    )
    totals = items.group_by("period_start").agg(total=pl.len())
    grid = _grid(items, period).join(totals, on="period_start", how="left")
    per_theme = (
        items.filter(pl.col("theme_id") >= 0)
        .group_by("period_start", "theme_id")
        .agg(
            count=pl.len(),
            scored=pl.col("score").count(),
            mean_score=pl.col("score").mean(),
            score_sd=pl.col("score").std(),
        )
    )
    table = grid.join(per_theme, on=["period_start", "theme_id"], how="left").with_columns(
        pl.col("count", "scored", "total").fill_null(0).cast(pl.Int64)
    )
    return _intervals(table.sort("theme_id", "period_start"), confidence)


def _grid(items: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Every period from the first to the last, for every theme seen."""
    starts = items["period_start"]
    themes = items.filter(pl.col("theme_id") >= 0).select(pl.col("theme_id").unique())
    if starts.is_empty():
        return pl.DataFrame(schema={"period_start": pl.Datetime("us"), "theme_id": pl.Int64})
    first, last = cast(datetime, starts.min()), cast(datetime, starts.max())
    periods = pl.datetime_range(first, last, EVERY[period], time_unit="us", eager=True)
    grid: pl.DataFrame = periods.alias("period_start").to_frame().join(themes, how="cross")
    return grid


def _intervals(table: pl.DataFrame, confidence: float) -> pl.DataFrame:
    """Wilson interval of the share and t interval of the mean score."""
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    count = table["count"].to_numpy().astype(float)
    total = table["total"].to_numpy().astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = count / total
        centre = (share + z**2 / (2 * total)) / (1 + z**2 / total)
        half = z / (1 + z**2 / total) * np.sqrt(share * (1 - share) / total + z**2 / (4 * total**2))
    scored = table["scored"].to_numpy().astype(float)
    df = np.maximum(scored - 1, 1)
    t = stats.t.ppf(0.5 + confidence / 2, df)
    sd = table["score_sd"].fill_null(np.nan).to_numpy()
    mean = table["mean_score"].fill_null(np.nan).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(scored >= 2, t * sd / np.sqrt(scored), np.nan)

    def column(values: npt.NDArray[np.float64]) -> pl.Series:
        return pl.Series(values, nan_to_null=True)

    return table.select(
        "period_start",
        "theme_id",
        "count",
        "total",
        share=column(share),
        share_low=column(np.clip(centre - half, 0.0, 1.0)),
        share_high=column(np.clip(centre + half, 0.0, 1.0)),
        mean_score=column(mean),
        score_low=column(mean - spread),
        score_high=column(mean + spread),
    )


def trend_direction(
    trends: pl.DataFrame,
    *,
    last: int = 8,
    value: str = "share",
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Per theme, the OLS slope of ``value`` over its ``last`` periods with a t interval.

    ``direction`` is "rising" when the whole interval is above 0, "falling" when below, else
    "flat" (also with fewer than three periods); ``last_vs_before`` is the last period's value
    minus the mean of the periods before it in the span. Periods without a value (no items at
    all) are skipped.
    """
    rows = []
    for (theme,), group in trends.sort("period_start").group_by("theme_id", maintain_order=True):
        values = group[value].drop_nulls().to_numpy()[-last:].astype(float)
        slope, low, high = _slope(values, confidence)
        direction = "flat"
        if low > 0:
            direction = "rising"
        elif high < 0:
            direction = "falling"
        change = values[-1] - values[:-1].mean() if values.size >= 2 else np.nan
        rows.append((theme, values.size, slope, low, high, direction, change))
    schema = {
        "theme_id": pl.Int64,
        "periods": pl.Int64,
        "slope": pl.Float64,
        "slope_low": pl.Float64,
        "slope_high": pl.Float64,
        "direction": pl.String,
        "last_vs_before": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row").fill_nan(None)


def _slope(values: npt.NDArray[np.float64], confidence: float) -> tuple[float, float, float]:
    """Least-squares slope per period and its t interval; NaN below three points."""
    n = values.size
    if n < 3:
        return float("nan"), float("nan"), float("nan")
    x = np.arange(n, dtype=float) - (n - 1) / 2
    slope = float(x @ values / (x @ x))
    residual = values - values.mean() - slope * x
    se = float(np.sqrt(residual @ residual / (n - 2) / (x @ x)))
    t = float(stats.t.ppf(0.5 + confidence / 2, n - 2))
    return slope, slope - t * se, slope + t * se
