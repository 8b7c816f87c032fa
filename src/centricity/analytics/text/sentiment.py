"""Sentiment of a comment in any language from its embedding, learnt from the
organisation's own ratings (`ratings.score_label` turns a score into the label).

A multinomial logistic regression on the multilingual embeddings: a comment's meaning, not
its words, carries the label, so a model trained mostly on Czech and English ratings also
reads Lithuanian (the design measured 92–100% transfer between languages). Probabilities
are calibrated by temperature scaling on out-of-fold logits (`calibration`). Fewer ratings
than `ratings.MIN_RATINGS`, or `MIN_PER_CLASS` in any label, raise `NotEnoughRatings`
instead of training a model that would guess.

The penalty is weak (C = 10) because e5 vectors are unit length with most of their variance
in a few hundredths per feature: at scikit-learn's C = 1 the model underfits. Measured on
the 90 written test comments (5 topics × 6 languages × 3), training on five languages and
predicting the sixth: mean accuracy 0.84 at C = 1, 0.99 at C = 10 and at C = 100.
Removing each language's mean vector first (as themes do) gave the same 0.99 at C = 10, and
on the 757-comment evaluation set, trained on the other five languages without any
translation of the test comments (131 training comments), mean macro-F1 0.766 without and
0.761 with it (C = 3: 0.773 and 0.772). So it is not applied: it adds state for no
measured gain, and a language's mean also shifts with how satisfied its customers happen
to be, which is the signal this model must keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression

from centricity.analytics.text import calibration, persist
from centricity.analytics.text.ratings import (
    CLASSES,
    MIN_PER_CLASS,
    MIN_RATINGS,
    NotEnoughRatings,
    shortfall,
)

MODEL_VERSION = 1
CHUNK = 8_192


class SentimentModel:
    """Calibrated logistic regression from embeddings to negative / neutral / positive."""

    kind = "sentiment"

    def __init__(
        self,
        C: float = 10.0,  # scikit-learn's name for the inverse penalty
        min_ratings: int = MIN_RATINGS,
        min_per_class: int = MIN_PER_CLASS,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.min_ratings = min_ratings
        self.min_per_class = min_per_class
        self.random_state = random_state

    def fit(self, X: Any, y: Sequence[str], embedder: str = "") -> Self:
        """Learn weights and a temperature from embeddings `X` and labels `y`; `embedder`
        (the vectors' embedder name and version) is kept so predictions on another space
        can be refused. Raises `NotEnoughRatings` below the minimum."""
        vectors = _matrix(X)
        labels = list(y)
        if len(labels) != len(vectors):
            raise ValueError("X and y must have one row per rating")
        # Calibration's stratified folds need every label at least once per fold.
        per_class = max(self.min_per_class, calibration.FOLDS)
        reason = shortfall(labels, self.min_ratings, per_class)
        if reason:
            raise NotEnoughRatings(reason)
        classes = np.asarray([CLASSES.index(label) for label in labels], dtype=np.int64)

        def fold_logits(train: NDArray[np.int64], test: NDArray[np.int64]) -> NDArray[Any]:
            model = self._regression().fit(vectors[train], classes[train])
            return np.asarray(model.decision_function(vectors[test]), dtype=np.float64)

        oof = calibration.out_of_fold_logits(fold_logits, classes, self.random_state)
        self.temperature_ = calibration.fit_temperature(oof, classes)
        final = self._regression().fit(vectors, classes)
        self.coef_ = np.asarray(final.coef_, dtype=np.float64)
        self.intercept_ = np.asarray(final.intercept_, dtype=np.float64)
        self.classes_ = list(CLASSES)
        self.n_ratings_ = len(labels)
        self.embedder_ = embedder
        return self

    def decision_function(self, X: Any) -> NDArray[np.float64]:
        """The uncalibrated logits, one column per class (computed in chunks of
        `CHUNK` rows, so memory stays flat for any number of items)."""
        vectors = np.asarray(X)
        weights = self.coef_.T.astype(np.float32)
        logits = [
            (_matrix(vectors[i : i + CHUNK]) @ weights).astype(np.float64) + self.intercept_
            for i in range(0, len(vectors), CHUNK)
        ]
        return np.vstack(logits) if logits else np.zeros((0, len(self.classes_)))

    def predict_proba(self, X: Any) -> NDArray[np.float64]:
        """Calibrated probabilities of negative, neutral, positive (columns as `classes_`)."""
        return calibration.probabilities(self.decision_function(X), self.temperature_)

    def predict(self, X: Any) -> list[str]:
        """The most probable label of each row."""
        return [self.classes_[i] for i in self.decision_function(X).argmax(axis=1)]

    def save(self, directory: str | Path) -> Path:
        """Write the fitted model as JSON plus `.npy` arrays (`persist`)."""
        params = {
            "C": self.C,
            "min_ratings": self.min_ratings,
            "min_per_class": self.min_per_class,
            "random_state": self.random_state,
            "temperature_": self.temperature_,
            "classes_": self.classes_,
            "n_ratings_": self.n_ratings_,
            "embedder_": self.embedder_,
        }
        arrays = {"coef_": self.coef_, "intercept_": self.intercept_}
        return persist.save_model(
            directory, kind=self.kind, version=MODEL_VERSION, params=params, arrays=arrays
        )

    @classmethod
    def load(cls, directory: str | Path) -> SentimentModel:
        """A model written by `save`."""
        params, arrays = persist.load_model(directory, kind=cls.kind, version=MODEL_VERSION)
        model = cls(params["C"], params["min_ratings"], params["min_per_class"])
        model.random_state = params["random_state"]
        model.temperature_ = float(params["temperature_"])
        model.classes_ = list(params["classes_"])
        model.n_ratings_ = int(params["n_ratings_"])
        model.embedder_ = str(params["embedder_"])
        model.coef_, model.intercept_ = arrays["coef_"], arrays["intercept_"]
        return model

    def _regression(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=1000, random_state=self.random_state)


def _matrix(X: Any) -> NDArray[np.float32]:
    vectors = np.asarray(X, dtype=np.float32)
    if vectors.ndim != 2 or not np.isfinite(vectors).all():
        raise ValueError("X must be a finite 2-D array, one embedding per row")
    return vectors
