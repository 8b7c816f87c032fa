"""Spike alerts: a theme rising significantly against its own recent baseline.

For each theme and window (the last day against the 7 days before it, the last week against
the 28 days before it) the count in the recent window is tested against the baseline window,
conditional on the theme's total in both (the exact conditional tests for two Poisson counts,
Przyborowski & Wilenski 1940, and for two proportions, Fisher 1935):

* ``method="share"`` (the default) asks whether the theme's *share of all items* rose: with
  M items in both windows, of which K are the theme's and R fall in the recent window, the
  theme's recent count is hypergeometric(M, K, R) if the share did not change, and the
  one-sided p-value is P(X >= x) (Fisher's exact test). A rise of every theme together (a
  busy Monday, a mailing) moves no share, so it does not alert.
* ``method="rate"`` asks whether the theme's *items per day* rose: with n of the theme's items
  in both windows, the recent count is binomial(n, Lr / (Lr + Lb)) under a constant rate,
  Lr and Lb being the window lengths, and the p-value is P(X >= x).

A theme alerts only with at least ``min_count`` items in the recent window (so that one or
two items on a quiet theme never alert, however unlikely) and an adjusted p-value at most
``alpha``, adjusted across the themes tested in that window (those with any item in either
window) by Benjamini-Hochberg (false discovery rate) or Bonferroni (family-wise error).
The windows are spans of elapsed time ending at ``as_of`` (exclusive), measured on UTC
instants, so a day is always 24 hours whatever the zone or a daylight-saving change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np
import polars as pl
from scipy import stats

from centricity.insights._inputs import (
    BoolArray,
    FloatArray,
    IntArray,
    TimeArray,
    theme_array,
    utc_instant,
    utc_instants,
)

Method = Literal["share", "rate"]
Correction = Literal["bh", "bonferroni"]
DAY = np.timedelta64(86_400_000_000, "us")


@dataclass(frozen=True)
class SpikeWindow:
    """A recent window compared with the baseline window just before it, in whole days."""

    name: str
    recent_days: int
    baseline_days: int


WINDOWS = (SpikeWindow("day", 1, 7), SpikeWindow("week", 7, 28))


def spike_alerts(
    theme_ids: object,
    timestamps: object,
    *,
    as_of: datetime,
    windows: tuple[SpikeWindow, ...] = WINDOWS,
    method: Method = "share",
    min_count: int = 5,
    alpha: float = 0.05,
    correction: Correction = "bh",
    themes: object = None,
    history_start: datetime | None = None,
) -> pl.DataFrame:
    """Test every theme in every window for a significant rise; one row per theme and window.

    ``theme_ids`` and ``timestamps`` give each item's theme (negative or null: no theme; such
    items still count in the volume of all items) and time. ``themes`` lists theme ids to
    report even without items. With ``history_start``, a window whose baseline starts before
    it gives no alert ("short history"): a new data set is not a spike. Columns: ``window``,
    ``theme_id``, ``recent_count``, ``baseline_count``, ``recent_per_day``,
    ``baseline_per_day``, ``expected_count`` (the recent count if nothing changed), ``ratio``
    (recent over baseline: of shares with ``method="share"``, of daily rates with "rate";
    null when the baseline is zero), ``p_value``, ``adjusted_p``, ``alert`` and ``reason``
    (null when alerting, else "no items", "too few", "not significant" or "short history").
    """
    ids = theme_array(theme_ids)
    times = utc_instants(timestamps)
    if ids.shape != times.shape:
        raise ValueError("theme_ids and timestamps must have one entry per item")
    listed = theme_array([] if themes is None else themes)
    known = np.unique(np.concatenate([ids[ids >= 0], listed]))
    known = known[known >= 0]
    codes = np.searchsorted(known, ids)  # garbage for NO_THEME items, masked out below
    themed = ids >= 0
    end = utc_instant(as_of)
    start = utc_instant(history_start) if history_start is not None else None
    frames = [
        _window(
            window, codes, themed, times, end, start, known, method, min_count, alpha, correction
        )
        for window in windows
    ]
    return pl.concat(frames)


def _window(
    window: SpikeWindow,
    codes: IntArray,
    themed: BoolArray,
    times: TimeArray,
    end: np.datetime64,
    history_start: np.datetime64 | None,
    known: IntArray,
    method: Method,
    min_count: int,
    alpha: float,
    correction: Correction,
) -> pl.DataFrame:
    """The test for one window over all themes."""
    recent_start = end - window.recent_days * DAY
    baseline_start = recent_start - window.baseline_days * DAY
    in_recent = (times >= recent_start) & (times < end)
    in_baseline = (times >= baseline_start) & (times < recent_start)
    recent = np.bincount(codes[in_recent & themed], minlength=known.size).astype(np.int64)
    baseline = np.bincount(codes[in_baseline & themed], minlength=known.size).astype(np.int64)
    total_recent, total_baseline = int(in_recent.sum()), int(in_baseline.sum())
    p_value, expected = _test(recent, baseline, total_recent, total_baseline, window, method)
    tested = (recent + baseline) > 0
    adjusted = np.ones_like(p_value)
    adjusted[tested] = adjust_p_values(p_value[tested], correction)
    short = history_start is not None and baseline_start < history_start
    enough = recent >= min_count
    alert = tested & enough & (adjusted <= alpha) & (recent > expected) & (not short)
    reason = np.full(known.size, "not significant", dtype=object)
    reason[~enough] = "too few"
    reason[~tested] = "no items"
    if short:
        reason[:] = "short history"
    reason[alert] = None
    return pl.DataFrame(
        {
            "window": pl.Series([window.name] * known.size, dtype=pl.String),
            "theme_id": known,
            "recent_count": recent,
            "baseline_count": baseline,
            "recent_per_day": recent / window.recent_days,
            "baseline_per_day": baseline / window.baseline_days,
            "expected_count": expected,
            "ratio": pl.Series(
                _ratio(recent, baseline, total_recent, total_baseline, window, method),
                nan_to_null=True,
            ),
            "p_value": p_value,
            "adjusted_p": adjusted,
            "alert": alert,
            "reason": pl.Series(reason.tolist(), dtype=pl.String),
        }
    )


def _test(
    recent: IntArray,
    baseline: IntArray,
    total_recent: int,
    total_baseline: int,
    window: SpikeWindow,
    method: Method,
) -> tuple[FloatArray, FloatArray]:
    """One-sided p-values P(X >= recent) and the recent counts expected without a change."""
    both = recent + baseline
    if method == "rate":
        share = window.recent_days / (window.recent_days + window.baseline_days)
        p_value = stats.binom.sf(recent - 1, both, share)
        return np.asarray(p_value, dtype=np.float64), (both * share).astype(np.float64)
    everything = total_recent + total_baseline
    # Fisher's exact test: the theme's items among all M, R of which fall in the recent window
    p_value = stats.hypergeom.sf(recent - 1, everything, both, total_recent)
    expected = (both * (total_recent / max(everything, 1))).astype(np.float64)
    return np.clip(np.asarray(p_value, dtype=np.float64), 0.0, 1.0), expected


def _ratio(
    recent: IntArray,
    baseline: IntArray,
    total_recent: int,
    total_baseline: int,
    window: SpikeWindow,
    method: Method,
) -> FloatArray:
    """Recent over baseline, of shares or of daily rates as the test compares; NaN for x/0."""
    if method == "rate":
        top, bottom = recent / window.recent_days, baseline / window.baseline_days
    else:
        top = recent / max(total_recent, 1)
        bottom = baseline / max(total_baseline, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), np.nan)


def adjust_p_values(p_values: FloatArray, correction: Correction = "bh") -> FloatArray:
    """P-values adjusted for testing many themes at once.

    "bh": Benjamini & Hochberg (1995) step-up, controlling the expected share of false
    alerts among the alerts (valid for independent or positively dependent tests);
    "bonferroni": p * m, controlling the chance of any false alert at all.
    """
    m = p_values.size
    if m == 0:
        return p_values.astype(np.float64)
    if correction == "bonferroni":
        return np.minimum(p_values * m, 1.0)
    order = np.argsort(p_values, kind="stable")
    scaled = p_values[order] * m / np.arange(1, m + 1)
    stepped = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(m, dtype=np.float64)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted
