"""Every ValueError path: what is wrong, how many rows, and how to fix it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from centricity.analytics.value import BGNBDModel, GammaGammaModel, ParetoNBDModel

TRANSACTION_MODELS = [BGNBDModel, ParetoNBDModel]
GOOD = {"frequency": [0, 1, 3, 2], "recency": [0.0, 5.0, 20.0, 9.0], "T": [30.0, 30.0, 25.0, 10.0]}


def with_column(name: str, values: object) -> dict[str, object]:
    return {**GOOD, name: values}


BAD_TRANSACTIONS = [
    pytest.param(
        with_column("recency", [0.0, 5.0, 26.0, 9.0]),
        r"recency exceeds T in 1 of 4 rows \(rows 2\)",
        id="recency>T",
    ),
    pytest.param(
        with_column("recency", [0.0, np.nan, 20.0, 9.0]),
        r"recency is NaN or infinite in 1 of 4 rows",
        id="nan",
    ),
    pytest.param(
        with_column("T", [30.0, np.inf, 25.0, 10.0]),
        r"T is NaN or infinite in 1 of 4 rows",
        id="inf",
    ),
    pytest.param(
        with_column("T", [30.0, 30.0, 25.0]),
        r"mismatched lengths \(frequency=4, recency=4, T=3\)",
        id="lengths",
    ),
    pytest.param(
        with_column("frequency", [0, -1, 3, 2]),
        r"frequency is negative in 1 of 4 rows",
        id="negative-frequency",
    ),
    pytest.param(
        with_column("frequency", [0, 1.5, 3, 2]),
        r"frequency is not a whole number in 1 of 4",
        id="fractional",
    ),
    pytest.param(
        with_column("recency", [0.0, -5.0, 20.0, 9.0]),
        r"recency is negative in 1 of 4 rows",
        id="negative-recency",
    ),
    pytest.param(
        with_column("T", [30.0, 30.0, -1.0, 10.0]), r"T is negative in 1 of 4 rows", id="negative-T"
    ),
    pytest.param(
        with_column("recency", [3.0, 5.0, 20.0, 9.0]),
        r"recency is non-zero for customers without repeat purchases in 1 of 4",
        id="stray-recency",
    ),
    pytest.param(
        {"frequency": [], "recency": [], "T": []}, r"no customers given \(0 rows\)", id="empty"
    ),
    pytest.param(
        with_column("T", [[30.0, 30.0], [25.0, 10.0]]), r"T must be one-dimensional", id="2d"
    ),
    pytest.param(with_column("T", ["a", "b", "c", "d"]), r"T must be numeric", id="text"),
    pytest.param(
        {"frequency": [0, 0, 0], "recency": [0, 0, 0], "T": [5, 6, 7]},
        r"none of the 3 customers made a repeat purchase",
        id="no-repeat",
    ),
    pytest.param(
        {"frequency": [2], "recency": [4.0], "T": [9.0]},
        r"from 1 customer\(s\) sharing a single",
        id="single",
    ),
    pytest.param(
        {"frequency": [2, 2], "recency": [4.0, 4.0], "T": [9.0, 9.0]},
        r"from 2 customer\(s\) sharing a single",
        id="one-profile",
    ),
]


@pytest.mark.parametrize("model_class", TRANSACTION_MODELS)
@pytest.mark.parametrize(("inputs", "message"), BAD_TRANSACTIONS)
def test_it_refuses_bad_transaction_inputs(
    model_class: type[BGNBDModel | ParetoNBDModel], inputs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        model_class().fit(**inputs)


BAD_WEIGHTS = [
    pytest.param(
        [1, -2, 1, 1],
        r"weights is negative in 1 of 4 rows \(rows 1\); weights count customers",
        id="negative",
    ),
    pytest.param([0, 0, 0, 0], r"all 4 weights are zero", id="zero"),
    pytest.param([1, 1, 1], r"mismatched lengths \(rows=4, weights=3\)", id="length"),
    pytest.param([1, np.nan, 1, 1], r"weights is NaN or infinite in 1 of 4", id="nan"),
]


@pytest.mark.parametrize("model_class", TRANSACTION_MODELS)
@pytest.mark.parametrize(("weights", "message"), BAD_WEIGHTS)
def test_it_refuses_bad_weights(
    model_class: type[BGNBDModel | ParetoNBDModel], weights: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        model_class().fit(**GOOD, weights=weights)


@pytest.mark.parametrize("model_class", TRANSACTION_MODELS)
def test_it_refuses_to_predict_before_fitting(
    model_class: type[BGNBDModel | ParetoNBDModel],
) -> None:
    with pytest.raises(ValueError, match="is not fitted; call fit"):
        model_class().probability_alive(**GOOD)


@pytest.mark.parametrize("model_class", TRANSACTION_MODELS)
def test_it_refuses_bad_horizons(model_class: type[BGNBDModel | ParetoNBDModel]) -> None:
    model = model_class().fit(**GOOD, weights=[40, 30, 20, 10])
    with pytest.raises(ValueError, match=r"t is negative in 4 of 4 rows"):
        model.expected_purchases(-1.0, **GOOD)
    with pytest.raises(ValueError, match=r"t has 2 values for 4 customers"):
        model.expected_purchases([1.0, 2.0], **GOOD)
    with pytest.raises(ValueError, match=r"recency exceeds T in 1 of 4"):
        model.probability_alive(**with_column("recency", [0.0, 5.0, 26.0, 9.0]))


def test_it_refuses_non_positive_spend_for_repeat_buyers() -> None:
    with pytest.raises(
        ValueError, match=r"not positive for 2 of 4 customers with repeat purchases"
    ):
        GammaGammaModel().fit([1, 2, 3, 0], [10.0, 0.0, -5.0, 0.0])


@pytest.mark.parametrize(
    ("frequency", "spend", "message"),
    [
        ([1, 0, 0], [10.0, 0.0, 0.0], r"at least 2 customers with repeat purchases, got 1 of 3"),
        ([1, 2], [10.0, np.nan], r"monetary_value is NaN or infinite in 1 of 2"),
        ([1, 2], [10.0], r"mismatched lengths \(frequency=2, monetary_value=1\)"),
        ([1, -2], [10.0, 5.0], r"frequency is negative in 1 of 2"),
    ],
)
def test_it_refuses_bad_spend_inputs(
    frequency: list[float], spend: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        GammaGammaModel().fit(frequency, spend)


def test_it_refuses_an_infinite_population_mean_spend() -> None:
    document = json.loads(GammaGammaModel().fit([1, 2, 3, 1], [10.0, 12.0, 30.0, 8.0]).to_json())
    document["params"]["q"] = 0.9
    model = GammaGammaModel.from_json(json.dumps(document))
    assert model.expected_spend([2], [10.0])[0] > 0
    with pytest.raises(ValueError, match=r"infinite for 1 of 2 customers"):
        model.expected_spend([0, 2], [0.0, 10.0])


def test_it_refuses_json_of_another_model_or_version() -> None:
    text = BGNBDModel().fit(**GOOD, weights=[40, 30, 20, 10]).to_json()
    with pytest.raises(ValueError, match=r"expected a ParetoNBDModel document of version 1"):
        ParetoNBDModel.from_json(text)
    document = json.loads(text)
    document["version"] = "0"
    with pytest.raises(ValueError, match=r"got 'BGNBDModel' version '0'; refit"):
        BGNBDModel.from_json(json.dumps(document))
