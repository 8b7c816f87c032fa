"""Parameters used to simulate 200,000 customers are recovered within the 95% intervals."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from centricity.analytics.value import BGNBDModel, GammaGammaModel, ParetoNBDModel

pytestmark = pytest.mark.slow  # simulates and fits 200,000 customers per model

N_CUSTOMERS = 200_000


def assert_recovered(
    model: BGNBDModel | ParetoNBDModel | GammaGammaModel, truth: dict[str, float]
) -> None:
    for name, value in truth.items():
        low, high = model.confidence_intervals_[name]
        assert low <= value <= high, f"{name}={value} outside ({low:.4g}, {high:.4g})"
        assert model.standard_errors_[name] < 0.2 * value


def test_it_recovers_bgnbd_parameters(
    simulators: dict[str, Callable[..., tuple[np.ndarray, ...]]],
) -> None:
    truth = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
    x, t_x, T = simulators["bgnbd"](N_CUSTOMERS, *truth.values(), seed=0)
    assert_recovered(BGNBDModel().fit(x, t_x, T), truth)


def test_it_recovers_pareto_nbd_parameters(
    simulators: dict[str, Callable[..., tuple[np.ndarray, ...]]],
) -> None:
    truth = {"r": 0.55, "alpha": 10.0, "s": 0.6, "beta": 12.0}
    x, t_x, T = simulators["pareto_nbd"](N_CUSTOMERS, *truth.values(), seed=11)
    assert_recovered(ParetoNBDModel().fit(x, t_x, T), truth)


def test_it_recovers_gamma_gamma_parameters(
    simulators: dict[str, Callable[..., tuple[np.ndarray, ...]]],
) -> None:
    truth = {"p": 6.0, "q": 3.8, "gamma": 15.0}
    x, m = simulators["gamma_gamma"](N_CUSTOMERS, *truth.values(), seed=3)
    assert_recovered(GammaGammaModel().fit(x, m), truth)


@pytest.mark.parametrize("seed", [1, 2])
def test_it_recovers_bgnbd_on_a_daily_grid_with_few_distinct_rows(
    simulators: dict[str, Callable[..., tuple[np.ndarray, ...]]], seed: int
) -> None:
    truth = {"r": 0.8, "alpha": 20.0, "a": 1.5, "b": 4.0}
    x, t_x, T = simulators["daily"](*simulators["bgnbd"](20_000, *truth.values(), seed=seed))
    model = BGNBDModel().fit(x, t_x, T)
    for name, value in truth.items():
        low, high = model.confidence_intervals_[name]
        assert low <= value <= high
