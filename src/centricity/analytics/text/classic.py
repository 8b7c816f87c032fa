"""Sentiment without embeddings: TF-IDF on lemmas with logistic regression.

For installations that switch embeddings off (no CPU to spare, or a policy against
neural models). Words are reduced per language (`normalise`, stop words kept, since "not"
and "nie" carry sentiment); unigrams and bigrams of lemmas feed a multinomial logistic
regression, calibrated like `SentimentModel`. It does not carry over between languages: a
language needs its own ratings. The same minimum of ratings applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from centricity.analytics.text import calibration, persist
from centricity.analytics.text.normalise import normalise_many
from centricity.analytics.text.ratings import (
    CLASSES,
    MIN_PER_CLASS,
    MIN_RATINGS,
    NotEnoughRatings,
    shortfall,
)

MODEL_VERSION = 1


def _identity(tokens: list[str]) -> list[str]:
    return tokens


class ClassicSentimentModel:
    """TF-IDF of lemma unigrams and bigrams → calibrated logistic regression."""

    kind = "classic-sentiment"

    def __init__(
        self,
        C: float = 4.0,  # scikit-learn's name for the inverse penalty
        min_ratings: int = MIN_RATINGS,
        min_per_class: int = MIN_PER_CLASS,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.min_ratings = min_ratings
        self.min_per_class = min_per_class
        self.random_state = random_state

    def fit(self, texts: Sequence[str], y: Sequence[str], languages: Sequence[str | None]) -> Self:
        """Learn vocabulary, weights and a temperature from rated texts in their languages;
        raises `NotEnoughRatings` below the minimum."""
        labels = list(y)
        reason = shortfall(labels, self.min_ratings, max(self.min_per_class, calibration.FOLDS))
        if reason:
            raise NotEnoughRatings(reason)
        documents = [
            _grams(tokens) for tokens in normalise_many(texts, languages, stop_words=False)
        ]
        classes = np.asarray([CLASSES.index(label) for label in labels], dtype=np.int64)

        def fold_logits(train: NDArray[np.int64], test: NDArray[np.int64]) -> NDArray[Any]:
            vectorizer = _vectorizer().fit([documents[i] for i in train])
            model = self._regression().fit(
                vectorizer.transform([documents[i] for i in train]), classes[train]
            )
            scores = model.decision_function(vectorizer.transform([documents[i] for i in test]))
            return np.asarray(scores, dtype=np.float64)

        oof = calibration.out_of_fold_logits(fold_logits, classes, self.random_state)
        self.temperature_ = calibration.fit_temperature(oof, classes)
        vectorizer = _vectorizer().fit(documents)
        final = self._regression().fit(vectorizer.transform(documents), classes)
        self.vocabulary_ = {str(term): int(i) for term, i in vectorizer.vocabulary_.items()}
        self.idf_ = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.coef_ = np.asarray(final.coef_, dtype=np.float64)
        self.intercept_ = np.asarray(final.intercept_, dtype=np.float64)
        self.classes_ = list(CLASSES)
        return self

    def decision_function(
        self, texts: Sequence[str], languages: Sequence[str | None]
    ) -> NDArray[np.float64]:
        """The uncalibrated logits of each text, one column per class."""
        vectorizer = _vectorizer()
        vectorizer.vocabulary_ = self.vocabulary_
        vectorizer.idf_ = self.idf_
        documents = [
            _grams(tokens) for tokens in normalise_many(texts, languages, stop_words=False)
        ]
        features = vectorizer.transform(documents)
        return np.asarray(features @ self.coef_.T + self.intercept_, dtype=np.float64)

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str | None]
    ) -> NDArray[np.float64]:
        """Calibrated probabilities of negative, neutral, positive."""
        logits = self.decision_function(texts, languages)
        return calibration.probabilities(logits, self.temperature_)

    def predict(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[str]:
        """The most probable label of each text."""
        winners = self.decision_function(texts, languages).argmax(axis=1)
        return [self.classes_[i] for i in winners]

    def save(self, directory: str | Path) -> Path:
        """Write the fitted model as JSON (vocabulary included) plus `.npy` arrays."""
        params = {
            "C": self.C,
            "min_ratings": self.min_ratings,
            "min_per_class": self.min_per_class,
            "random_state": self.random_state,
            "temperature_": self.temperature_,
            "classes_": self.classes_,
            "vocabulary_": self.vocabulary_,
        }
        arrays = {"idf_": self.idf_, "coef_": self.coef_, "intercept_": self.intercept_}
        return persist.save_model(
            directory, kind=self.kind, version=MODEL_VERSION, params=params, arrays=arrays
        )

    @classmethod
    def load(cls, directory: str | Path) -> ClassicSentimentModel:
        """A model written by `save`."""
        params, arrays = persist.load_model(directory, kind=cls.kind, version=MODEL_VERSION)
        model = cls(params["C"], params["min_ratings"], params["min_per_class"])
        model.random_state = params["random_state"]
        model.temperature_ = float(params["temperature_"])
        model.classes_ = list(params["classes_"])
        model.vocabulary_ = {str(k): int(v) for k, v in params["vocabulary_"].items()}
        model.idf_, model.coef_ = arrays["idf_"], arrays["coef_"]
        model.intercept_ = arrays["intercept_"]
        return model

    def _regression(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=1000, random_state=self.random_state)


def _grams(tokens: list[str]) -> list[str]:
    """Lemma unigrams and adjacent bigrams ("not good" differs from "good")."""
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=1)
