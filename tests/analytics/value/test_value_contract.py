"""The estimator contract (scikit-learn style) and JSON persistence; the summary builder."""

from __future__ import annotations

import json
from datetime import date, datetime

import numpy as np
import polars as pl
import pytest

from centricity.analytics.value import (
    BGNBDModel,
    GammaGammaModel,
    ParetoNBDModel,
    summary_from_transactions,
)

X = np.array([0, 1, 3, 2, 0, 5, 1, 0, 2, 4], dtype=float)
T = np.array([30, 30, 25, 10, 12, 40, 33, 8, 20, 39], dtype=float)
RECENCY = np.where(X > 0, T * np.array([0, 0.2, 0.9, 0.5, 0, 0.95, 0.1, 0, 0.6, 0.3]), 0.0)
SPEND = np.where(X > 0, np.array([0, 12.0, 30.0, 18.0, 0, 44.0, 9.0, 0, 21.0, 25.0]), 0.0)


@pytest.fixture(scope="module", params=[BGNBDModel, ParetoNBDModel])
def fitted(request: pytest.FixtureRequest) -> BGNBDModel | ParetoNBDModel:
    return request.param().fit(X, RECENCY, T, weights=np.arange(10, 20))


def test_it_stores_only_hyperparameters_before_fitting() -> None:
    for model_class in (BGNBDModel, ParetoNBDModel, GammaGammaModel):
        assert vars(model_class(tol=1e-7)) == {"tol": 1e-7}


def test_it_keeps_no_training_data_after_fitting(fitted: BGNBDModel | ParetoNBDModel) -> None:
    learned = {k: v for k, v in vars(fitted).items() if k != "tol"}
    assert set(learned) == {
        "params_",
        "log_likelihood_",
        "standard_errors_",
        "confidence_intervals_",
    }
    assert not any(isinstance(v, np.ndarray) for v in learned.values())
    assert isinstance(fitted.log_likelihood_, float) and np.isfinite(fitted.log_likelihood_)
    for name, (low, high) in fitted.confidence_intervals_.items():
        assert low <= fitted.params_[name] <= high


def test_it_returns_itself_and_pure_predictions(fitted: BGNBDModel | ParetoNBDModel) -> None:
    before = X.copy()
    first = fitted.expected_purchases(10.0, X, RECENCY, T)
    assert np.array_equal(first, fitted.expected_purchases(10.0, X, RECENCY, T))
    assert np.array_equal(X, before)
    assert isinstance(first, np.ndarray) and first.shape == X.shape


def test_it_round_trips_through_json(fitted: BGNBDModel | ParetoNBDModel) -> None:
    text = fitted.to_json()
    document = json.loads(text)
    assert document["model"] == type(fitted).__name__ and document["version"] == "1"
    restored = type(fitted).from_json(text)
    assert restored.params_ == fitted.params_
    assert restored.confidence_intervals_ == fitted.confidence_intervals_
    np.testing.assert_array_equal(
        restored.probability_alive(X, RECENCY, T), fitted.probability_alive(X, RECENCY, T)
    )


def test_it_accepts_lists_and_polars_series() -> None:
    model = BGNBDModel().fit(list(X), list(RECENCY), list(T), weights=list(range(10, 20)))
    again = BGNBDModel().fit(
        pl.Series(X), pl.Series(RECENCY), pl.Series(T), pl.Series(range(10, 20))
    )
    assert model.params_ == again.params_
    spend = GammaGammaModel().fit(pl.Series(X), pl.Series(SPEND))
    assert spend.expected_spend([0, 2], [0.0, 20.0]).shape == (2,)


def test_it_summarises_transactions_in_days_and_weeks() -> None:
    transactions = pl.DataFrame(
        {
            "customer": ["a", "a", "a", "a", "b", "c"],
            "day": [
                datetime(2024, 1, 1, 9),
                datetime(2024, 1, 1, 17),
                datetime(2024, 1, 8),
                datetime(2024, 1, 15),
                datetime(2024, 1, 29),
                datetime(2024, 2, 5),
            ],
            "value": [10.0, 5.0, 20.0, 40.0, 7.0, 3.0],
        }
    )
    days = summary_from_transactions(
        transactions,
        calibration_end=date(2024, 1, 29),
        customer_col="customer",
        date_col="day",
        amount_col="value",
        unit="days",
    )
    assert days.to_dicts() == [
        {"customer": "a", "frequency": 2.0, "recency": 14.0, "T": 28.0, "monetary_value": 30.0},
        {"customer": "b", "frequency": 0.0, "recency": 0.0, "T": 0.0, "monetary_value": 0.0},
    ]
    weeks = summary_from_transactions(
        transactions,
        calibration_end=date(2024, 1, 29),
        customer_col="customer",
        date_col="day",
        amount_col="value",
    )
    assert weeks["recency"].to_list() == [2.0, 0.0] and weeks["T"].to_list() == [4.0, 0.0]


def test_it_refuses_transactions_without_the_named_columns_or_values() -> None:
    frame = pl.DataFrame({"customer_id": [1], "date": [date(2024, 1, 1)], "amount": [None]})
    with pytest.raises(ValueError, match=r"1 of 1 transactions have no date or amount"):
        summary_from_transactions(frame, calibration_end=date(2024, 2, 1))
    with pytest.raises(ValueError, match=r"lack column\(s\) \['amount'\]"):
        summary_from_transactions(frame.drop("amount"), calibration_end=date(2024, 2, 1))
    with pytest.raises(ValueError, match=r"unit must be 'days' or 'weeks'"):
        summary_from_transactions(frame, calibration_end=date(2024, 2, 1), unit="months")  # type: ignore[arg-type]


def test_it_accepts_customers_first_seen_on_the_calibration_end_day() -> None:
    # T = 0 (first purchase on the last day) carries no information but is valid input
    with_newcomer = BGNBDModel().fit(np.append(X, 0), np.append(RECENCY, 0), np.append(T, 0))
    assert with_newcomer.params_ == pytest.approx(BGNBDModel().fit(X, RECENCY, T).params_)
    assert with_newcomer.probability_alive([0], [0.0], [0.0])[0] == 1.0
