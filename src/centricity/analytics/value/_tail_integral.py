"""The Pareto/NBD tail integral and its parameter derivatives, in log space.

The Pareto/NBD likelihood (Fader & Hardie 2005, "A Note on Deriving the Pareto/NBD Model and
Related Expressions", equation 19) needs

    J(t) = integral from t to infinity of (c + u)^-(k + 1 - b) (d + u)^-b du,   c >= d > 0,
         = (c + t)^-k / k * 2F1(k, b; k + 1; z),   z = (c - d) / (c + t) in [0, 1),

where (c, d) is (alpha, beta) or (beta, alpha), whichever makes z non-negative: the paper's
alpha >= beta and alpha < beta branches. SciPy's ``hyp2f1`` gives J but not its derivatives in
k and b, which an analytic gradient needs, so J is summed here as the hypergeometric series

    J(t) = (c + t)^-k  sum_n (b)_n / n!  z^n / (k + n),

differentiated term by term. The loop runs over series terms, never over customers; rows drop
out as they converge (geometrically, at rate z).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import hyp2f1

from centricity.analytics.value._inputs import FloatArray

RELATIVE_TOLERANCE = 1e-16
MAX_TERMS = 100_000


@dataclass(frozen=True)
class TailIntegral:
    """log J(t) and its partial derivatives in k, b, c and d, one row per t."""

    log_value: FloatArray
    d_k: FloatArray
    d_b: FloatArray
    d_c: FloatArray
    d_d: FloatArray


@dataclass
class _Series:
    """Running sums of the series and of its derivatives in k, b and z."""

    value: FloatArray
    d_k: FloatArray
    d_b: FloatArray
    d_z: FloatArray


def _sum_series(k: FloatArray, b: FloatArray, z: FloatArray) -> _Series:
    """Sum (b)_n z^n / (n! (k + n)) and its k, b and z derivatives to machine precision."""
    sums = _Series(1 / k, -1 / k**2, np.zeros_like(k), np.zeros_like(k))
    active = np.arange(k.size)
    coefficient, slope, digamma_gap = np.ones_like(k), np.zeros_like(k), np.zeros_like(k)
    for n in range(MAX_TERMS):
        kk, bb, zz = k[active], b[active], z[active]
        growth = (bb + n) / (n + 1)
        slope = growth * (coefficient + zz * slope)
        coefficient = growth * zz * coefficient
        digamma_gap = digamma_gap + 1 / (bb + n)
        inverse = 1 / (kk + n + 1)
        term = coefficient * inverse
        sums.value[active] += term
        sums.d_k[active] -= term * inverse
        sums.d_b[active] += term * digamma_gap
        sums.d_z[active] += slope * inverse
        small = term * (1 + digamma_gap) <= RELATIVE_TOLERANCE * sums.value[active]
        done = (
            small & (slope * inverse <= RELATIVE_TOLERANCE * sums.d_z[active]) & (growth * zz < 1)
        )
        if done.all():
            break
        keep = ~done
        active, coefficient, slope, digamma_gap = (
            active[keep],
            coefficient[keep],
            slope[keep],
            digamma_gap[keep],
        )
    return sums


def tail_integral(k: FloatArray, b: FloatArray, c: float, d: float, t: FloatArray) -> TailIntegral:
    """log J(t) with its analytic partial derivatives, for c >= d (see the module docstring)."""
    k, b = np.broadcast_to(k, t.shape), np.broadcast_to(b, t.shape)
    z = (c - d) / (c + t)
    sums = _sum_series(np.array(k, dtype=np.float64), np.array(b, dtype=np.float64), z)
    log_ct = np.log(c + t)
    dz_ratio = sums.d_z / sums.value
    return TailIntegral(
        log_value=-k * log_ct + np.log(sums.value),
        d_k=-log_ct + sums.d_k / sums.value,
        d_b=sums.d_b / sums.value,
        d_c=-k / (c + t) + dz_ratio * (d + t) / (c + t) ** 2,
        d_d=-dz_ratio / (c + t),
    )


def log_tail_integral(
    k: FloatArray, b: FloatArray, c: float, d: float, t: FloatArray
) -> FloatArray:
    """log J(t) from SciPy's hyp2f1 (the closed form); the series where hyp2f1 is not finite."""
    z = (c - d) / (c + t)
    k, b = np.broadcast_to(k, t.shape), np.broadcast_to(b, t.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = -k * np.log(c + t) + np.log(hyp2f1(k, b, k + 1, z)) - np.log(k)
    bad = ~np.isfinite(value)
    if bad.any():
        value = np.array(value, dtype=np.float64)
        value[bad] = tail_integral(k[bad], b[bad], c, d, t[bad]).log_value
    return np.asarray(value, dtype=np.float64)
