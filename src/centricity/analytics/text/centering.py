"""Removing each language's mean vector from multilingual embeddings.

A multilingual encoder places every sentence partly by meaning and partly by language: two
Czech comments on unrelated matters can be closer than a Czech and a Polish complaint about
the same late parcel. Subtracting each language's mean vector removes the shared "this is
Czech" direction and leaves meaning, a known correction for cross-lingual clustering
(Libovický et al., "On the language neutrality of pre-trained multilingual
representations", 2020). The global mean goes too: e5's vectors share one large common
component (any two short comments score ~0.8 cosine), which hides differences.

A language with few items has a noisy mean that mostly reflects what those few items are
about, so its offset from the global mean is shrunk by n / (n + `SHRINKAGE`): with 10 items
half of it is removed, with 1,000 nearly all of it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from centricity.analytics.text.embedding import FloatMatrix, normalise_rows

SHRINKAGE = 10.0


def language_means(
    vectors: FloatMatrix, languages: Sequence[str | None] | None
) -> tuple[FloatMatrix, dict[str, FloatMatrix]]:
    """The global mean vector and each language's shrunk mean (items without a language
    count in the global mean only)."""
    overall = vectors.mean(axis=0).astype(np.float32)
    means: dict[str, FloatMatrix] = {}
    if languages is None:
        return overall, means
    codes = np.asarray([code or "" for code in languages], dtype=object)
    for code in sorted(set(codes) - {""}):
        rows = vectors[codes == code]
        weight = len(rows) / (len(rows) + SHRINKAGE)
        means[code] = (overall + weight * (rows.mean(axis=0) - overall)).astype(np.float32)
    return overall, means


def centre(
    vectors: FloatMatrix,
    languages: Sequence[str | None] | None,
    overall: FloatMatrix,
    means: dict[str, FloatMatrix],
) -> FloatMatrix:
    """Vectors less their language's mean (the global mean for an item whose language has no
    mean), re-normalised to unit length so cosine similarity stays a dot product."""
    if languages is not None and len(languages) != len(vectors):
        raise ValueError("languages must give one entry (or None) per vector")
    if languages is None or not means:
        return normalise_rows(vectors - overall)
    codes = sorted(means)
    table = np.stack([overall, *(means[code] for code in codes)])
    position = {code: i + 1 for i, code in enumerate(codes)}
    rows = np.fromiter((position.get(code or "", 0) for code in languages), dtype=np.intp)
    return normalise_rows(vectors - table[rows])
