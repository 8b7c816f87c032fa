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
import numpy.typing as npt
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

    def take(self, index: npt.NDArray[np.intp]) -> TailIntegral:
        """The rows at ``index``, e.g. to spread distinct points back to customers."""
        return TailIntegral(
            self.log_value[index],
            self.d_k[index],
            self.d_b[index],
            self.d_c[index],
            self.d_d[index],
        )


@dataclass
class _Series:
    """Running sums of the series and of its derivatives in k, b and z."""

    value: FloatArray
    d_k: FloatArray
    d_b: FloatArray
    d_z: FloatArray


# Rows of the compact state: inputs, the current term's pieces and the four running sums.
K, B, Z, COEFFICIENT, SLOPE, DIGAMMA_GAP, SUM, SUM_K, SUM_B, SUM_Z = range(10)


def _add_term(state: FloatArray, n: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Add term n + 1 to the sums in place; return the term, its z-slope part and z growth."""
    k, b, z = state[K], state[B], state[Z]
    growth = (b + n) / (n + 1)
    state[SLOPE] = growth * (state[COEFFICIENT] + z * state[SLOPE])
    state[COEFFICIENT] *= growth * z
    state[DIGAMMA_GAP] += 1 / (b + n)
    inverse = 1 / (k + n + 1)
    term = state[COEFFICIENT] * inverse
    slope_term = state[SLOPE] * inverse
    state[SUM] += term
    state[SUM_K] -= term * inverse
    state[SUM_B] += term * state[DIGAMMA_GAP]
    state[SUM_Z] += slope_term
    return term, slope_term, growth * z


def _sum_series(k: FloatArray, b: FloatArray, z: FloatArray) -> _Series:
    """Sum (b)_n z^n / (n! (k + n)) and its k, b and z derivatives to machine precision."""
    zeros = np.zeros_like(k)
    state = np.stack([k, b, z, np.ones_like(k), zeros, zeros, 1 / k, -1 / k**2, zeros, zeros])
    result = np.empty((4, k.size))
    rows = np.arange(k.size)
    for n in range(MAX_TERMS):
        term, slope_term, ratio = _add_term(state, n)
        done = (
            (term * (1 + state[DIGAMMA_GAP]) <= RELATIVE_TOLERANCE * state[SUM])
            & (slope_term <= RELATIVE_TOLERANCE * state[SUM_Z])
            & (ratio < 1)
        )
        if done.all() or n == MAX_TERMS - 1:
            result[:, rows] = state[SUM:]
            break
        if n % 4 == 3 and done.any():
            result[:, rows[done]] = state[SUM:, done]
            state, rows = state[:, ~done], rows[~done]
    return _Series(*result)


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
