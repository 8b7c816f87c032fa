"""Driver analysis: which themes pull a score (NPS 0-10, CSAT, CES) down or up most.

The score of each item is regressed on its theme (one 0/1 dummy per theme; items in no theme
are the reference) and its channel (dummies, the busiest channel the reference) by ordinary
least squares. A theme's *effect* is its coefficient: how many points of score an item in
that theme has, on average, compared with an item in no theme from the same channel. Its
95% interval and p-value use HC3 heteroskedasticity-consistent standard errors (MacKinnon &
White 1985; Long & Ervin 2000 recommend HC3 for any sample size), because score spreads
differ between themes. Non-significant effects are reported and marked, never zeroed.

Themes with fewer than ``min_items`` items get no effect ("too few items"; their items are
left out of the model, so the reference stays the items in no theme), and a column that is
an exact combination of others is dropped and named. *Relative importance* splits the
model's R² among the themes (and the channels as one block) by Johnson's relative weights
and by the Shapley decomposition (see `importance`). For NPS, each theme also gets its
descriptive NPS and the NPS points it moves the overall NPS by. See docs/insights.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import stats

from centricity.insights._design import Cells, build_cells, independent_columns
from centricity.insights._inputs import FloatArray, IntArray, theme_array
from centricity.insights.importance import (
    EXACT_MAX,
    PERMUTATIONS,
    relative_weights,
    shapley_r2,
)
from centricity.insights.spikes import adjust_p_values

Metric = Literal["score", "nps"]
MIN_ITEMS = 30
LEVERAGE_ONE = 1e-10  # 1 - h below this: the item is its own parameter
PROMOTER, DETRACTOR = 9, 6  # NPS: 9-10 promote, 0-6 detract (Reichheld 2003)


@dataclass(frozen=True)
class DriverResult:
    """The per-theme table (``drivers``) and the model's fit.

    ``drivers`` columns: ``theme_id``, ``items``, ``mean_score``, ``effect``, ``std_error``,
    ``ci_low``, ``ci_high``, ``p_value``, ``adjusted_p`` (Benjamini-Hochberg across themes),
    ``significant`` (the 95% interval excludes 0), ``relative_weight``, ``shapley`` and,
    for NPS, ``nps_theme``, ``nps_rest``, ``nps_points``; ``reason`` is null for themes in
    the model and says why otherwise. Sorted by effect, the most negative first.
    """

    drivers: pl.DataFrame
    r_squared: float
    n_items: int  # items in the regression (finite score; not in a theme too small)
    dropped: dict[str, str]  # model column -> why it was left out
    channel_weight: float  # relative weight of the channel dummies together
    channel_shapley: float
    shapley_method: str
    metric: str


@dataclass(frozen=True)
class _Fit:
    """OLS estimates over the kept columns, with HC3 covariance."""

    beta: FloatArray
    cov: FloatArray
    r_squared: float
    df: int
    exact: npt.NDArray[np.bool_]  # per kept column: depends on an item with leverage 1


def nps_coding(scores: npt.ArrayLike) -> FloatArray:
    """0-10 scores as NPS points per item: +100 promoter, 0 passive, -100 detractor.

    The mean of the coded values is the NPS, so NPS differences are differences of means.
    """
    score = np.asarray(scores, dtype=np.float64)
    return np.where(score >= PROMOTER, 100.0, np.where(score <= DETRACTOR, -100.0, 0.0))


def driver_analysis(
    scores: npt.ArrayLike,
    theme_ids: object,
    channels: object = None,
    *,
    metric: Metric = "score",
    min_items: int = MIN_ITEMS,
    alpha: float = 0.05,
    exact_max: int = EXACT_MAX,
    permutations: int = PERMUTATIONS,
    seed: int = 0,
) -> DriverResult:
    """Effects, intervals and relative importance of each theme on the score.

    One entry per item in ``scores``, ``theme_ids`` (negative or null: no theme) and
    ``channels`` (labels; None: one channel). Items without a finite score are left out.
    ``metric="nps"`` checks that scores are 0-10 and adds the NPS columns.
    """
    score = np.asarray(scores, dtype=np.float64)
    ids = theme_array(theme_ids)
    labels, channel_values = _channel_index(channels, score.size)
    if not ids.size == labels.size == score.size:
        raise ValueError("scores, theme_ids and channels must have one entry per item")
    keep = np.isfinite(score)
    score, ids, labels = score[keep], ids[keep], labels[keep]
    if metric == "nps" and np.any((score < 0) | (score > 10)):
        raise ValueError("NPS scores must lie between 0 and 10")
    themes, theme_items = np.unique(ids[ids >= 0], return_counts=True)
    eligible = themes[theme_items >= min_items]
    # items of themes too small to estimate are left out, so the reference stays "no theme"
    modelled = (ids < 0) | np.isin(ids, eligible)
    theme_code = np.where(ids[modelled] >= 0, np.searchsorted(eligible, ids[modelled]) + 1, 0)
    channel_code, channel_names = _channel_codes(labels[modelled], channel_values)
    cells = build_cells(
        score[modelled], theme_code, channel_code, [f"theme={t}" for t in eligible], channel_names
    )
    table = _describe(score, ids, themes, theme_items, metric)
    return _analyse(
        cells, table, eligible, len(channel_names), alpha, metric, exact_max, permutations, seed
    )


def _channel_index(channels: object, n: int) -> tuple[IntArray, list[str]]:
    """Each item's channel as an index into the sorted channel names; missing: "unknown"."""
    if channels is None:
        return np.zeros(n, dtype=np.int64), [""]
    series = (
        pl.Series("channel", cast(Iterable[Any], channels), strict=False)
        .cast(pl.String)
        .fill_null("unknown")
    )
    index = (series.rank("dense").cast(pl.Int64) - 1).to_numpy()
    return index, series.unique().sort().to_list()


