"""The whole analysis runs with the network cut: nothing is downloaded at run time."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from text_comments import SENTIMENT, flatten

from centricity.analytics.text import (
    SentimentModel,
    ThemeModel,
    default_embedder,
    detect_languages,
)
from centricity.analytics.text.language import detector_for
from centricity.analytics.text.normalise import normalise_many


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every outgoing connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network use during text analysis")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_language_normalisation_embedding_themes_and_sentiment_run_offline(
    no_network: None,
) -> None:
    texts, topics, _ = flatten()
    detector_for.cache_clear()  # build the detectors again, with the network cut
    default_embedder.cache_clear()  # and load the model again
    languages = detect_languages(texts, languages=["cs", "pl", "sv", "lt", "ru", "en", "de"])
    lemmas = normalise_many(texts, languages)
    vectors = default_embedder().embed(texts)
    themes = ThemeModel().fit(vectors, languages, lemmas)
    sentiment = SentimentModel().fit(vectors, [SENTIMENT[topic] for topic in topics])
    assert len(themes.predict(vectors, languages, lemmas)) == len(texts)
    assert np.isfinite(sentiment.predict_proba(vectors)).all()
    with pytest.raises(AssertionError, match="network use"):
        socket.create_connection(("127.0.0.1", 9))
