"""Seeded synthetic embeddings for the text analytics tests (fast, no model)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from centricity.analytics.text.embedding import FloatMatrix


def blobs(
    n_per_topic: int, n_topics: int, dimension: int = 32, spread: float = 0.15, seed: int = 0
) -> tuple[FloatMatrix, NDArray[np.int64]]:
    """Seeded unit vectors around `n_topics` random directions, and each vector's topic."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_topics, dimension))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    topics = np.repeat(np.arange(n_topics), n_per_topic)
    vectors = centres[topics] + spread * rng.normal(size=(len(topics), dimension))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), topics
