"""BG/NBD log-likelihood with its analytic gradient and Hessian.

Equation (6) of Fader, Hardie & Lee (2005), in log space:

    log L = log Gamma(r+x) - log Gamma(r) + r log alpha + log B(a, b+x) - log B(a, b)
            - (r+x) log(alpha+T) + softplus(d),
    d = log a - log(b+x-1) - (r+x) [log(alpha+t_x) - log(alpha+T)]   (d = -inf when x = 0).

The terms that depend on x only are summed over the distinct counts; the rest is vectorised
over the distinct (x, t_x, T) profiles. The Hessian follows from softplus'' = p (1 - p) with
p = expit(d); it gives Newton steps and the standard errors without numerical differencing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from centricity.analytics.value._inputs import FloatArray, collapse, dot, require_identifiable
from centricity.analytics.value._optimise import negated_in_log_parameters


@dataclass(frozen=True)
class Profiles:
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


def profiles(x: FloatArray, t_x: FloatArray, T: FloatArray, weights: FloatArray) -> Profiles:
    """Collapse identical customers and index the distinct purchase counts."""
    collapsed = collapse((x, t_x, T), weights)
    require_identifiable(collapsed, "BG/NBD")
    x, t_x, T = collapsed.columns
    x_values, x_index = np.unique(x, return_inverse=True)
    x_weights = np.bincount(x_index, weights=collapsed.weights).astype(np.float64)
    u_minus_one = np.maximum(x_values - 1, 0.0)
    return Profiles(
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


def rising_factorial_sums(z: FloatArray, top: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """log (z)_u and its first and second derivatives in z, for each z (rows) and u = 0..top.

    log Gamma(z+u) - log Gamma(z) = sum_{j<u} log(z+j): summed directly it stays accurate when
    z is huge (gammaln differences lose every digit there) and needs no special functions.
    """
    terms = z[:, None] + np.arange(top, dtype=np.float64)
    inverse = 1 / terms
    zero = np.zeros((z.size, 1))
    return (
        np.hstack([zero, np.cumsum(np.log(terms), axis=1)]),
        np.hstack([zero, np.cumsum(inverse, axis=1)]),
        np.hstack([zero, -np.cumsum(inverse**2, axis=1)]),
    )


def _count_terms(params: FloatArray, data: Profiles) -> tuple[float, FloatArray, FloatArray]:
    """Weighted sum of the x-only terms, its gradient and Hessian in (r, alpha, a, b).

    log Gamma(r+x)/Gamma(r) + r log alpha + log B(a, b+x)/B(a, b), where the beta-function
    ratio is (b)_x / (a+b)_x, a ratio of rising factorials.
    """
    r, alpha, a, b = params
    weights, total = data.x_weights, data.total_weight
    top, index = int(data.x_values[-1]), data.x_values.astype(np.intp)
    logs, firsts, seconds = (
        part[:, index] @ weights for part in rising_factorial_sums(np.array([r, b, a + b]), top)
    )
    value = logs[0] + logs[1] - logs[2] + total * r * np.log(alpha)
    gradient = np.array(
        [
            firsts[0] + total * np.log(alpha),
            total * r / alpha,
            -firsts[2],
            firsts[1] - firsts[2],
        ]
    )
    hessian = np.zeros((4, 4))
    hessian[0, 0] = seconds[0]
    hessian[0, 1] = hessian[1, 0] = total / alpha
    hessian[1, 1] = -total * r / alpha**2
    hessian[2, 2] = hessian[2, 3] = hessian[3, 2] = -seconds[2]
    hessian[3, 3] = seconds[1] - seconds[2]
    return float(value), gradient, hessian


@dataclass(frozen=True)
class _Rows:
    """Per-profile quantities shared by the row terms' value, gradient and Hessian."""

    rx: FloatArray
    log_t: FloatArray
    gap: FloatArray
    d: FloatArray
    wp: FloatArray
    inverse_t: FloatArray
    inverse_tx: FloatArray
    shifted: FloatArray


