"""Gamma-Gamma model of spend per transaction: Fader, Hardie & Lee (2005), "RFM and CLV:
Using Iso-Value Curves for Customer Base Analysis", and Fader & Hardie (2013), "The Gamma-Gamma
Model of Monetary Value".

A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, gamma) across customers,
independent of the purchase process. For a customer with x repeat transactions of mean value
m, the likelihood of m is (the 2013 note, equation 4)

    f(m | p, q, gamma, x) = Gamma(px+q) / (Gamma(px) Gamma(q)) gamma^q m^(px-1) x^(px)
                            / (gamma + m x)^(px+q),

and the conditional expected spend (equation 5) is (gamma + m x) p / (px + q - 1).
"""

from __future__ import annotations

from typing import Self

import numpy as np
from scipy.special import digamma, gammaln

from centricity.analytics.value._estimation import ValueModel, maximise
from centricity.analytics.value._inputs import (
    FloatArray,
    as_vector,
    check_non_negative,
    check_same_length,
    check_whole,
    collapse,
    weights_vector,
)

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


def _negative_log_likelihood(
    log_params: FloatArray, x: FloatArray, m: FloatArray, w: FloatArray
) -> tuple[float, FloatArray]:
    """Negative weighted log-likelihood (2013 note, equation 4) and its analytic gradient."""
    params = np.exp(log_params)
    p, q, gamma = params
    px, mx = p * x, m * x
    log_total = np.log(gamma + mx)
    psi_sum = digamma(px + q)
    rows = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_total
    )
    gradient = np.array(
        [
            w @ (x * (psi_sum - digamma(px) + np.log(mx) - log_total)),
            w @ (psi_sum - digamma(q) + np.log(gamma) - log_total),
            w @ (q / gamma - (px + q) / (gamma + mx)),
        ]
    )
    return -float(w @ rows), -gradient * params


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
        estimate = maximise(
            lambda lp: _negative_log_likelihood(lp, x_u, m_u, w_u),
            start,
            float(w_u.sum()),
            self.tol,
            COORDINATES,
        )
        self._set_estimate(estimate)
        return self

    def expected_spend(self, frequency: object, monetary_value: object) -> FloatArray:
        """E[M | p, q, gamma, m_x, x] = (gamma + m x) p / (px + q - 1): the 2013 note, eq. 5.

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