def _channel_codes(index: IntArray, values: list[str]) -> tuple[IntArray, list[str]]:
    """Code 0 for the channel with most items (the reference), 1.. for the others present."""
    counts = np.bincount(index, minlength=len(values))
    order = np.argsort(-counts, kind="stable")
    order = order[counts[order] > 0]
    rank = np.zeros(len(values), dtype=np.int64)
    rank[order] = np.arange(order.size)
    return rank[index], [f"channel={values[i]}" for i in order[1:]]


def _describe(
    score: FloatArray, ids: IntArray, themes: IntArray, items: IntArray, metric: Metric
) -> pl.DataFrame:
    """Per theme: items and mean score; for NPS its NPS, the rest's, and the points it moves.

    ``nps_points`` = NPS of all items - NPS of all items outside the theme, which equals the
    theme's share of items × (its NPS - the rest's NPS): how much higher the overall NPS
    would be without the theme's items. Descriptive: not adjusted for channel.
    """
    code = np.searchsorted(themes, ids)
    themed = ids >= 0
    total = np.bincount(code[themed], weights=score[themed], minlength=themes.size)
    table = pl.DataFrame({"theme_id": themes, "items": items, "mean_score": total / items})
    if metric != "nps":
        return table
    coded = nps_coding(score)
    nps_all = float(coded.mean()) if coded.size else float("nan")
    inside = np.bincount(code[themed], weights=coded[themed], minlength=themes.size)
    rest_items = coded.size - items
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = np.where(rest_items > 0, (coded.sum() - inside) / rest_items, np.nan)
    return table.with_columns(
        nps_theme=inside / items,
        nps_rest=pl.Series(rest, nan_to_null=True),
        nps_points=pl.Series(nps_all - rest, nan_to_null=True),
    )


def _analyse(
    cells: Cells,
    table: pl.DataFrame,
    eligible: IntArray,
    channel_columns: int,
    alpha: float,
    metric: Metric,
    exact_max: int,
    permutations: int,
    seed: int,
) -> DriverResult:
    """Fit the model on the cells and join its estimates to the per-theme table."""
    n = float(cells.count.sum())
    grand = float(cells.count @ cells.mean) / n if n else 0.0
    sst = float(cells.within.sum() + cells.count @ (cells.mean - grand) ** 2)
    gram = (cells.rows.T * cells.count) @ cells.rows
    kept, dropped = independent_columns(gram, cells.names)
    fit = _fit(cells, gram, kept, sst) if sst > 0 and n > kept.size else None
    shape = (table.height,)
    est = {k: np.full(shape, np.nan) for k in ("effect", "std_error", "relative_weight")}
    est["shapley"] = np.full(shape, np.nan)
    reason = np.full(shape, "too few items", dtype=object)
    position = {int(t): i for i, t in enumerate(table["theme_id"].to_list())}
    weights, shapley, method = np.zeros(kept.size), np.zeros(kept.size), "none"
    if fit is not None:
        weights, shapley, method = _importance(
            cells, gram, kept, grand, sst, channel_columns, exact_max, permutations, seed
        )
    for offset, theme in enumerate(eligible):
        row, column = position[int(theme)], 1 + channel_columns + offset
        if fit is None:
            reason[row] = "score has no variance" if sst <= 0 else "too few items overall"
        elif column in dropped:
            reason[row] = dropped[column]
        else:
            at = int(np.searchsorted(kept, column))
            est["effect"][row] = fit.beta[at]
            est["relative_weight"][row], est["shapley"][row] = weights[at], shapley[at]
            # an item with leverage 1 is fitted exactly: HC3 sees none of its noise, so the
            # interval would be too narrow; give none
            exact = bool(fit.exact[at]) or fit.cov[at, at] <= 0
            est["std_error"][row] = np.nan if exact else np.sqrt(fit.cov[at, at])
            reason[row] = "no interval: too few items to estimate it" if exact else None
    drivers = _inference(table, est, reason, fit.df if fit else 1, alpha)
    is_channel = (kept >= 1) & (kept <= channel_columns)
    return DriverResult(
        drivers=drivers,
        r_squared=fit.r_squared if fit else float("nan"),
        n_items=int(n),
        dropped={cells.names[j]: why for j, why in dropped.items()},
        channel_weight=float(weights[is_channel].sum()),
        channel_shapley=float(shapley[is_channel].sum()),
        shapley_method=method,
        metric=metric,
    )


