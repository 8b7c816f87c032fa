"""BG/NBD model of repeat purchasing: Fader, Hardie & Lee (2005), Marketing Science 24(2).

While active, a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each repeat
purchase they become inactive with probability p ~ Beta(a, b). The likelihood is equation
(6) of the paper; probability alive is equation (13) of Fader, Hardie & Lee's note
"Computing P(alive) using the BG/NBD model" and the conditional expectation equation (10).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, expit, gammaln, hyp2f1

from centricity.analytics.value._estimation import ValueModel, maximise
from centricity.analytics.value._inputs import (
    FloatArray,
    collapse,
    horizon_vector,
    require_identifiable,
    transaction_inputs,
)

ONE_EPSILON = 1e-7  # a = 1 is a removable singularity of equation (10)
# Optimise over (log r, log alpha - log r, log a, log b - log a): the mean purchase rate and
# mean dropout odds are well identified, the raw pairs are strongly correlated.
COORDINATES = np.array([[1.0, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 1]])


@dataclass(frozen=True)
class _Profiles:
    """Collapsed (x, t_x, T) rows plus per distinct x the total weight, for fast sums."""

    x: FloatArray
    t_x: FloatArray
    T: FloatArray
    weights: FloatArray
    x_values: FloatArray
    x_weights: FloatArray
    x_index: npt.NDArray[np.intp]
    repeat_u: npt.NDArray[np.bool_]
    u_minus_one: FloatArray
    total_weight: float


def _profiles(x: FloatArray, t_x: FloatArray, T: FloatArray, weights: FloatArray) -> _Profiles:
    """Collapse identical customers and index the distinct purchase counts."""
    collapsed = collapse((x, t_x, T), weights)
    require_identifiable(collapsed, "BG/NBD")
    x, t_x, T = collapsed.columns
    x_values, x_index = np.unique(x, return_inverse=True)
    x_weights = np.bincount(x_index, weights=collapsed.weights).astype(np.float64)
    u_minus_one = np.maximum(x_values - 1, 0.0)
    return _Profiles(
        x,
        t_x,
        T,
        collapsed.weights,
        x_values,
        x_weights,
        x_index,
        x_values > 0,
        u_minus_one,
        float(collapsed.weights.sum()),
    )


def _count_terms(params: FloatArray, data: _Profiles) -> tuple[float, FloatArray]:
    """Weighted sum of the x-only terms of equation (6) and its gradient in (r, alpha, a, b)."""
    r, alpha, a, b = params
    u, weights = data.x_values, data.x_weights
    arguments = np.concatenate([r + u, b + u, a + b + u, [r, b, a + b, a]])
    lg, psi = gammaln(arguments).reshape(-1, 1), digamma(arguments)
    n = u.size
    psi_ru, psi_bu, psi_abu, (psi_r, psi_b, psi_ab, _) = np.split(psi, [n, 2 * n, 3 * n])
    lg_r, lg_b, lg_ab, lg_a = lg[3 * n :, 0]
    total, log_alpha = data.total_weight, np.log(alpha)
    per_count = lg[:n, 0] + lg[n : 2 * n, 0] - lg[2 * n : 3 * n, 0]
    value = weights @ per_count + total * (r * log_alpha - lg_r - lg_b + lg_ab)
    gradient = np.array(
        [
            weights @ psi_ru + total * (log_alpha - psi_r),
            total * r / alpha,
            total * psi_ab - weights @ psi_abu,
            weights @ (psi_bu - psi_abu) + total * (psi_ab - psi_b),
        ]
    )
    del lg_a
    return float(value), gradient


def _negative_log_likelihood(log_params: FloatArray, data: _Profiles) -> tuple[float, FloatArray]:
    """Negative weighted log-likelihood (equation 6 in log space) and its analytic gradient."""
    params = np.exp(log_params)
    r, alpha, a, b = params
    count_value, count_gradient = _count_terms(params, data)
    shifted = b + data.u_minus_one
    log_c = np.where(data.repeat_u, np.log(a) - np.log(shifted), -np.inf)
    alpha_t, alpha_tx = alpha + data.T, alpha + data.t_x
    log_t = np.log(alpha_t)
    gap = np.log(alpha_tx) - log_t
    rx = r + data.x
    d = log_c[data.x_index] - rx * gap
    w = data.weights
    wp2 = w * expit(d)
    total = count_value + w @ (np.logaddexp(0.0, d) - rx * log_t)
    wp2_u = np.bincount(data.x_index, weights=wp2, minlength=data.x_values.size)
    gradient = count_gradient + np.array(
        [
            -(w @ log_t) - wp2 @ gap,
            -(rx @ ((w - wp2) / alpha_t + wp2 / alpha_tx)),
            wp2_u.sum() / a,
            -(wp2_u @ (1.0 / shifted)),
        ]
    )
    return -float(total), -gradient * params


def _start(data: _Profiles) -> FloatArray:
    """Starting point: unit shapes, alpha on the scale of the observation window."""
    scale = float(np.average(data.T, weights=data.weights))
    return np.log(np.array([1.0, scale, 1.0, 1.0], dtype=np.float64))


class BGNBDModel(ValueModel):
    """Beta-geometric/NBD model (Fader, Hardie & Lee 2005) fitted by maximum likelihood.

    Learns ``params_`` with keys ``r``, ``alpha``, ``a``, ``b`` from per-customer repeat
    purchase counts (frequency), age at the last purchase (recency) and age (T).
    """

    param_names = ("r", "alpha", "a", "b")

    def fit(self, frequency: object, recency: object, T: object, weights: object = None) -> Self:
        """Estimate (r, alpha, a, b) by maximising equation (6) over the customers.

        ``weights`` counts customers per row; identical rows are merged before fitting.
        """
        data = _profiles(*transaction_inputs(frequency, recency, T, weights))
        estimate = maximise(
            lambda lp: _negative_log_likelihood(lp, data),
            _start(data),
            float(data.weights.sum()),
            self.tol,
            COORDINATES,
        )
        self._set_estimate(estimate)
        return self

    def _log_odds_dead(self, x: FloatArray, t_x: FloatArray, T: FloatArray) -> FloatArray:
        """log of a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x); -inf without repeat purchases."""
        r, alpha, a, b = self._param_vector()
        shifted = np.where(x > 0, b + x - 1, 1.0)
        ratio = np.log(alpha + T) - np.log(alpha + t_x)
        return np.where(x > 0, np.log(a) - np.log(shifted) + (r + x) * ratio, -np.inf)

    def probability_alive(self, frequency: object, recency: object, T: object) -> FloatArray:
        """P(active | x, t_x, T): FHL's note, equation (13); 1 for customers with x = 0."""
        x, t_x, t_obs, _ = transaction_inputs(frequency, recency, T, None)
        return np.asarray(expit(-self._log_odds_dead(x, t_x, t_obs)), dtype=np.float64)

    def expected_purchases(
        self, t: object, frequency: object, recency: object, T: object
    ) -> FloatArray:
        """E[Y(t) | x, t_x, T], purchases in the next t periods: FHL (2005) equation (10).

        Euler's transformation turns 2F1(r+x, b+x; a+b+x-1; z) (1-z)^(r+x) into
        (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z), which stays finite for large x.
        """
        x, t_x, t_obs, _ = transaction_inputs(frequency, recency, T, None)
        horizon = horizon_vector(t, x.size)
        r, alpha, a, b = self._param_vector()
        a = a if abs(a - 1) > ONE_EPSILON else 1 + ONE_EPSILON
        z = horizon / (alpha + t_obs + horizon)
        tail = (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        alive = expit(-self._log_odds_dead(x, t_x, t_obs))
        expected = (a + b + x - 1) / (a - 1) * (1 - tail) * alive
        return np.asarray(np.maximum(expected, 0.0), dtype=np.float64)
