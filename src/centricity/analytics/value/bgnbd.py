"""BG/NBD model of repeat purchasing: Fader, Hardie & Lee (2005), Marketing Science 24(2).

While active, a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each repeat
purchase they become inactive with probability p ~ Beta(a, b). The likelihood is equation
(6) of the paper and the conditional expectation equation (10); probability alive follows
Fader, Hardie & Lee's note "Computing P(alive) using the BG/NBD model" (2008).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np
from scipy.special import expit, hyp2f1, roots_jacobi, roots_legendre

from centricity.analytics.value._bgnbd_likelihood import (
    Profiles,
    negative_log_likelihood,
    profiles,
)
from centricity.analytics.value._estimation import ValueModel
from centricity.analytics.value._inputs import (
    FloatArray,
    IntArray,
    horizon_vector,
    transaction_inputs,
)
from centricity.analytics.value._optimise import maximise

ONE_EPSILON = 1e-7  # a = 1 is a removable singularity of equation (10)
QUADRATURE_NODES = 96
CONCENTRATED_BETA = 1e3  # a + b above which Beta(a, b) is treated as concentrated
# Optimise over (log r, log alpha - log r, log a, log b - log a): the mean purchase rate and
# mean dropout odds are well identified, the raw pairs are strongly correlated.
COORDINATES = np.array([[1.0, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 1]])


def _start(data: Profiles) -> FloatArray:
    """Starting point: r = 0.5 with alpha set so that r/alpha is twice the observed purchase
    rate (the rate while active exceeds the average), a = 1 and b = 2."""
    mean_t = float(np.average(data.T, weights=data.weights))
    mean_x = float(np.average(data.x, weights=data.weights))
    return np.log(np.array([0.5, 0.25 * mean_t / max(mean_x, 1e-6), 1.0, 2.0], dtype=np.float64))


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
        data = profiles(*transaction_inputs(frequency, recency, T, weights))
        estimate = maximise(
            lambda lp, with_hessian: negative_log_likelihood(lp, data, with_hessian),
            _start(data),
            data.total_weight,
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
        """P(active | x, t_x, T), from FHL's P(alive) note; 1 for customers with x = 0."""
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
        params = self._param_vector()
        if_alive = _expected_if_alive(params, x, t_obs, horizon)
        alive = expit(-self._log_odds_dead(x, t_x, t_obs))
        return np.asarray(np.maximum(if_alive * alive, 0.0), dtype=np.float64)

    def expected_purchases_curve(
        self, horizons: Sequence[float], frequency: object, recency: object, T: object
    ) -> FloatArray:
        """E[Y(t) | x, t_x, T] for each horizon t (one row per horizon), as
        `expected_purchases` gives them one by one.

        A CLV asks for 24 monthly horizons; probability alive, the quadrature nodes and the
        customers' grouping by count and age are worked out once for all of them (1M
        customers on the quadrature path: 7.3 s -> 1.1 s for 24 horizons, measured).
        """
        x, t_x, t_obs, _ = transaction_inputs(frequency, recency, T, None)
        params = self._param_vector()
        r, alpha, a, b = params
        alive = expit(-self._log_odds_dead(x, t_x, t_obs))
        curve = np.empty((len(horizons), x.size), dtype=np.float64)
        plan = _plan(params, x, 1.0 / (alpha + t_obs)) if a + b >= CONCENTRATED_BETA else None
        for k, t in enumerate(horizons):
            if plan is None:
                if_alive = _expected_if_alive(params, x, t_obs, horizon_vector(t, x.size))
            else:
                if_alive = _integrate(r, plan, float(t), x.size)
            curve[k] = np.maximum(if_alive * alive, 0.0)
        return curve


