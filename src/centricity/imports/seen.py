"""Keys already read in this file, kept as sorted 64-bit hashes (80 MB per 10M rows).

A key that appears twice in one file is quarantined the second time, so re-running the
file changes nothing. Sorted runs are merged level by level (like a log-structured merge
tree), so adding a batch costs O(batch log n) rather than re-sorting everything.
"""

from __future__ import annotations

import numpy as np


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    ordered = np.sort(values, kind="stable")
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


class SeenKeys:
    """A set of uint64 key hashes with vectorised membership tests."""

    def __init__(self) -> None:
        self._levels: list[np.ndarray] = []

    def __len__(self) -> int:
        return sum(len(level) for level in self._levels)

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        """A boolean array: which of `hashes` were added before."""
        found = np.zeros(len(hashes), dtype=bool)
        for level in self._levels:
            positions = np.searchsorted(level, hashes)
            inside = positions < len(level)
            found[inside] |= level[positions[inside]] == hashes[inside]
        return found

    def add(self, hashes: np.ndarray) -> None:
        """Remember `hashes` (duplicates are harmless)."""
        if len(hashes) == 0:
            return
        self._levels.append(_sorted_unique(hashes.astype(np.uint64)))
        while len(self._levels) > 1 and len(self._levels[-2]) <= 2 * len(self._levels[-1]):
            top = self._levels.pop()
            below = self._levels.pop()
            self._levels.append(_sorted_unique(np.concatenate((below, top))))
