"""The Pareto/NBD likelihood's hand-written series, gradient and Hessian against independent
evaluations: SciPy's hyp2f1 and central differences."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from scipy.special import hyp2f1

from centricity.analytics.value._pareto_likelihood import (
    negative_log_likelihood,
    profiles,
    series,
)

# (e, k1, z): small and large counts, z from 0 (alpha = beta) to 0.999 (thousands of terms)
SERIES_CASES = [
    (0.55, 2.16, 0.0),
    (0.55, 2.16, 0.05),
    (29.5, 31.2, 0.09),
    (1.6, 31.2, 0.6),
    (0.2, 1.5, 0.93),
    (5.0, 6.0, 0.995),
    (0.3, 1.2, 0.999),
    (1e-3, 1.01, 0.3),
    (300.5, 302.0, 0.5),
    (2.0, 100.0, 0.97),
]
# (r, alpha, s, beta) on both branches (alpha >= beta and alpha < beta), at alpha = beta and
# with alpha and beta three orders of magnitude apart
PARAMS = [
    (0.55, 10.6, 0.6, 11.7),
    (0.55, 11.7, 0.6, 10.6),
    (1.0, 20.0, 1.0, 20.0),
    (2.0, 0.3, 0.1, 50.0),
    (0.3, 100.0, 2.0, 0.5),
    (0.5, 0.05, 1.4, 86.0),
]


def evaluate(e: np.ndarray, k1: np.ndarray, z: np.ndarray) -> np.ndarray:
    return series(e, k1, np.arange(e.size), z)


def test_it_sums_the_series_to_hyp2f1_with_consistent_derivatives() -> None:
    e, k1, z = (np.array(column) for column in zip(*SERIES_CASES, strict=True))
    sums, step = evaluate(e, k1, z), 1e-6
    np.testing.assert_allclose(sums[0], hyp2f1(1, e, k1, z), rtol=1e-13)
    for row, (de, dk, dz) in zip((1, 2, 3), np.eye(3) * step, strict=True):
        difference = hyp2f1(1, e + de, k1 + dk, z + dz) - hyp2f1(1, e - de, k1 - dk, z - dz)
        np.testing.assert_allclose(sums[row], difference / (2 * step), rtol=1e-6)
    # second derivatives: central differences of the series' own first derivatives
    pairs = {4: (1, 0), 5: (1, 1), 6: (2, 1), 7: (1, 2), 8: (2, 2), 9: (3, 2)}
    for row, (first, wrt) in pairs.items():
        shift = np.eye(3)[wrt] * step
        up = evaluate(e + shift[0], k1 + shift[1], z + shift[2])[first]
        down = evaluate(e - shift[0], k1 - shift[1], z - shift[2])[first]
        np.testing.assert_allclose(sums[row], (up - down) / (2 * step), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("params", PARAMS)
def test_it_gives_the_gradient_and_hessian_of_its_likelihood(
    params: tuple[float, ...], simulators: dict[str, Callable[..., tuple[np.ndarray, ...]]]
) -> None:
    x, t_x, T = simulators["pareto_nbd"](400, 0.55, 10.6, 0.6, 11.7, seed=3)
    data = profiles(x, t_x, T, np.ones(x.size))
    log_params, step = np.log(np.array(params)), 1e-5
    _, gradient, hessian = negative_log_likelihood(log_params, data, with_hessian=True)
    assert hessian is not None
    np.testing.assert_allclose(hessian, hessian.T, rtol=1e-12, atol=1e-9)
    for i, shift in enumerate(np.eye(4) * step):
        up = negative_log_likelihood(log_params + shift, data)
        down = negative_log_likelihood(log_params - shift, data)
        assert gradient[i] == pytest.approx((up[0] - down[0]) / (2 * step), rel=1e-6, abs=1e-5)
        np.testing.assert_allclose(
            hessian[:, i], (up[1] - down[1]) / (2 * step), rtol=1e-5, atol=1e-4
        )
