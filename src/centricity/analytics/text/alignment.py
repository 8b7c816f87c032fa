"""Keeping theme ids stable when themes are fitted again.

Topic ids that reshuffle between runs are the most common complaint about topic tools: a
manager who owns "late delivery" (id 7) must still own it after the nightly re-run. A new
fit's centroids are matched one-to-one to the previous themes' centroids by the Hungarian
assignment on cosine similarity (`scipy.optimize.linear_sum_assignment`, maximising total
similarity); a pair below `MATCH_SIMILARITY` is no match. A matched cluster keeps the old
id (and so its name, owner and rules), an unmatched new one gets a fresh id (never a
retired one's, so old references cannot point at a different theme), and an unmatched old
theme is retired.

Matching alone cannot keep ids if the clustering itself moves: from a fresh random start, a
re-run on the evaluation set with 10% more items kept 8 of 10 themes (20 of 30 with the
number chosen automatically). `ThemeModel.fit(..., previous=model)` therefore starts
k-means from the previous centroids; then all 10 (and all 30) were kept, and 99.3% (97.8%)
of the earlier items stayed in their theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

# Measured on the 757-comment evaluation set, 10 themes fitted on 91% of it and again on all
# of it from a fresh start: pairs the assignment chose had median similarity 0.84, other
# pairs 0.45 at their 95th percentile. Started from the previous centroids (`ThemeModel.fit`
# with `previous`), every kept pair scored 0.92 or more. 0.6 lies between.
MATCH_SIMILARITY = 0.6


@dataclass(frozen=True)
class Alignment:
    """How a new fit's clusters map onto the previous themes."""

    ids: list[int]  # the theme id of each new cluster, in the new fit's order
    kept: dict[int, float]  # previous id kept → centroid similarity of the match
    added: list[int]  # fresh ids of clusters that matched no previous theme
    retired: list[int]  # previous ids that no new cluster matched


def align(
    new_centroids: NDArray[np.float32],
    old_centroids: NDArray[np.float32],
    old_ids: Sequence[int],
    next_id: int,
    min_similarity: float = MATCH_SIMILARITY,
) -> Alignment:
    """Map new centroids (unit rows) to old ones by maximum-similarity one-to-one
    assignment; fresh ids for the rest start at `next_id`."""
    ids: list[int] = [-1] * len(new_centroids)
    kept: dict[int, float] = {}
    if len(new_centroids) and len(old_centroids):
        similarity = np.asarray(new_centroids, dtype=np.float64) @ np.asarray(old_centroids).T
        rows, cols = linear_sum_assignment(similarity, maximize=True)
        for row, col in zip(rows, cols, strict=True):
            if similarity[row, col] >= min_similarity:
                ids[row] = int(old_ids[col])
                kept[int(old_ids[col])] = float(similarity[row, col])
    added = []
    for row, theme_id in enumerate(ids):
        if theme_id == -1:
            ids[row] = next_id
            added.append(next_id)
            next_id += 1
    # A merged theme has several centroids under one id: it is kept if any of them is.
    retired = sorted({int(theme_id) for theme_id in old_ids} - set(kept))
    return Alignment(ids=ids, kept=kept, added=added, retired=retired)