def _expected_if_alive(
    params: FloatArray, x: FloatArray, T: FloatArray, t: FloatArray
) -> FloatArray:
    """E[Y(t) | alive at T]: the bracket of equation (10) times (a+b+x-1)/(a-1).

    SciPy's hyp2f1 returns NaN for some large-count, long-horizon rows (e.g. a+b-1-r very
    negative with z near 1) and is unreliable when a and b are huge (no heterogeneity in the
    dropout probability); those rows are integrated over the posterior of p instead.
    """
    r, alpha, a, b = params
    a = a if abs(a - 1) > ONE_EPSILON else 1 + ONE_EPSILON
    z = t / (alpha + T + t)
    expected = np.full(x.size, np.nan)
    if a + b < CONCENTRATED_BETA:
        with np.errstate(invalid="ignore", over="ignore"):
            tail = (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
            expected = np.asarray((a + b + x - 1) / (a - 1) * (1 - tail), dtype=np.float64)
    bad = ~np.isfinite(expected)
    if bad.any():
        scaled_t = t[bad] / (alpha + T[bad])
        expected[bad] = _integrate(r, _plan(params, x[bad], scaled_t), 1.0, int(bad.sum()))
    return expected


@functools.cache
def _legendre() -> tuple[FloatArray, FloatArray]:
    return roots_legendre(QUADRATURE_NODES)  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=4096)
def _beta_nodes(a: float, b: float) -> tuple[FloatArray, FloatArray]:
    """Quadrature nodes in (0, 1) and normalised weights for the Beta(a, b) distribution.

    Gauss-Jacobi in general; for a concentrated Beta (a + b large) Gauss-Legendre over
    mean +- 12 sd weighted by the density, where Jacobi's recurrences break down. Cached:
    every horizon of a CLV asks again for the same counts.
    """
    if a + b < CONCENTRATED_BETA:
        nodes, weights = roots_jacobi(QUADRATURE_NODES, b - 1, a - 1)
        return _frozen((1 + nodes) / 2), _frozen(weights / weights.sum())
    mean, spread = a / (a + b), 12 * np.sqrt(a * b / (a + b) ** 2 / (a + b + 1))
    low, high = max(mean - spread, 1e-300), min(mean + spread, 1 - 1e-16)
    nodes, weights = _legendre()
    p = low + (high - low) * (1 + nodes) / 2
    log_density = (a - 1) * np.log(p) + (b - 1) * np.log1p(-p)
    density = weights * np.exp(log_density - log_density.max())
    return _frozen(p), _frozen(density / density.sum())


def _frozen(values: FloatArray) -> FloatArray:
    values.setflags(write=False)
    return values


@dataclass(frozen=True)
class _CountGroup:
    """The customers with one purchase count, their distinct scales, and the Beta nodes."""

    count: float
    rows: IntArray
    scales: FloatArray
    back: IntArray
    p: FloatArray
    weights: FloatArray


def _plan(params: FloatArray, x: FloatArray, scale: FloatArray) -> list[_CountGroup]:
    """Group customers by purchase count and, within a count, by distinct `scale`.

    Customers share counts and ages, so each distinct (count, scale) is integrated once
    (1M customers: ~1,000 distinct ages per count, 33 s -> 3 s for a 24-month CLV).
    """
    _, _, a, b = params
    order = np.argsort(x, kind="stable")
    counts, starts = np.unique(x[order], return_index=True)
    groups = []
    for count, rows in zip(counts, np.split(order, starts[1:]), strict=True):
        scales, back = np.unique(scale[rows], return_inverse=True)
        p, weights = _beta_nodes(float(a), float(b + count))
        groups.append(_CountGroup(float(count), rows, scales, back, p, weights))
    return groups


def _integrate(r: float, plan: list[_CountGroup], t: float, size: int) -> FloatArray:
    """E[(1 - (1 + p t s)^-(r+x)) / p] over p ~ Beta(a, b+x) for each customer of a plan,
    where s is the customer's scale (1/(alpha+T), or t/(alpha+T) with t = 1).

    Given alive, lambda ~ Gamma(r+x, alpha+T) and p ~ Beta(a, b+x), and a customer with rate
    lambda and dropout p expects (1 - exp(-lambda p t)) / p purchases in t (FHL 2005, sec. 4).
    """
    expected = np.empty(size, dtype=np.float64)
    for group in plan:
        growth = np.log1p(np.outer(t * group.scales, group.p))
        values = (-np.expm1(-(r + group.count) * growth) / group.p) @ group.weights
        expected[group.rows] = values[group.back]
    return expected
