"""The driver regression's design, aggregated into cells of identical rows.

With themes (one per item, or none) and channels as 0/1 dummies, every item of one
(theme, channel) pair has the same design row, the same fitted value and the same leverage.
So X'X, X'y, R² and even the HC3 sandwich are exact sums over at most (themes + 1) ×
channels cells: a million items cost one pass of `bincount`, not a million-row matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from centricity.insights._inputs import FloatArray, IntArray

COLLINEAR_TOLERANCE = 1e-9  # share of a column's own sum of squares left after the others


@dataclass(frozen=True)
class Cells:
    """Per cell: its design row, item count, mean score and within-cell sum of squares."""

    rows: FloatArray  # cells × columns (intercept, channel dummies, theme dummies)
    count: FloatArray
    mean: FloatArray
    within: FloatArray
    names: tuple[str, ...]


def build_cells(
    score: FloatArray,
    theme_code: IntArray,
    channel_code: IntArray,
    theme_names: list[str],
    channel_names: list[str],
) -> Cells:
    """Aggregate items into (theme, channel) cells; theme code 0 and channel code 0 are the
    reference levels (no dummy)."""
    n_channels = len(channel_names) + 1
    cell = theme_code * n_channels + channel_code
    size = (len(theme_names) + 1) * n_channels
    count = np.bincount(cell, minlength=size).astype(np.float64)
    total = np.bincount(cell, weights=score, minlength=size)
    used = np.flatnonzero(count > 0)
    mean = np.zeros(size)
    mean[used] = total[used] / count[used]
    # two passes: deviations from the cell mean, so large cells lose no digits
    deviations = (score - mean[cell]) ** 2
    within = np.bincount(cell, weights=deviations, minlength=size).astype(np.float64)
    themes, channels = np.divmod(used, n_channels)
    rows = np.zeros((used.size, 1 + len(channel_names) + len(theme_names)))
    rows[:, 0] = 1.0
    has_channel, has_theme = channels > 0, themes > 0
    rows[np.flatnonzero(has_channel), channels[has_channel]] = 1.0
    rows[np.flatnonzero(has_theme), len(channel_names) + themes[has_theme]] = 1.0
    names = ("intercept", *channel_names, *theme_names)
    return Cells(rows, count[used], mean[used], within[used], names)


def independent_columns(
    gram: FloatArray, names: tuple[str, ...]
) -> tuple[IntArray, dict[int, str]]:
    """Keep columns in order, dropping any that the kept ones already explain; say why.

    A column with no items says "no items"; one that is an exact combination of earlier
    columns (a theme holding every item, or the last theme when every item has a theme) says
    which columns it is a combination of.
    """
    kept: list[int] = []
    dropped: dict[int, str] = {}
    for j in range(gram.shape[0]):
        own = gram[j, j]
        if own <= 0:
            dropped[j] = "no items"
            continue
        if kept:
            coef = np.linalg.solve(gram[np.ix_(kept, kept)], gram[kept, j])
            left = own - gram[j, kept] @ coef
            if left <= COLLINEAR_TOLERANCE * own:
                partners = [names[k] for k, c in zip(kept, coef, strict=True) if abs(c) > 1e-8]
                shown = ", ".join(partners[:5]) + (", …" if len(partners) > 5 else "")
                dropped[j] = f"collinear with {shown}"
                continue
        kept.append(j)
    return np.array(kept, dtype=np.int64), dropped
