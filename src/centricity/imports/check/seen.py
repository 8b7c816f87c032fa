"""Keys already read in this file, so a key that appears twice is quarantined the second
time (and re-running the file changes nothing).

Keys are 64-bit hashes kept as sorted NumPy arrays (8 bytes a row: 80 MB for ten million
rows), merged level by level like a log-structured merge tree, so adding a batch costs
O(batch log n) rather than a re-sort. Past `memory_limit` keys the set moves into a
scratch SQLite file on disk, so memory stays bounded whatever the file size; the reader
thread that asks is far from the import's bottleneck, so the disk lookups cost no time.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import numpy as np

MEMORY_LIMIT = 16_000_000  # keys (128 MB)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    ordered = np.sort(values, kind="stable")
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


class _DiskKeys:
    """An on-disk set of signed 64-bit keys (SQLite, small page cache)."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="centricity-keys-")
        self._db = sqlite3.connect(Path(self._folder.name) / "keys.db", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE seen (k INTEGER PRIMARY KEY) WITHOUT ROWID")
        self._db.execute("CREATE TEMP TABLE asked (k INTEGER PRIMARY KEY) WITHOUT ROWID")

    def contains(self, keys: np.ndarray) -> np.ndarray:
        wanted = _sorted_unique(keys).view(np.int64)
        self._db.execute("DELETE FROM asked")
        self._db.executemany("INSERT INTO asked VALUES (?)", ((int(k),) for k in wanted))
        found = self._db.execute("SELECT k FROM asked JOIN seen USING (k)").fetchall()
        hits = np.array([k for (k,) in found], dtype=np.int64).view(np.uint64)
        return np.isin(keys, hits)

    def add(self, keys: np.ndarray) -> None:
        rows = ((int(k),) for k in _sorted_unique(keys).view(np.int64))
        self._db.executemany("INSERT OR IGNORE INTO seen VALUES (?)", rows)

    def close(self) -> None:
        self._db.close()
        self._folder.cleanup()


class SeenKeys:
    """A set of uint64 key hashes with vectorised membership tests."""

    def __init__(self, memory_limit: int | None = None) -> None:
        self._levels: list[np.ndarray] = []
        self._limit = MEMORY_LIMIT if memory_limit is None else memory_limit
        self._disk: _DiskKeys | None = None

    def __len__(self) -> int:
        return sum(len(level) for level in self._levels)

    def __del__(self) -> None:
        if self._disk is not None:
            self._disk.close()

    @property
    def on_disk(self) -> bool:
        """Whether the set has outgrown memory."""
        return self._disk is not None

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        """A boolean array: which of `hashes` were added before."""
        if self._disk is not None:
            return self._disk.contains(hashes)
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
        keys = hashes.astype(np.uint64)
        if self._disk is None and len(self) + len(keys) > self._limit:
            self._disk = _DiskKeys()
            for level in self._levels:
                self._disk.add(level)
            self._levels = []
        if self._disk is not None:
            self._disk.add(keys)
            return
        self._levels.append(_sorted_unique(keys))
        while len(self._levels) > 1 and len(self._levels[-2]) <= 2 * len(self._levels[-1]):
            top = self._levels.pop()
            below = self._levels.pop()
            self._levels.append(_sorted_unique(np.concatenate((below, top))))
