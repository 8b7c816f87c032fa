"""Gamma-Gamma model of spend per transaction: Fader, Hardie & Lee (2005), "RFM and CLV:
Using Iso-Value Curves for Customer Base Analysis", and Fader & Hardie (2013), "The Gamma-Gamma
Model of Monetary Value".

A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, gamma) across customers,
independent of the purchase process. For a customer with x repeat transactions of mean value
m, the likelihood of m is (the 2013 note)

    f(m | p, q, gamma, x) = Gamma(px+q) / (Gamma(px) Gamma(q)) gamma^q m^(px-1) x^(px)
                            / (gamma + m x)^(px+q),

and the conditional expected spend is (gamma + m x) p / (px + q - 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import numpy as np
from scipy.special import digamma, gammaln, polygamma

from centricity.analytics.value._estimation import ValueModel
from centricity.analytics.value._inputs import (
    FloatArray,
    as_vector,
    check_non_negative,
    check_same_length,
    check_whole,
    collapse,
    dot,
    weights_vector,
)
from centricity.analytics.value._optimise import maximise, negated_in_log_parameters

# Optimise over (log p, log q, log gamma - log q): the mean of nu is better identified.
COORDINATES = np.array([[1.0, 0, 0], [0, 1, 0], [0, 1, 1]])


def spend_inputs(frequency: object, monetary_value: object) -> tuple[FloatArray, FloatArray]:
    """Validate repeat-purchase counts and mean spend; spend must be positive when x > 0."""
    x, m = as_vector("frequency", frequency), as_vector("monetary_value", monetary_value)
    check_same_length(frequency=x, monetary_value=m)
    check_non_negative("frequency", x, "frequency counts repeat purchases")
    check_whole("frequency", x)
    bad = (x > 0) & (m <= 0)
    if bad.any():
        raise ValueError(
            f"monetary_value is not positive for {int(bad.sum())} of {x.size} customers with "
            "repeat purchases; the Gamma-Gamma model needs the mean spend of repeat purchases "
            "> 0: drop refunds and zero-value orders, or exclude those customers"
        )
    return x, m


@dataclass(frozen=True)
class _Spends:
    """Repeat buyers' (x, m) rows, the weights per distinct x and the data-only sums."""

    x: FloatArray
    weights: FloatArray
    m_x: FloatArray
    x_values: FloatArray
    x_weights: FloatArray
    log_m_sum: float  # sum w log m
    x_log_sum: float  # sum w x log(m x); (p x - 1) log m + p x log x = p x log(m x) - log m


def _spends(x: FloatArray, m: FloatArray, w: FloatArray) -> _Spends:
    """Precompute what does not depend on the parameters."""
    x_values, index = np.unique(x, return_inverse=True)
    x_weights = np.bincount(index, weights=w).astype(np.float64)
    log_m, x_log = dot(w, np.log(m)), dot(w, x * np.log(m * x))
    return _Spends(x, w, m * x, x_values, x_weights, log_m, x_log)


def _negative_log_likelihood(
    log_params: FloatArray, data: _Spends, with_hessian: bool = False
) -> tuple[float, FloatArray, FloatArray | None]:
    """Negative weighted log-likelihood (the 2013 note), its gradient and Hessian.

    The gamma functions depend on x only and are summed over the distinct counts; per
    customer only log(gamma + m x) and 1 / (gamma + m x) are needed.
    """
    params = np.exp(log_params)
    p, q, gamma = params
    u, weights, total = data.x_values, data.x_weights, float(data.weights.sum())
    pu = p * u
    log_total, inverse = np.log(gamma + data.m_x), 1 / (gamma + data.m_x)
    w, xw = data.weights, data.weights * data.x
    value = dot(weights, gammaln(pu + q) - gammaln(pu)) + total * (q * np.log(gamma) - gammaln(q))
    value += p * data.x_log_sum - data.log_m_sum - dot(p * xw + q * w, log_total)
    psi_sum = digamma(pu + q)
    gradient = np.array(
        [
            dot(weights * u, psi_sum - digamma(pu)) + data.x_log_sum - dot(xw, log_total),
            dot(weights, psi_sum) + total * (np.log(gamma) - digamma(q)) - dot(w, log_total),
            total * q / gamma - dot(p * xw + q * w, inverse),
        ]
    )
    hessian = _hessian(params, data, inverse) if with_hessian else None
    return negated_in_log_parameters(value, gradient, hessian, params)


