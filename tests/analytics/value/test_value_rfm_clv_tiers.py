"""RFM scores and segments, CLV, cost to serve, profitability and tiers, hand-computed."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl
import pytest

from centricity.analytics.value import (
    DEFAULT_TIER_RULES,
    SEGMENT_GRID,
    SEGMENTS,
    BGNBDModel,
    ChannelCost,
    GammaGammaModel,
    TierRule,
    assign_tiers,
    cost_to_serve,
    customer_lifetime_value,
    discount_factors,
    historic_profitability,
    predicted_profitability,
    rfm_scores,
    rfm_summary,
)

SUMMARY = pl.DataFrame(
    {
        "customer_id": [1, 2, 3, 4, 5],
        "recency_days": [1, 10, 100, 50, 5],
        "frequency": [10, 1, 1, 3, 7],
        "monetary": [500.0, 20.0, 30.0, 100.0, 350.0],
    }
)


def test_it_scores_rfm_quintiles_with_ties_sharing_a_score() -> None:
    scored = rfm_scores(SUMMARY)
    assert scored["r_score"].to_list() == [5, 3, 1, 2, 4]
    assert scored["f_score"].to_list() == [5, 2, 2, 3, 4]  # the two 1s share rank 1.5
    assert scored["m_score"].to_list() == [5, 1, 2, 3, 4]
    assert scored["fm_score"].to_list() == [5, 2, 2, 3, 4]
    assert scored["segment"].to_list() == [
        "Champions",
        "Need attention",
        "Hibernating",
        "At risk",
        "Champions",
    ]


def test_it_maps_every_rfm_cell_to_one_of_the_eleven_segments() -> None:
    cells = [name for row in SEGMENT_GRID for name in row]
    assert len(SEGMENT_GRID) == 5 and all(len(row) == 5 for row in SEGMENT_GRID)
    assert set(cells) == set(SEGMENTS) and len(SEGMENTS) == 11
    assert SEGMENT_GRID[4][0] == "New" and SEGMENT_GRID[0][4] == "Can't lose them"


def test_it_summarises_rfm_combining_same_day_purchases() -> None:
    transactions = pl.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2],
            "date": [
                date(2024, 1, 1),
                date(2024, 1, 1),
                date(2024, 2, 1),
                date(2024, 3, 1),
                date(2024, 4, 1),
            ],
            "amount": [10, 5, 20, 7, 99],
        }
    )
    summary = rfm_summary(transactions, as_of=date(2024, 3, 11))
    assert summary.to_dicts() == [
        {"customer_id": 1, "recency_days": 39, "frequency": 2, "monetary": 35.0},
        {"customer_id": 2, "recency_days": 10, "frequency": 1, "monetary": 7.0},
    ]


def test_it_refuses_rfm_inputs_with_missing_values_or_columns() -> None:
    with pytest.raises(ValueError, match=r"1 of 5 rows have missing R, F or M"):
        rfm_scores(
            SUMMARY.with_columns(
                pl.when(pl.col("customer_id") == 2)
                .then(None)
                .otherwise(pl.col("monetary"))
                .alias("monetary")
            )
        )
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['monetary'\]"):
        rfm_scores(SUMMARY.drop("monetary"))


class LinearPurchases:
    """Stub transaction model: two purchases per period for everyone."""

    def expected_purchases(
        self, t: object, frequency: object, recency: object, T: object
    ) -> np.ndarray:
        del recency, T  # everyone buys at the same rate
        return np.full(np.asarray(frequency).size, 2.0 * float(t))  # type: ignore[arg-type]

    def expected_purchases_curve(
        self, horizons: list[float], frequency: object, recency: object, T: object
    ) -> np.ndarray:
        return np.stack([self.expected_purchases(t, frequency, recency, T) for t in horizons])


class FlatSpend:
    def expected_spend(self, frequency: object, monetary_value: object) -> np.ndarray:
        del monetary_value  # everyone spends the same
        return np.full(np.asarray(frequency).size, 50.0)


def test_it_discounts_expected_margin_per_period() -> None:
    clv = customer_lifetime_value(
        LinearPurchases(),
        FlatSpend(),
        [1],
        [1.0],
        [2.0],
        [50.0],
        horizon=3,
        discount_rate=0.1,
        margin=0.3,
    )
    # 0.3 margin * 50 spend * 2 purchases = 30 per period, at the end of periods 1..3
    assert clv[0] == pytest.approx(30 / 1.1 + 30 / 1.1**2 + 30 / 1.1**3)
    assert discount_factors(2, 0.0).tolist() == [1.0, 1.0]


def test_it_telescopes_to_margin_times_spend_times_purchases_without_discounting() -> None:
    transactions = BGNBDModel.from_json(BGNBD_JSON)
    spend = GammaGammaModel.from_json(GAMMA_GAMMA_JSON)
    args = ([0, 2, 7], [0.0, 30.43, 35.0], [38.86, 38.86, 38.86], [0.0, 22.35, 40.0])
    clv = customer_lifetime_value(
        transactions, spend, *args, horizon=12, period_length=4.345, discount_rate=0.0, margin=0.25
    )
    expected = (
        0.25
        * spend.expected_spend(args[0], args[3])
        * transactions.expected_purchases(12 * 4.345, *args[:3])
    )
    np.testing.assert_allclose(clv, expected, rtol=1e-12)
    discounted = customer_lifetime_value(
        transactions, spend, *args, horizon=12, period_length=4.345, discount_rate=0.01, margin=0.25
    )
    assert np.all(discounted < clv) and np.all(discounted > 0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"horizon": 0}, r"horizon must be a whole number of periods >= 1"),
        ({"discount_rate": -0.1}, r"discount_rate must be a finite rate per period >= 0"),
        ({"margin": 1.5}, r"margin is outside \[0, 1\] for 1 of 1 customers"),
        ({"margin": [0.2, 0.3]}, r"margin has 2 values for 1 customers"),
        ({"period_length": 0.0}, r"period_length must be > 0"),
    ],
)
def test_it_refuses_bad_clv_settings(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        customer_lifetime_value(
            LinearPurchases(), FlatSpend(), [1], [1.0], [2.0], [50.0], **options
        )  # type: ignore[arg-type]


COSTS = {
    "phone": ChannelCost(per_contact=2.0, per_minute=0.5),
    "email": ChannelCost(per_contact=1.0),
}
INTERACTIONS = pl.DataFrame(
    {"customer_id": [1, 1, 2], "channel": ["phone", "email", "phone"], "minutes": [10, 0, 5]}
)


def test_it_costs_contacts_and_minutes_per_channel() -> None:
    costs = cost_to_serve(INTERACTIONS, COSTS)
    assert costs.to_dicts() == [
        {"customer_id": 1, "contacts": 2, "minutes": 10.0, "cost_to_serve": 8.0},
        {"customer_id": 2, "contacts": 1, "minutes": 5.0, "cost_to_serve": 4.5},
    ]


def test_it_computes_historic_and_predicted_profitability() -> None:
    costs = cost_to_serve(INTERACTIONS, COSTS)
    margins = pl.DataFrame({"customer_id": [1, 3], "margin": [20.0, 5.0]})
    historic = historic_profitability(margins, costs)
    assert historic["profitability"].to_list() == [12.0, -4.5, 5.0]
    clv = pl.DataFrame({"customer_id": [1, 2], "clv": [100.0, 10.0]})
    predicted = predicted_profitability(
        clv, costs, observed_periods=2, horizon=2, discount_rate=0.0
    )
    assert predicted["predicted_cost_to_serve"].to_list() == [8.0, 4.5]
    assert predicted["profitability"].to_list() == [92.0, 5.5]
    discounted = predicted_profitability(
        clv, costs, observed_periods=2, horizon=1, discount_rate=0.25
    )
    assert discounted["predicted_cost_to_serve"].to_list() == pytest.approx([3.2, 1.8])


def test_it_refuses_unpriced_channels_and_bad_costs() -> None:
    with pytest.raises(ValueError, match=r"no cost configured for channel\(s\) \['chat'\]"):
        cost_to_serve(INTERACTIONS.with_columns(pl.lit("chat").alias("channel")), COSTS)
    with pytest.raises(
        ValueError, match=r"1 of 3 interactions have a missing or negative duration"
    ):
        cost_to_serve(INTERACTIONS.with_columns(pl.Series("minutes", [1, -2, 3])), COSTS)
    with pytest.raises(ValueError, match=r"ChannelCost.per_minute must be a finite amount >= 0"):
        ChannelCost(per_minute=-1.0)
    with pytest.raises(ValueError, match=r"no channel costs configured"):
        cost_to_serve(INTERACTIONS, {})


CUSTOMERS = pl.DataFrame(
    {
        "customer_id": [1, 2, 3, 4, 5],
        "clv": [100.0, 50.0, 10.0, 5.0, 1000.0],
        "profitability": [10.0, -5.0, 1.0, 0.0, 50.0],
    }
)


def test_it_assigns_default_tiers_by_clv_quantile_and_profitability() -> None:
    # quantiles of [5, 10, 50, 100, 1000]: q.95 = 820, q.80 = 280, q.50 = 50
    tiers = assign_tiers(CUSTOMERS)
    assert tiers["tier"].to_list() == ["Silver", "Bronze", "Bronze", "Bronze", "Platinum"]
    assert [rule.name for rule in DEFAULT_TIER_RULES] == ["Platinum", "Gold", "Silver", "Bronze"]


def test_it_applies_the_first_matching_custom_rule() -> None:
    rules = [
        TierRule("Key", min_clv=90.0),
        TierRule("Care", min_profitability=0.5),
        TierRule("Standard"),
    ]
    assert assign_tiers(CUSTOMERS, rules)["tier"].to_list() == [
        "Key",
        "Standard",
        "Care",
        "Standard",
        "Key",
    ]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([], r"no tier rules given"),
        (
            [TierRule("A", min_clv=1.0), TierRule("A")],
            r"tier names must be unique; repeated: \['A'\]",
        ),
        (
            [TierRule("A"), TierRule("B", min_clv=1.0)],
            r"the last tier rule \('B'\) must have no conditions",
        ),
        ([TierRule("A"), TierRule("B")], r"only the last tier rule may have no conditions"),
        (
            [TierRule("A", min_clv_quantile=1.5), TierRule("B")],
            r"min_clv_quantile must be in \[0, 1\]",
        ),
        ([TierRule("A", min_clv=math.nan), TierRule("B")], r"thresholds must be numbers"),
        ([TierRule(" "), TierRule("B")], r"needs a non-empty name"),
    ],
)
def test_it_refuses_invalid_tier_rules(rules: list[TierRule], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        assign_tiers(CUSTOMERS, rules)


BGNBD_JSON = (
    '{"model": "BGNBDModel", "version": "1", "hyperparameters": {"tol": 1e-9},'
    ' "params": {"r": 0.2426, "alpha": 4.414, "a": 0.7929, "b": 2.426}, "log_likelihood": -9582.4,'
    ' "standard_errors": {"r": 0.0126, "alpha": 0.378, "a": 0.186, "b": 0.705},'
    ' "confidence_intervals": {"r": [0.219, 0.268], "alpha": [3.73, 5.22], "a": [0.5, 1.25],'
    ' "b": [1.37, null]}}'
)
GAMMA_GAMMA_JSON = (
    '{"model": "GammaGammaModel", "version": "1", "hyperparameters": {"tol": 1e-9},'
    ' "params": {"p": 6.25, "q": 3.74, "gamma": 15.44}, "log_likelihood": -4055.9,'
    ' "standard_errors": {"p": 1.19, "q": 0.29, "gamma": 4.16},'
    ' "confidence_intervals": {"p": [4.3, 9.1], "q": [3.2, 4.4], "gamma": [9.1, 26.2]}}'
)


@pytest.mark.parametrize("b", [2.5, 4e9], ids=["hypergeometric", "concentrated-dropout"])
def test_the_purchase_curve_equals_one_horizon_at_a_time(b: float) -> None:
    # The curve shares work between horizons (quadrature plan, P(alive)); each row must be
    # what expected_purchases gives for that horizon alone, on both computation paths.
    model = BGNBDModel.from_json(BGNBD_JSON)
    model.params_ = {**model.params_, "b": b}
    rng = np.random.default_rng(7)
    T = rng.integers(1, 105, 400).astype(float)
    recency = np.floor(T * rng.uniform(0, 1, 400))
    frequency = np.where(recency > 0, rng.integers(1, 40, 400), 0).astype(float)
    horizons = [k * 4.345 for k in range(1, 25)]
    curve = model.expected_purchases_curve(horizons, frequency, recency, T)
    assert curve.shape == (24, 400)
    for row, t in zip(curve, horizons, strict=True):
        np.testing.assert_allclose(
            row, model.expected_purchases(t, frequency, recency, T), rtol=1e-12, atol=1e-15
        )
    assert (np.diff(curve, axis=0) >= 0).all()  # purchases only accumulate
