"""Properties that hold for any input: bounds, monotonicity and invariances (hypothesis)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from centricity.analytics.value import BGNBDModel, GammaGammaModel, ParetoNBDModel

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)
FIT_SETTINGS = settings(max_examples=15, deadline=None, derandomize=True)


def from_params(model_class: type, params: dict[str, float]) -> BGNBDModel | ParetoNBDModel:
    model = model_class()
    model.params_ = params
    return model


@cache
def transaction_models() -> tuple[BGNBDModel | ParetoNBDModel, ...]:
    """Models at the CDNOW estimates and at parameters that stress the formulas."""
    return (
        from_params(BGNBDModel, {"r": 0.2426, "alpha": 4.414, "a": 0.7929, "b": 2.426}),
        from_params(BGNBDModel, {"r": 2.0, "alpha": 1.0, "a": 1.0, "b": 0.5}),
        from_params(BGNBDModel, {"r": 40.0, "alpha": 0.05, "a": 3.0, "b": 0.2}),
        from_params(ParetoNBDModel, {"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.67}),
        from_params(ParetoNBDModel, {"r": 3.0, "alpha": 0.5, "s": 1.0, "beta": 40.0}),
        from_params(ParetoNBDModel, {"r": 0.1, "alpha": 80.0, "s": 5.0, "beta": 0.3}),
    )


@st.composite
def customers(draw: st.DrawFn, size: int = 25) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Consistent (frequency, recency, T): recency <= T, recency 0 without repeat purchases."""
    frequency = draw(arrays(np.float64, size, elements=st.integers(0, 300).map(float)))
    T = draw(arrays(np.float64, size, elements=st.floats(0.01, 500.0)))
    share = draw(arrays(np.float64, size, elements=st.floats(0.0, 1.0)))
    return frequency, np.where(frequency > 0, T * share, 0.0), T


@PROPERTY_SETTINGS
@given(customers(), st.integers(0, 5))
def test_it_keeps_probability_alive_between_0_and_1(
    data: tuple[np.ndarray, np.ndarray, np.ndarray], which: int
) -> None:
    alive = transaction_models()[which].probability_alive(*data)
    assert np.all((alive >= 0) & (alive <= 1))


@PROPERTY_SETTINGS
@given(customers(), st.integers(0, 5), st.floats(0.0, 100.0), st.floats(0.0, 100.0))
def test_it_expects_no_fewer_purchases_over_a_longer_horizon(
    data: tuple[np.ndarray, np.ndarray, np.ndarray], which: int, t: float, extra: float
) -> None:
    model = transaction_models()[which]
    shorter, longer = model.expected_purchases(t, *data), model.expected_purchases(t + extra, *data)
    assert np.all(np.isfinite(longer)) and np.all(shorter >= 0)
    assert np.all(longer >= shorter * (1 - 1e-9) - 1e-12)


@st.composite
def simulated_base(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A few hundred Pareto/NBD customers (CDNOW-like parameters) on a weekly grid.

    The grid repeats profiles, so collapsing changes the rows.
    """
    size = draw(st.integers(200, 400))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    T = rng.integers(20, 40, size).astype(np.float64)
    rate, death = rng.gamma(0.55, 1 / 10.6, size), rng.gamma(0.6, 1 / 11.7, size)
    alive_for = np.minimum(rng.exponential(1 / death), T)
    frequency = rng.poisson(rate * alive_for).astype(np.float64)
    recency = np.where(
        frequency > 0, np.floor(alive_for * rng.beta(np.maximum(frequency, 1), 1)), 0
    )
    return frequency, recency, T


def assert_same_fit(
    first: BGNBDModel | ParetoNBDModel, second: BGNBDModel | ParetoNBDModel
) -> None:
    for name, value in first.params_.items():
        assert np.isclose(second.params_[name], value, rtol=1e-9), name
    assert np.isclose(second.log_likelihood_, first.log_likelihood_, rtol=1e-12)


@FIT_SETTINGS
@given(simulated_base(), st.randoms(use_true_random=False))
def test_it_fits_bgnbd_the_same_whatever_the_row_order(
    data: tuple[np.ndarray, np.ndarray, np.ndarray], random: object
) -> None:
    order = np.arange(data[0].size)
    random.shuffle(order)  # type: ignore[attr-defined]
    first = BGNBDModel().fit(*data)
    assert_same_fit(first, BGNBDModel().fit(*(column[order] for column in data)))


@FIT_SETTINGS
@given(simulated_base())
def test_it_fits_bgnbd_the_same_on_rows_collapsed_into_weights(
    data: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    unique, counts = np.unique(np.column_stack(data), axis=0, return_counts=True)
    first = BGNBDModel().fit(*data)
    assert_same_fit(first, BGNBDModel().fit(*unique.T, weights=counts))


@pytest.mark.parametrize("seed", [5, 9])
def test_it_fits_pareto_nbd_the_same_shuffled_and_collapsed(
    seed: int, simulators: dict[str, Callable[..., tuple[np.ndarray, ...]]]
) -> None:
    # Pareto/NBD fits cost more, so a few seeded bases rather than a hypothesis search
    x, t_x, T = simulators["pareto_nbd"](3_000, 0.55, 10.6, 0.6, 11.7, seed=seed)
    order = np.random.default_rng(seed).permutation(x.size)
    first = ParetoNBDModel().fit(x, t_x, T)
    assert_same_fit(first, ParetoNBDModel().fit(x[order], t_x[order], T[order]))
    unique, counts = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    assert_same_fit(first, ParetoNBDModel().fit(*unique.T, weights=counts))


@FIT_SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_it_fits_gamma_gamma_the_same_on_collapsed_rows_and_ignores_non_buyers(seed: int) -> None:
    rng = np.random.default_rng(seed)
    frequency = rng.integers(0, 4, 60).astype(np.float64)
    spend = np.where(frequency > 0, rng.choice([5.0, 10.0, 20.0, 40.0], 60), 0.0)
    unique, counts = np.unique(np.column_stack([frequency, spend]), axis=0, return_counts=True)
    first = GammaGammaModel().fit(frequency, spend)
    second = GammaGammaModel().fit(*unique.T, weights=counts)
    for name, value in first.params_.items():
        assert np.isclose(second.params_[name], value, rtol=1e-9)
    assert np.all(first.expected_spend(frequency, spend) > 0)