def _fit(cells: Cells, gram: FloatArray, kept: IntArray, sst: float) -> _Fit:
    """OLS on the cells with HC3 covariance: G⁻¹ (Σ e²/(1-h)² x x') G⁻¹, summed per cell."""
    x = cells.rows[:, kept]
    inverse = np.linalg.inv(gram[np.ix_(kept, kept)])
    beta = inverse @ (x.T @ (cells.count * cells.mean))
    residual_ss = cells.within + cells.count * (cells.mean - x @ beta) ** 2
    leverage = np.einsum("ij,jk,ik->i", x, inverse, x)
    room = 1.0 - leverage
    # a cell whose item is its own parameter (leverage 1) has residual 0: it adds nothing
    safe = room > LEVERAGE_ONE
    term = np.where(safe, residual_ss / np.where(safe, room, 1.0) ** 2, 0.0)
    cov = inverse @ ((x.T * term) @ x) @ inverse
    df = int(cells.count.sum()) - kept.size
    # the estimates that move with a leverage-1 item's score have its noise unseen by HC3
    exact = (np.abs(inverse @ x[~safe].T) > 1e-9).any(axis=1)
    return _Fit(beta, cov, 1.0 - float(residual_ss.sum()) / sst, df, exact)


def _inference(
    table: pl.DataFrame,
    est: dict[str, FloatArray],
    reason: npt.NDArray[np.object_],
    df: int,
    alpha: float,
) -> pl.DataFrame:
    """Intervals, p-values and the significance flag from effects and standard errors."""
    effect, se = est["effect"], est["std_error"]
    critical = float(stats.t.ppf(1 - alpha / 2, df))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_value = 2 * stats.t.sf(np.abs(effect / se), df)
    p_value = np.where(se > 0, p_value, np.nan)
    adjusted = np.full(effect.shape, np.nan)
    fitted = ~np.isnan(p_value)
    adjusted[fitted] = adjust_p_values(p_value[fitted], "bh")
    columns = {
        "effect": effect,
        "std_error": se,
        "ci_low": effect - critical * se,
        "ci_high": effect + critical * se,
        "p_value": p_value,
        "adjusted_p": adjusted,
        "relative_weight": est["relative_weight"],
        "shapley": est["shapley"],
    }
    significant = pl.Series(np.where(fitted, p_value < alpha, False)).set(pl.Series(~fitted), None)
    return (
        table.with_columns(
            **{name: pl.Series(values, nan_to_null=True) for name, values in columns.items()},
            significant=significant,
            reason=pl.Series(reason.tolist(), dtype=pl.String),
        )
        .select(
            "theme_id",
            "items",
            "mean_score",
            "effect",
            "std_error",
            "ci_low",
            "ci_high",
            "p_value",
            "adjusted_p",
            "significant",
            "relative_weight",
            "shapley",
            pl.exclude("theme_id", "items", "mean_score", "reason", *columns, "significant"),
            "reason",
        )
        .sort("effect", nulls_last=True)
    )


def _importance(
    cells: Cells,
    gram: FloatArray,
    kept: IntArray,
    grand: float,
    sst: float,
    channel_columns: int,
    exact_max: int,
    permutations: int,
    seed: int,
) -> tuple[FloatArray, FloatArray, str]:
    """Relative weights and Shapley R² per kept column (0 for the intercept), the channel
    dummies forming one Shapley player."""
    predictors = kept[kept != 0]
    weights, shapley = np.zeros(kept.size), np.zeros(kept.size)
    if predictors.size == 0:
        return weights, shapley, "none"
    n = float(cells.count.sum())
    x = cells.rows[:, predictors]
    mean = (cells.count @ x) / n
    cov = gram[np.ix_(predictors, predictors)] / n - np.outer(mean, mean)
    cov_xy = x.T @ (cells.count * cells.mean) / n - mean * grand
    sd = np.sqrt(np.diag(cov))
    corr_xx = cov / np.outer(sd, sd)
    corr_xy = cov_xy / (sd * np.sqrt(sst / n))
    is_channel = predictors <= channel_columns
    first_theme = 1 if is_channel.any() else 0
    groups = np.where(is_channel, 0, first_theme + np.cumsum(~is_channel) - 1)
    weights[1:] = relative_weights(corr_xx, corr_xy)
    values, method = shapley_r2(
        corr_xx, corr_xy, groups, exact_max=exact_max, permutations=permutations, seed=seed
    )
    by_player = values[groups]
    shapley[1:] = np.where(is_channel, by_player / max(int(is_channel.sum()), 1), by_player)
    return weights, shapley, method
