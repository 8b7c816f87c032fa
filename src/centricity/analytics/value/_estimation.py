"""The fitted-model base class: learned attributes, uncertainty and JSON persistence.

Standard errors come from the Hessian of the negative log-likelihood at the optimum in the
log-parameter space (see `_optimise`); the delta method maps them back, and the 95% intervals
are computed on the log scale, then exponentiated, so they never include non-positive values.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Self

import numpy as np

from centricity.analytics.value._inputs import FloatArray
from centricity.analytics.value._optimise import Estimate

MODEL_FORMAT_VERSION = "1"
Z_95 = 1.959963984540054


def _json_float(value: float) -> float | None:
    """JSON has no infinity: store a non-finite standard error or bound as null."""
    return value if np.isfinite(value) else None


def _from_json_float(value: float | None) -> float:
    """Read back a float written by `_json_float`."""
    return float("inf") if value is None else float(value)


class ValueModel:
    """Base of the fitted models: learned attributes, summaries and JSON persistence.

    Follows scikit-learn's estimator contract: ``__init__`` stores hyperparameters only, ``fit``
    sets the trailing-underscore attributes and keeps no training data.
    """

    param_names: ClassVar[tuple[str, ...]] = ()
    params_: dict[str, float]
    log_likelihood_: float
    standard_errors_: dict[str, float]
    confidence_intervals_: dict[str, tuple[float, float]]

    def __init__(self, *, tol: float = 1e-9) -> None:
        self.tol = tol

    def __repr__(self) -> str:
        fitted = getattr(self, "params_", None)
        shown = ", ".join(f"{k}={v:.4g}" for k, v in fitted.items()) if fitted else "unfitted"
        return f"{type(self).__name__}({shown})"

    def _set_estimate(self, estimate: Estimate) -> None:
        """Store parameters, log-likelihood, delta-method errors and log-scale 95% intervals."""
        params = np.exp(estimate.log_params)
        with np.errstate(over="ignore"):  # an unbounded interval is reported as (0, inf)
            low = np.exp(estimate.log_params - Z_95 * estimate.log_standard_errors)
            high = np.exp(estimate.log_params + Z_95 * estimate.log_standard_errors)
        names = self.param_names
        self.params_ = {n: float(v) for n, v in zip(names, params, strict=True)}
        self.log_likelihood_ = float(estimate.log_likelihood)
        errors = params * estimate.log_standard_errors
        self.standard_errors_ = {n: float(v) for n, v in zip(names, errors, strict=True)}
        self.confidence_intervals_ = {
            n: (float(lo), float(hi)) for n, lo, hi in zip(names, low, high, strict=True)
        }

    def _param_vector(self) -> FloatArray:
        """Fitted parameters in `param_names` order; refuses an unfitted model."""
        params = getattr(self, "params_", None)
        if params is None:
            raise ValueError(
                f"{type(self).__name__} is not fitted; call fit() or from_json() first"
            )
        return np.array([params[name] for name in self.param_names], dtype=np.float64)

    def to_json(self) -> str:
        """Serialise the fitted parameters and their uncertainty with a model version."""
        self._param_vector()
        document: dict[str, Any] = {
            "model": type(self).__name__,
            "version": MODEL_FORMAT_VERSION,
            "hyperparameters": {"tol": self.tol},
            "params": self.params_,
            "log_likelihood": self.log_likelihood_,
            "standard_errors": {k: _json_float(v) for k, v in self.standard_errors_.items()},
            "confidence_intervals": {
                k: [_json_float(lo), _json_float(hi)]
                for k, (lo, hi) in self.confidence_intervals_.items()
            },
        }
        return json.dumps(document, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Self:
        """Restore a model written by `to_json`, refusing another model or format version."""
        document = json.loads(text)
        if document.get("model") != cls.__name__ or document.get("version") != MODEL_FORMAT_VERSION:
            raise ValueError(
                f"expected a {cls.__name__} document of version {MODEL_FORMAT_VERSION}, got "
                f"{document.get('model')!r} version {document.get('version')!r}; refit the model"
            )
        model = cls(**document["hyperparameters"])
        model.params_ = {name: float(document["params"][name]) for name in cls.param_names}
        model.log_likelihood_ = float(document["log_likelihood"])
        model.standard_errors_ = {
            k: _from_json_float(v) for k, v in document["standard_errors"].items()
        }
        model.confidence_intervals_ = {
            k: (_from_json_float(lo), _from_json_float(hi))
            for k, (lo, hi) in document["confidence_intervals"].items()
        }
        return model
