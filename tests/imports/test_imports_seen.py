"""The set of keys already read: exact in memory and after it moves to disk."""

from __future__ import annotations

import numpy as np
import pytest

from centricity.imports.check.seen import SeenKeys


@pytest.mark.parametrize("limit", [10_000_000, 500])
def test_it_answers_like_a_python_set(limit: int) -> None:
    rng = np.random.default_rng(7)
    seen, reference = SeenKeys(memory_limit=limit), set()
    for _ in range(40):
        batch = rng.integers(0, 5_000, size=200, dtype=np.uint64)
        batch[:3] = np.array([2**64 - 1, 2**63, 0], dtype=np.uint64)  # sign bit and edges
        expected = np.array([int(k) in reference for k in batch])
        assert (seen.contains(batch) == expected).all()
        seen.add(batch)
        reference |= {int(k) for k in batch}
    assert seen.on_disk is (limit == 500)
