"""Calibrated class probabilities for a linear classifier by temperature scaling.

A regularised logistic regression ranks well but its probabilities are systematically too
sure or too timid, depending on the penalty and on how separable the embeddings are. The
logits are divided by one temperature T chosen to minimise the log loss of out-of-fold
predictions (Guo et al., "On calibration of modern neural networks", 2017). One parameter
cannot overfit a few hundred ratings (per-class sigmoid or isotonic calibration needs far
more per class, and one-vs-rest calibration breaks the three probabilities' sum), it never
changes which label wins, and it persists as one number beside the weights.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.model_selection import StratifiedKFold

Logits = NDArray[np.float64]
FOLDS = 5


def out_of_fold_logits(
    fit_logits: Callable[[NDArray[np.int64], NDArray[np.int64]], Logits],
    classes: NDArray[np.int64],
    random_state: int,
) -> Logits:
    """Each item's logits from a model fitted without it (stratified 5-fold);
    `fit_logits(train_rows, test_rows)` fits on one set and scores the other."""
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=random_state)
    result: Logits | None = None
    for train, test in folds.split(np.zeros(len(classes)), classes):
        logits = fit_logits(train, test)
        if result is None:
            result = np.zeros((len(classes), logits.shape[1]))
        result[test] = logits
    assert result is not None
    return result


def fit_temperature(logits: Logits, classes: NDArray[np.int64]) -> float:
    """The temperature in [0.05, 20] minimising the log loss of softmax(logits / T)."""

    def loss(log_t: float) -> float:
        scaled = log_softmax(logits / np.exp(log_t), axis=1)
        return float(-scaled[np.arange(len(classes)), classes].mean())

    found = minimize_scalar(loss, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(found.x))


def probabilities(logits: Logits, temperature: float) -> NDArray[np.float64]:
    """Softmax of the temperature-scaled logits: calibrated probabilities, rows sum to 1."""
    return np.asarray(softmax(logits / temperature, axis=1), dtype=np.float64)
