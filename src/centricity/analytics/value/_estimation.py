"""Maximum-likelihood machinery shared by the BG/NBD, Pareto/NBD and Gamma-Gamma models.

Parameters are all positive, so the optimiser works on their logarithms (no bounds needed
for positivity, better conditioning). Standard errors come from a numerical Hessian of the
negative log-likelihood at the optimum (central differences of the analytic gradient) in
the log-parameter space; the delta method maps them back, and the 95% intervals are
computed on the log scale, then exponentiated, so they never include non-positive values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
from scipy.optimize import minimize

from centricity.analytics.value._inputs import FloatArray

MODEL_FORMAT_VERSION = "1"
Z_95 = 1.959963984540054
LOG_BOUND = 18.0
HESSIAN_STEP = 1e-6

Objective = Callable[[FloatArray], tuple[float, FloatArray]]


@dataclass(frozen=True)
class Estimate:
    """Optimum of a negative log-likelihood in log-parameter space, with its curvature."""

    log_params: FloatArray
    log_likelihood: float
    log_standard_errors: FloatArray


def _in_coordinates(objective: Objective, transform: FloatArray, scale: float) -> Objective:
    """Objective in optimiser coordinates u (log-parameters = transform @ u), per customer.

    Dividing by the number of customers makes tolerances independent of the data size; a
    transform that separates well-identified combinations (e.g. log r - log alpha) shortens
    the optimisation.
    """

    def inner(coordinates: FloatArray) -> tuple[float, FloatArray]:
        value, gradient = objective(transform @ coordinates)
        return value / scale, (transform.T @ gradient) / scale

    return inner


def _hessian(objective: Objective, point: FloatArray) -> tuple[float, FloatArray, FloatArray]:
    """Value, gradient and forward-difference Hessian (from the analytic gradient) at a point."""
    value, gradient = objective(point)
    hessian = np.empty((point.size, point.size))
    for j in range(point.size):
        step = np.zeros(point.size)
        step[j] = HESSIAN_STEP
        hessian[:, j] = (objective(point + step)[1] - gradient) / HESSIAN_STEP
    return value, gradient, (hessian + hessian.T) / 2


def _inverse(hessian: FloatArray) -> FloatArray | None:
    """Inverse of a positive-definite Hessian, None when it is not (a flat or saddle point)."""
    try:
        factor = np.linalg.cholesky(hessian)
    except np.linalg.LinAlgError:
        return None
    inverse_factor = np.linalg.inv(factor)
    return np.asarray(inverse_factor.T @ inverse_factor, dtype=np.float64)


def _newton_polish(
    objective: Objective, point: FloatArray, value: float, step: FloatArray
) -> tuple[FloatArray, float]:
    """One Newton step from the quasi-Newton optimum, kept only if it lowers the objective."""
    candidate = point - step
    if not (np.all(np.isfinite(candidate)) and np.all(np.abs(candidate) < LOG_BOUND)):
        return point, value
    candidate_value = objective(candidate)[0]
    if np.isfinite(candidate_value) and candidate_value <= value:
        return candidate, candidate_value
    return point, value


def maximise(
    objective: Objective,
    start: FloatArray,
    total_weight: float,
    tol: float,
    transform: FloatArray | None = None,
) -> Estimate:
    """Minimise a negative log-likelihood: L-BFGS-B with the analytic gradient, then Newton.

    The numerical Hessian needed for standard errors also gives a final Newton step, which
    brings the optimum to near machine precision at the cost of one more evaluation.
    """
    transform = np.eye(start.size) if transform is None else transform
    inner = _in_coordinates(objective, transform, total_weight)
    result = minimize(
        inner,
        np.linalg.solve(transform, start),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * start.size,
        options={"maxiter": 5000, "ftol": 1e-12, "gtol": tol},
    )
    point = np.asarray(result.x, dtype=np.float64)
    value, gradient, hessian = _hessian(inner, point)
    inverse = _inverse(hessian)
    if inverse is not None:
        point, value = _newton_polish(inner, point, value, inverse @ gradient)
    if not np.isfinite(value):
        raise ValueError("the likelihood is not finite at the optimum; check the inputs' scale")
    if inverse is None:
        errors = np.full(start.size, np.inf)
    else:
        covariance = transform @ inverse @ transform.T / total_weight
        errors = np.sqrt(np.maximum(np.diag(covariance), 0.0))
    return Estimate(transform @ point, -value * total_weight, np.asarray(errors, dtype=np.float64))


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

    def __init__(self, *, tol: float = 1e-6) -> None:
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
