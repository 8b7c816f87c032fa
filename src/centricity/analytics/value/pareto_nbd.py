"""Pareto/NBD model of repeat purchasing: Schmittlein, Morrison & Colombo (1987).

While alive, a customer buys at Poisson rate lambda ~ Gamma(r, alpha) and dies at an
exponential time with rate mu ~ Gamma(s, beta). Formulas follow Fader & Hardie (2005), "A Note
on Deriving the Pareto/NBD Model and Related Expressions": the likelihood as

    L = Gamma(r+x) alpha^r beta^s / Gamma(r) [ (alpha+T)^-(r+x) (beta+T)^-s + s I ],
    I = integral from t_x to T of (alpha+u)^-(r+x) (beta+u)^-(s+1) du = (A0 in the note) / (r+s+x),

P(alive) and the conditional expectation E[Y(t) | x, t_x, T]. The fit is Newton's method on
the likelihood's analytic gradient and Hessian (`_pareto_likelihood`); predictions use SciPy's
hyp2f1 for the same integral (`_tail_integral`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
from scipy.special import expit

from centricity.analytics.value._estimation import ValueModel
from centricity.analytics.value._inputs import FloatArray, horizon_vector, transaction_inputs
from centricity.analytics.value._optimise import maximise
from centricity.analytics.value._pareto_likelihood import (
    Profiles,
    negative_log_likelihood,
    profiles,
)
from centricity.analytics.value._tail_integral import log_tail_integral

# Optimise over (log r, log alpha - log r, log s, log beta - log s): the mean purchase and
# dropout rates are well identified, the raw shape/scale pairs strongly correlated.
COORDINATES = np.array([[1.0, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 1]])
NEAR_ONE = 1e-9


def _branch(params: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray, float, float]:
    """(k, b, c, d) of the tail integral on the alpha >= beta or alpha < beta branch."""
    r, alpha, s, beta = params
    k = r + s + x
    if alpha >= beta:
        return k, np.full_like(x, s + 1), alpha, beta
    return k, r + x, beta, alpha


def _log_interval(params: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray) -> FloatArray:
    """log(s I), -inf where t_x = T, from the closed form with hyp2f1."""
    k, b, c, d = _branch(params, x)
    log_tx = log_tail_integral(k, b, c, d, t_x)
    log_t = log_tail_integral(k, b, c, d, T)
    gap = np.minimum(log_t - log_tx, 0.0)
    with np.errstate(divide="ignore"):
        log_interval = log_tx + np.log(-np.expm1(np.where(t_x < T, gap, 0.0)))
    return np.asarray(np.log(params[2]) + log_interval, dtype=np.float64)


def _start(data: Profiles) -> FloatArray:
    """Starting point: unit shapes, the mean purchase rate r/alpha at the observed rate (mean
    count over mean age) and the mean dropout rate s/beta at one per observation window."""
    mean_t = float(np.average(data.T, weights=data.weights))
    mean_x = float(np.average(data.x, weights=data.weights))
    return np.log(np.array([1.0, mean_t / mean_x, 1.0, mean_t], dtype=np.float64))


class ParetoNBDModel(ValueModel):
    """Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) fitted by maximum likelihood.

    Learns ``params_`` with keys ``r``, ``alpha``, ``s``, ``beta`` from per-customer repeat
    purchase counts (frequency), age at the last purchase (recency) and age (T).
    """

    param_names = ("r", "alpha", "s", "beta")

    def fit(self, frequency: object, recency: object, T: object, weights: object = None) -> Self:
        """Estimate (r, alpha, s, beta) by maximising the likelihood of Fader & Hardie (2005).

        ``weights`` counts customers per row; identical rows are merged before fitting.
        """
        data = profiles(*transaction_inputs(frequency, recency, T, weights))
        estimate = maximise(
            lambda lp, with_hessian: negative_log_likelihood(lp, data, with_hessian),
            _start(data),
            float(data.weights.sum()),
            self.tol,
            COORDINATES,
        )
        self._set_estimate(estimate)
        return self

    def _log_odds_alive(self, x: FloatArray, t_x: FloatArray, T: FloatArray) -> FloatArray:
        """log of (alpha+T)^-(r+x) (beta+T)^-s / (s I): alive versus died in (t_x, T]."""
        params = self._param_vector()
        r, alpha, s, beta = params
        log_first = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        return np.asarray(log_first - _log_interval(params, x, t_x, T), dtype=np.float64)

    def probability_alive(self, frequency: object, recency: object, T: object) -> FloatArray:
        """P(alive | x, t_x, T), from Fader & Hardie's Pareto/NBD note."""
        x, t_x, t_obs, _ = transaction_inputs(frequency, recency, T, None)
        return np.asarray(expit(self._log_odds_alive(x, t_x, t_obs)), dtype=np.float64)

    def expected_purchases(
        self, t: object, frequency: object, recency: object, T: object
    ) -> FloatArray:
        """E[Y(t) | x, t_x, T], purchases in the next t periods, from the note.

        (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive); the
        bracket over (s-1) is evaluated with expm1 so that s near 1 stays accurate.
        """
        x, t_x, t_obs, _ = transaction_inputs(frequency, recency, T, None)
        horizon = horizon_vector(t, x.size)
        r, alpha, s, beta = self._param_vector()
        log_growth = np.log1p(horizon / (beta + t_obs))
        if abs(s - 1) < NEAR_ONE:
            bracket = log_growth
        else:
            bracket = -np.expm1(-(s - 1) * log_growth) / (s - 1)
        alive = expit(self._log_odds_alive(x, t_x, t_obs))
        expected = (r + x) * (beta + t_obs) / (alpha + t_obs) * bracket * alive
        return np.asarray(expected, dtype=np.float64)

    def expected_purchases_curve(
        self, horizons: Sequence[float], frequency: object, recency: object, T: object
    ) -> FloatArray:
        """E[Y(t) | x, t_x, T] for each horizon t (one row per horizon); the closed form is
        cheap, so this is `expected_purchases` once per horizon."""
        return np.stack([self.expected_purchases(t, frequency, recency, T) for t in horizons])
