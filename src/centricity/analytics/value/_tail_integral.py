"""The Pareto/NBD tail integral and its parameter derivatives, in log space.

The Pareto/NBD likelihood (Fader & Hardie 2005, "A Note on Deriving the Pareto/NBD Model and
Related Expressions", the likelihood) needs

    J(t) = integral from t to infinity of (c + u)^-(k + 1 - b) (d + u)^-b du,   c >= d > 0,
         = (c + t)^-k / k * 2F1(k, b; k + 1; z),   z = (c - d) / (c + t) in [0, 1),

where (c, d) is (alpha, beta) or (beta, alpha), whichever makes z non-negative: the paper's
alpha >= beta and alpha < beta branches. SciPy's ``hyp2f1`` gives J but not its derivatives in
k and b, which an analytic gradient needs, so J is summed here as a series, after Euler's
transformation 2F1(k, b; k+1; z) = (1 - z)^(1-b) 2F1(1, k+1-b; k+1; z):

    J(t) = (c + t)^-k / k  ((d + t) / (c + t))^(1-b)  sum_n (k+1-b)_n / (k+1)_n  z^n,

whose terms shrink monotonically (no overflow for large counts), differentiated term by term.
The loop runs over series terms, never over customers; rows drop out as they converge (at
least geometrically, at rate z). Past MAX_TERMS (z within ~1e-3 of 1: alpha and beta
three orders of magnitude apart, as when the data show no heterogeneity in dropout and s and
beta grow without bound) the rest is estimated as a geometric series: finite, less accurate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import hyp2f1

from centricity.analytics.value._inputs import FloatArray

RELATIVE_TOLERANCE = 1e-16
MAX_TERMS = 4_000
SINGLE_TERMS = 48
BLOCK_TERMS = 512


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
    d_e: FloatArray
    d_k: FloatArray
    d_z: FloatArray


# Rows of the compact state: inputs, the current term's pieces and the four running sums.
E, K1, Z, TERM, SLOPE, DIGAMMA_E, DIGAMMA_K, SUM, SUM_E, SUM_K, SUM_Z = range(11)


def _add_term(state: FloatArray, n: int) -> tuple[FloatArray, FloatArray]:
    """Add term n + 1 in place; return it with the sums' relative change bound and z-slope."""
    e, k1, z = state[E], state[K1], state[Z]
    ratio = (e + n) / (k1 + n)
    state[SLOPE] = ratio * (state[TERM] + z * state[SLOPE])
    state[TERM] *= ratio * z
    state[DIGAMMA_E] += 1 / (e + n)
    state[DIGAMMA_K] += 1 / (k1 + n)
    term = state[TERM]
    state[SUM] += term
    state[SUM_E] += term * state[DIGAMMA_E]
    state[SUM_K] += term * state[DIGAMMA_K]
    state[SUM_Z] += state[SLOPE]
    return term * (1 + state[DIGAMMA_E] + state[DIGAMMA_K]), state[SLOPE]


def _add_block(state: FloatArray, n: int, size: int) -> tuple[FloatArray, FloatArray]:
    """Add terms n + 1 .. n + size at once (cumulative products), for the few slow rows."""
    e, k1, z = state[E][:, None], state[K1][:, None], state[Z][:, None]
    index = n + np.arange(size)
    terms = state[TERM][:, None] * np.cumprod((e + index) / (k1 + index) * z, axis=1)
    digamma_e = state[DIGAMMA_E][:, None] + np.cumsum(1 / (e + index), axis=1)
    digamma_k = state[DIGAMMA_K][:, None] + np.cumsum(1 / (k1 + index), axis=1)
    slopes = terms * (index + 1) / z
    state[SUM] += terms.sum(axis=1)
    state[SUM_E] += (terms * digamma_e).sum(axis=1)
    state[SUM_K] += (terms * digamma_k).sum(axis=1)
    state[SUM_Z] += slopes.sum(axis=1)
    state[TERM], state[SLOPE] = terms[:, -1], slopes[:, -1]
    state[DIGAMMA_E], state[DIGAMMA_K] = digamma_e[:, -1], digamma_k[:, -1]
    return terms[:, -1] * (1 + digamma_e[:, -1] + digamma_k[:, -1]), slopes[:, -1]


def _add_geometric_tail(state: FloatArray, n: int) -> None:
    """Estimate the terms past MAX_TERMS as a geometric series at the current ratio."""
    ratio = (state[E] + n) / (state[K1] + n) * state[Z]
    factor = ratio / (1 - ratio)
    state[SUM] += factor * state[TERM]
    state[SUM_E] += factor * state[TERM] * state[DIGAMMA_E]
    state[SUM_K] += factor * state[TERM] * state[DIGAMMA_K]
    state[SUM_Z] += factor * state[SLOPE]


def _sum_series(e: FloatArray, k1: FloatArray, z: FloatArray) -> _Series:
    """Sum (e)_n / (k1)_n z^n and its derivatives in e, k1 and z to machine precision.

    Terms shrink by (e + n) / (k1 + n) * z < z each step (e < k1), so nothing overflows. Most
    rows converge within a few dozen terms, one term at a time; the rest (z near 1) are
    summed in blocks of BLOCK_TERMS.
    """
    zeros, ones = np.zeros_like(e), np.ones_like(e)
    state = np.stack([e, k1, z, ones, zeros, zeros, zeros, ones, zeros, zeros, zeros])
    result = np.empty((4, e.size))
    rows, n = np.arange(e.size), 0
    while rows.size:
        if n < SINGLE_TERMS:
            for step in range(n, n + 4):
                term, slope = _add_term(state, step)
            n += 4
        else:
            term, slope = _add_block(state, n, BLOCK_TERMS)
            n += BLOCK_TERMS
        done = (term <= RELATIVE_TOLERANCE * state[SUM]) & (
            slope <= RELATIVE_TOLERANCE * state[SUM_Z]
        )
        if n >= MAX_TERMS:
            _add_geometric_tail(state, n)
            done[:] = True
        result[:, rows[done]] = state[SUM:, done]
        state, rows = state[:, ~done], rows[~done]
    return _Series(*result)


def tail_integral(k: FloatArray, b: FloatArray, c: float, d: float, t: FloatArray) -> TailIntegral:
    """log J(t) with its analytic partial derivatives, for c >= d (see the module docstring)."""
    k, b = np.broadcast_to(k, t.shape), np.broadcast_to(b, t.shape)
    sums = _sum_series(
        np.array(k + 1 - b, dtype=np.float64), np.array(k + 1, dtype=np.float64), (c - d) / (c + t)
    )
    log_ct, log_dt = np.log(c + t), np.log(d + t)
    z_ratio = sums.d_z / sums.value
    return TailIntegral(
        log_value=-k * log_ct - np.log(k) + (1 - b) * (log_dt - log_ct) + np.log(sums.value),
        d_k=-log_ct - 1 / k + (sums.d_e - sums.d_k) / sums.value,
        d_b=log_ct - log_dt - sums.d_e / sums.value,
        d_c=-(k + 1 - b) / (c + t) + z_ratio * (d + t) / (c + t) ** 2,
        d_d=(1 - b) / (d + t) - z_ratio / (c + t),
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
