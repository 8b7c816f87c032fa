"""Pareto/NBD model of repeat purchasing: Schmittlein, Morrison & Colombo (1987).

While alive, a customer buys at Poisson rate lambda ~ Gamma(r, alpha) and dies at an
exponential time with rate mu ~ Gamma(s, beta). Formulas follow Fader & Hardie (2005), "A Note
on Deriving the Pareto/NBD Model and Related Expressions": the likelihood as

    L = Gamma(r+x) alpha^r beta^s / Gamma(r) [ (alpha+T)^-(r+x) (beta+T)^-s + s I ],
    I = integral from t_x to T of (alpha+u)^-(r+x) (beta+u)^-(s+1) du = (A0 in the note) / (r+s+x),

P(alive) and the conditional expectation E[Y(t) | x, t_x, T].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, expit, gammaln

from centricity.analytics.value._estimation import ValueModel
from centricity.analytics.value._inputs import (
    FloatArray,
    collapse,
    dot,
    horizon_vector,
    require_identifiable,
    transaction_inputs,
    unique_rows,
)
from centricity.analytics.value._optimise import maximise, with_numerical_hessian
from centricity.analytics.value._tail_integral import (
    TailIntegral,
    log_tail_integral,
    tail_integral,
)

# Optimise over (log r, log alpha - log r, log s, log beta - log s): the mean purchase and
# dropout rates are well identified, the raw shape/scale pairs strongly correlated.
COORDINATES = np.array([[1.0, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 1]])
NEAR_ONE = 1e-9


@dataclass(frozen=True)
class _Profiles:
    """Collapsed (x, t_x, T) rows and their weights."""

    x: FloatArray
    t_x: FloatArray
    T: FloatArray
    weights: FloatArray
    spans: npt.NDArray[np.bool_]
    point_x: FloatArray
    point_t: FloatArray
    at_tx: npt.NDArray[np.intp]
    at_t: npt.NDArray[np.intp]


def _profiles(x: FloatArray, t_x: FloatArray, T: FloatArray, weights: FloatArray) -> _Profiles:
    """Collapse identical customers and list the distinct (x, t) where J(t) is needed.

    J is needed at t_x and T of rows with t_x < T; customers share most of these points
    (every x = 0 row needs J(0) for x = 0), so each is computed once.
    """
    collapsed = collapse((x, t_x, T), weights)
    require_identifiable(collapsed, "Pareto/NBD")
    x, t_x, T = collapsed.columns
    spans = t_x < T
    n = int(spans.sum())
    both_x = np.concatenate([x[spans], x[spans]])
    (point_x, point_t), inverse = unique_rows((both_x, np.concatenate([t_x[spans], T[spans]])))
    return _Profiles(
        x, t_x, T, collapsed.weights, spans, point_x, point_t, inverse[:n], inverse[n:]
    )


def _interval_gradient(
    params: FloatArray, at_tx: TailIntegral, at_t: TailIntegral, ratio: FloatArray
) -> FloatArray:
    """Gradient rows (r, alpha, s, beta) of log(J(t_x) - J(T)), mapped from (k, b, c, d)."""
    scale = 1 / (1 - ratio)

    def combine(first: FloatArray, second: FloatArray) -> FloatArray:
        """d log(J1 - J2) from d log J1 and d log J2, with ratio = J2 / J1."""
        return np.asarray((first - ratio * second) * scale, dtype=np.float64)

    d_k, d_b = combine(at_tx.d_k, at_t.d_k), combine(at_tx.d_b, at_t.d_b)
    d_c, d_d = combine(at_tx.d_c, at_t.d_c), combine(at_tx.d_d, at_t.d_d)
    r, alpha, s, beta = params
    if alpha >= beta:  # c = alpha, d = beta, k = r + s + x, b = s + 1
        return np.stack([d_k, d_c, d_k + d_b, d_d])
    return np.stack([d_k + d_b, d_d, d_k, d_c])  # c = beta, d = alpha, b = r + x


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


def _interval_terms(params: FloatArray, data: _Profiles) -> tuple[FloatArray, FloatArray]:
    """log(s I) per row (-inf where t_x = T) and its gradient rows (r, alpha, s, beta)."""
    k, b, c, d = _branch(params, data.point_x)
    points = tail_integral(k, b, c, d, data.point_t)
    at_tx, at_t = points.take(data.at_tx), points.take(data.at_t)
    ratio = np.minimum(np.exp(at_t.log_value - at_tx.log_value), 1 - NEAR_ONE)
    log_interval = np.full_like(data.x, -np.inf)
    log_interval[data.spans] = np.log(params[2]) + at_tx.log_value + np.log1p(-ratio)
    gradient = np.zeros((4, data.x.size))
    gradient[:, data.spans] = _interval_gradient(params, at_tx, at_t, ratio)
    gradient[2] += 1 / params[2]
    return log_interval, gradient


def _negative_log_likelihood(log_params: FloatArray, data: _Profiles) -> tuple[float, FloatArray]:
    """Negative weighted log-likelihood (the note's likelihood) and its analytic gradient."""
    params = np.exp(log_params)
    r, alpha, s, beta = params
    x, T, w = data.x, data.T, data.weights
    log_interval, interval_gradient = _interval_terms(params, data)
    log_alpha_t, log_beta_t = np.log(alpha + T), np.log(beta + T)
    log_first = -(r + x) * log_alpha_t - s * log_beta_t
    first_gradient = np.stack(
        [-log_alpha_t, -(r + x) / (alpha + T), -log_beta_t, np.full_like(x, -s) / (beta + T)]
    )
    share = expit(log_interval - log_first)
    row_gradient = first_gradient + share * (interval_gradient - first_gradient)
    log_constant = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    total = dot(w, log_constant + np.logaddexp(log_first, log_interval))
    constant_gradient = np.array(
        [
            dot(w, digamma(r + x) - digamma(r) + np.log(alpha)),
            w.sum() * r / alpha,
            w.sum() * np.log(beta),
            w.sum() * s / beta,
        ]
    )
    gradient = constant_gradient + np.einsum("in,n->i", row_gradient, w)
    return -float(total), -gradient * params


def _start(data: _Profiles) -> FloatArray:
    """Starting point: unit shapes, scales on the scale of the observation window."""
    scale = float(np.average(data.T, weights=data.weights))
    return np.log(np.array([1.0, scale, 1.0, scale], dtype=np.float64))


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
        data = _profiles(*transaction_inputs(frequency, recency, T, weights))
        estimate = maximise(
            with_numerical_hessian(lambda lp: _negative_log_likelihood(lp, data)),
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
