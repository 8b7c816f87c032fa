"""Sentiment from embeddings (and the classic TF-IDF path), calibrated, with a minimum."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from text_comments import COMMENTS, SENTIMENT
from text_helpers import Embedded

from centricity.analytics.text import SentimentModel
from centricity.analytics.text.classic import ClassicSentimentModel
from centricity.analytics.text.ratings import (
    CLASSES,
    MIN_PER_CLASS,
    MIN_RATINGS,
    NotEnoughRatings,
    score_label,
    shortfall,
)


def _ratings(n_per_class: int, seed: int, dimension: int = 24) -> tuple[np.ndarray, list[str]]:
    """Seeded unit vectors whose label is set by overlapping class directions."""
    rng = np.random.default_rng(seed)
    directions = np.random.default_rng(99).normal(size=(3, dimension))
    rows = np.repeat(np.arange(3), n_per_class)
    vectors = directions[rows] + 1.2 * rng.normal(size=(len(rows), dimension))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), [CLASSES[r] for r in rows]


def test_it_learns_labels_and_gives_probabilities_that_sum_to_one() -> None:
    X, y = _ratings(200, seed=1)
    test_X, test_y = _ratings(300, seed=2)
    model = SentimentModel().fit(X, y)
    assert model.classes_ == ["negative", "neutral", "positive"]
    accuracy = np.mean(np.asarray(model.predict(test_X)) == np.asarray(test_y))
    assert accuracy > 0.8
    probabilities = model.predict_proba(test_X)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert model.predict(test_X) == [CLASSES[i] for i in probabilities.argmax(axis=1)]


def test_its_probabilities_are_calibrated_on_new_data() -> None:
    X, y = _ratings(200, seed=3)
    test_X, test_y = _ratings(1000, seed=4)
    probabilities = SentimentModel().fit(X, y).predict_proba(test_X)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray([CLASSES.index(t) for t in test_y])
    # Expected calibration error over five confidence bins.
    bins = np.minimum((confidence * 5).astype(int), 4)
    error = sum(
        abs(confidence[bins == b].mean() - correct[bins == b].mean()) * np.mean(bins == b)
        for b in range(5)
        if np.any(bins == b)
    )
    assert error < 0.06


def test_it_says_not_enough_ratings_instead_of_guessing() -> None:
    X, y = _ratings(MIN_PER_CLASS, seed=5)
    assert len(y) < MIN_RATINGS
    with pytest.raises(NotEnoughRatings, match="not enough ratings: 30, need 60"):
        SentimentModel().fit(X, y)
    X, y = _ratings(40, seed=6)
    few_neutral = [i for i, label in enumerate(y) if label != "neutral" or i % 10 == 0]
    with pytest.raises(NotEnoughRatings, match="4 neutral, need 10 of each"):
        SentimentModel().fit(X[few_neutral], [y[i] for i in few_neutral])
    assert shortfall(y) is None


@pytest.mark.parametrize(
    ("scale", "scores", "labels"),
    [
        ("nps", [0, 6, 7, 8, 9, 10], ["negative"] * 2 + ["neutral"] * 2 + ["positive"] * 2),
        ("csat", [1, 2, 3, 4, 5], ["negative"] * 2 + ["neutral"] + ["positive"] * 2),
        ("ces", [1, 3, 4, 5, 7], ["positive"] * 2 + ["neutral"] + ["negative"] * 2),
        ("stars", [1, 2.5, 3, 3.5, 4, 5], ["negative"] * 2 + ["neutral"] * 2 + ["positive"] * 2),
    ],
)
def test_scores_map_to_labels(scale: str, scores: list[float], labels: list[str]) -> None:
    assert [score_label(score, scale) for score in scores] == labels


def test_scores_outside_a_scale_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        score_label(11, "nps")
    with pytest.raises(ValueError, match="no sentiment reading"):
        score_label(50, "percent")


def test_a_saved_model_predicts_the_same(tmp_path: Path) -> None:
    X, y = _ratings(40, seed=7)
    model = SentimentModel().fit(X, y, embedder="hashing/char-3-5@1")
    loaded = SentimentModel.load(model.save(tmp_path / "sentiment"))
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.embedder_ == "hashing/char-3-5@1" and loaded.n_ratings_ == 120


def test_it_carries_over_to_a_language_without_ratings(embedded: Embedded) -> None:
    trained = [i for i, code in enumerate(embedded.languages) if code != "lt"]
    held_out = [i for i, code in enumerate(embedded.languages) if code == "lt"]
    model = SentimentModel().fit(
        embedded.vectors[trained], [embedded.sentiments[i] for i in trained]
    )
    predicted = model.predict(embedded.vectors[held_out])
    truth = [embedded.sentiments[i] for i in held_out]
    # 15 Lithuanian comments, none seen in training (14 right measured); 13 is 87%.
    assert sum(p == t for p, t in zip(predicted, truth, strict=True)) >= 13


def test_the_classic_path_learns_from_lemmas(tmp_path: Path) -> None:
    texts, labels, languages = [], [], []
    for topic, by_language in COMMENTS.items():
        for language, items in by_language.items():
            for text in items:
                for copy in range(2):  # two customers wrote alike: enough ratings
                    texts.append(text if copy == 0 else text.upper())
                    labels.append(SENTIMENT[topic])
                    languages.append(language)
    model = ClassicSentimentModel().fit(texts, labels, languages)
    # Unseen inflections of seen Czech and Polish lemmas.
    new = ["Zásilkou jsem nespokojen, přišla pozdě", "Konsultantki były bardzo miłe"]
    assert model.predict(new, ["cs", "pl"]) == ["negative", "positive"]
    loaded = ClassicSentimentModel.load(model.save(tmp_path / "classic"))
    np.testing.assert_allclose(
        loaded.predict_proba(new, ["cs", "pl"]), model.predict_proba(new, ["cs", "pl"])
    )
    with pytest.raises(NotEnoughRatings):
        ClassicSentimentModel().fit(texts[:30], labels[:30], languages[:30])
