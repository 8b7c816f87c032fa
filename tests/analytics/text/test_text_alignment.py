"""Matching a new fit's centroids to the previous themes."""

from __future__ import annotations

import numpy as np

from centricity.analytics.text.alignment import align


def _unit(rows: list[list[float]]) -> np.ndarray:
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_it_keeps_ids_of_matching_centroids_whatever_their_order() -> None:
    old = _unit([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    new = _unit([[0, 0.1, 1], [1, 0.1, 0], [0.1, 1, 0]])
    result = align(new, old, [7, 3, 9], next_id=10)
    assert result.ids == [9, 7, 3]
    assert result.added == [] and result.retired == []
    assert min(result.kept.values()) > 0.99


def test_it_adds_and_retires_below_the_threshold() -> None:
    old = _unit([[1, 0, 0], [0, 1, 0]])
    new = _unit([[1, 0.05, 0], [0, 0, 1]])
    result = align(new, old, [4, 5], next_id=6)
    assert result.ids == [4, 6]
    assert result.added == [6] and result.retired == [5]


def test_it_assigns_one_to_one_by_total_similarity() -> None:
    # Both new centroids are nearest old 0; the assignment gives the second to old 1.
    old = _unit([[1, 0], [0.6, 0.8]])
    new = _unit([[1, 0.05], [0.9, 0.45]])
    assert align(new, old, [0, 1], next_id=2).ids == [0, 1]


def test_a_merged_theme_with_two_centroids_is_kept_by_either() -> None:
    old = _unit([[1, 0, 0], [0, 1, 0]])
    result = align(_unit([[0, 1, 0.05]]), old, [2, 2], next_id=3)
    assert result.ids == [2] and result.retired == []