def _rows(params: FloatArray, data: Profiles) -> _Rows:
    """Evaluate d (the log odds of the 'dropped out at t_x' term) and its ingredients."""
    r, alpha, a, b = params
    shifted = b + data.u_minus_one
    log_c = np.where(data.repeat_u, np.log(a) - np.log(shifted), -np.inf)
    alpha_t, alpha_tx = alpha + data.T, alpha + data.t_x
    log_t = np.log(alpha_t)
    gap = np.log(alpha_tx) - log_t
    rx = r + data.x
    d = log_c[data.x_index] - rx * gap
    wp = data.weights * expit(d)
    return _Rows(rx, log_t, gap, d, wp, 1 / alpha_t, 1 / alpha_tx, shifted)


def _row_terms(params: FloatArray, data: Profiles, rows: _Rows) -> tuple[float, FloatArray]:
    """Weighted sum of the profile terms and its gradient in (r, alpha, a, b)."""
    w, wp = data.weights, rows.wp
    value = dot(w, np.logaddexp(0.0, rows.d) - rows.rx * rows.log_t)
    wp_u = np.bincount(data.x_index, weights=wp, minlength=data.x_values.size)
    gradient = np.array(
        [
            -dot(w, rows.log_t) - dot(wp, rows.gap),
            -dot(rows.rx, (w - wp) * rows.inverse_t + wp * rows.inverse_tx),
            wp_u.sum() / params[2],
            -(wp_u @ (1.0 / rows.shifted)),
        ]
    )
    return float(value), gradient


def _row_hessian(params: FloatArray, data: Profiles, rows: _Rows) -> FloatArray:
    """Hessian of the profile terms: l1'' + p d'' + p (1 - p) d' d'^T, summed with weights."""
    a = params[2]
    q = rows.inverse_tx - rows.inverse_t
    v = rows.wp * (1 - expit(rows.d))
    jacobian = np.stack([-rows.gap, -rows.rx * q, np.full_like(q, 1 / a)])
    outer = np.einsum("in,jn->ij", jacobian * v, jacobian)
    by_count = np.stack([v * rows.gap, v * rows.rx * q, v])
    sums = np.stack(
        [np.bincount(data.x_index, weights=row, minlength=data.x_values.size) for row in by_count]
    )
    wp_u = np.bincount(data.x_index, weights=rows.wp, minlength=data.x_values.size)
    inverse_shifted = 1.0 / rows.shifted
    hessian = np.zeros((4, 4))
    hessian[:3, :3] = outer
    hessian[:2, 3] = hessian[3, :2] = sums[:2] @ inverse_shifted
    hessian[2, 3] = hessian[3, 2] = -(sums[2] @ inverse_shifted) / a
    hessian[3, 3] = (sums[2] + wp_u) @ inverse_shifted**2
    w = data.weights
    hessian[0, 1] -= dot(w, rows.inverse_t) + dot(rows.wp, q)
    hessian[1, 0] = hessian[0, 1]
    curvature_tx = rows.inverse_tx**2 - rows.inverse_t**2
    hessian[1, 1] += dot(rows.rx, w * rows.inverse_t**2 + rows.wp * curvature_tx)
    hessian[2, 2] -= wp_u.sum() / a**2
    return hessian


def negative_log_likelihood(
    log_params: FloatArray, data: Profiles, with_hessian: bool = False
) -> tuple[float, FloatArray, FloatArray | None]:
    """Negative weighted log-likelihood, gradient and (optionally) Hessian in log-parameters."""
    params = np.exp(log_params)
    count_value, count_gradient, count_hessian = _count_terms(params, data)
    rows = _rows(params, data)
    row_value, row_gradient = _row_terms(params, data, rows)
    gradient = count_gradient + row_gradient
    hessian = count_hessian + _row_hessian(params, data, rows) if with_hessian else None
    return negated_in_log_parameters(count_value + row_value, gradient, hessian, params)