def _hessian(params: FloatArray, data: _Spends, inverse: FloatArray) -> FloatArray:
    """Second derivatives in (p, q, gamma) of the weighted log-likelihood."""
    p, q, gamma = params
    u, weights, total = data.x_values, data.x_weights, float(data.weights.sum())
    tri_sum, tri_pu = polygamma(1, p * u + q), polygamma(1, p * u)
    w, xw = data.weights, data.weights * data.x
    hessian = np.empty((3, 3))
    hessian[0, 0] = dot(weights * u**2, tri_sum - tri_pu)
    hessian[0, 1] = hessian[1, 0] = dot(weights * u, tri_sum)
    hessian[0, 2] = hessian[2, 0] = -dot(xw, inverse)
    hessian[1, 1] = dot(weights, tri_sum) - total * polygamma(1, q)
    hessian[1, 2] = hessian[2, 1] = total / gamma - dot(w, inverse)
    hessian[2, 2] = -total * q / gamma**2 + dot(p * xw + q * w, inverse**2)
    return hessian


class GammaGammaModel(ValueModel):
    """Gamma-Gamma spend model (Fader, Hardie & Lee 2005) fitted by maximum likelihood.

    Learns ``params_`` with keys ``p``, ``q``, ``gamma``. Customers with frequency 0 carry no
    information on spend per repeat purchase and are ignored by the fit.
    """

    param_names = ("p", "q", "gamma")

    def fit(self, frequency: object, monetary_value: object, weights: object = None) -> Self:
        """Estimate (p, q, gamma) from repeat buyers' counts and mean repeat-purchase spend."""
        x, m = spend_inputs(frequency, monetary_value)
        w = weights_vector(weights, x.size)
        repeat = (x > 0) & (w > 0)
        if repeat.sum() < 2:
            raise ValueError(
                f"Gamma-Gamma needs at least 2 customers with repeat purchases, got "
                f"{int(repeat.sum())} of {x.size}; fit on a larger customer base"
            )
        collapsed = collapse((x[repeat], m[repeat]), w[repeat])
        (x_u, m_u), w_u = collapsed.columns, collapsed.weights
        start = np.log(np.array([1.0, 1.0, float(np.average(m_u, weights=w_u))]))
        data = _spends(x_u, m_u, w_u)
        estimate = maximise(
            lambda lp, with_hessian: _negative_log_likelihood(lp, data, with_hessian),
            start,
            float(w_u.sum()),
            self.tol,
            COORDINATES,
        )
        self._set_estimate(estimate)
        return self

    def expected_spend(self, frequency: object, monetary_value: object) -> FloatArray:
        """E[M | p, q, gamma, m_x, x] = (gamma + m x) p / (px + q - 1), from the 2013 note.

        Customers with frequency 0 get the population mean p gamma / (q - 1).
        """
        x, m = spend_inputs(frequency, monetary_value)
        p, q, gamma = self._param_vector()
        m = np.where(x > 0, m, 0.0)
        denominator = p * x + q - 1
        bad = denominator <= 0
        if bad.any():
            raise ValueError(
                f"expected spend is infinite for {int(bad.sum())} of {x.size} customers: the "
                f"fitted spend distribution has no finite mean when p x + q <= 1 (q = {q:.4g}); "
                "predict only for repeat buyers or refit on more customers"
            )
        return np.asarray((gamma + m * x) * p / denominator, dtype=np.float64)
