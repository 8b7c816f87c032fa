"""Turn per-customer aggregates into value scores: pure (Polars and the value models only).

Time unit of the purchase models: weeks (as in the literature); CLV periods: months of
30.4375 days, discounted monthly at the yearly rate's monthly equivalent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from centricity.analytics.value import (
    BGNBDModel,
    GammaGammaModel,
    assign_tiers,
    customer_lifetime_value,
    rfm_scores,
)
from centricity.value.config import NOTE_NOT_FITTED, NOTE_UNUSABLE, ValueConfig

__all__ = [
    "NOTE_NOT_FITTED",
    "NOTE_UNUSABLE",
    "ValueConfig",
    "Scores",
    "predict",
    "score",
    "with_costs",
]

DAYS_PER_WEEK = 7.0
DAYS_PER_MONTH = 30.4375
HORIZON_90_DAYS_WEEKS = 90 / DAYS_PER_WEEK


@dataclass
class Scores:
    """Per-customer scores plus what the run learnt (parameters, fit quality, notes)."""

    frame: pl.DataFrame
    stats: dict[str, Any]


def base_frame(orders: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Frequency, recency, tenure and spend per customer from the order aggregates.

    T counts the as-of day itself, so a customer who first bought today has T = 1 day > 0.
    """
    as_of_lit = pl.lit(as_of)
    frame = orders.with_columns(
        (pl.col("purchase_days") - 1).alias("frequency"),
        (pl.col("last_day") - pl.col("first_day")).dt.total_days().alias("recency_days"),
        ((as_of_lit - pl.col("first_day")).dt.total_days() + 1).alias("tenure_days"),
        (as_of_lit - pl.col("last_day")).dt.total_days().alias("days_since_last_order"),
    )
    repeat_revenue = pl.col("revenue") - pl.col("first_day_revenue")
    return frame.with_columns(
        pl.when(pl.col("frequency") > 0)
        .then(repeat_revenue / pl.col("frequency"))
        .otherwise(0.0)
        .alias("monetary_value")
    )


def _fit_models(frame: pl.DataFrame, stats: dict[str, Any]) -> tuple[Any, Any] | None:
    x = frame["frequency"].to_numpy().astype(np.float64)
    t_x = frame["recency_days"].to_numpy() / DAYS_PER_WEEK
    T = frame["tenure_days"].to_numpy() / DAYS_PER_WEEK
    spend = frame["monetary_value"].to_numpy()
    try:
        purchases = BGNBDModel().fit(x, t_x, T)
        spenders = np.where(spend > 0, x, 0.0)
        money = GammaGammaModel().fit(spenders, np.where(spend > 0, spend, 1.0))
    except ValueError as exc:
        stats["model_note"] = f"value models not fitted: {exc}"
        stats["model_note_code"] = NOTE_NOT_FITTED
        return None
    stats["bgnbd"] = {"params": purchases.params_, "log_likelihood": purchases.log_likelihood_}
    stats["gamma_gamma"] = {"params": money.params_}
    return purchases, money


def _no_predictions(frame: pl.DataFrame) -> pl.DataFrame:
    nulls = [
        pl.lit(None, dtype=pl.Float64).alias(c)
        for c in ("probability_alive", "expected_purchases_90d", "expected_spend", "clv")
    ]
    return frame.with_columns(nulls)


def _predictions(frame: pl.DataFrame, config: ValueConfig, stats: dict[str, Any]) -> pl.DataFrame:
    fitted = _fit_models(frame, stats)
    if fitted is None:
        return _no_predictions(frame)
    purchases, money = fitted
    x = frame["frequency"].to_numpy().astype(np.float64)
    t_x = frame["recency_days"].to_numpy() / DAYS_PER_WEEK
    T = frame["tenure_days"].to_numpy() / DAYS_PER_WEEK
    spend = frame["monetary_value"].to_numpy()
    x_spend = np.where(spend > 0, x, 0.0)
    spend_in = np.where(x_spend > 0, spend, 1.0)
    revenue = frame["revenue"].to_numpy()
    share = frame["margin"].to_numpy() / np.where(revenue > 0, revenue, 1.0)
    margin_share = np.where(revenue > 0, share, config.default_margin).clip(0.0, 1.0)
    predicted = {
        "probability_alive": purchases.probability_alive(x, t_x, T),
        "expected_purchases_90d": purchases.expected_purchases(HORIZON_90_DAYS_WEEKS, x, t_x, T),
        "expected_spend": money.expected_spend(x_spend, spend_in),
        "clv": customer_lifetime_value(
            purchases,
            money,
            x_spend,
            t_x,
            T,
            spend_in,
            horizon=config.horizon_months,
            period_length=DAYS_PER_MONTH / DAYS_PER_WEEK,
            discount_rate=config.monthly_discount_rate,
            margin=margin_share,
        ),
    }
    if not all(np.isfinite(values).all() for values in predicted.values()):
        stats["model_note"] = (
            f"value models gave unusable predictions for these {frame.height} customers "
            "(too little purchase history); tiers use historic margin instead"
        )
        stats["model_note_code"] = NOTE_UNUSABLE
        stats.pop("bgnbd", None)
        stats.pop("gamma_gamma", None)
        return _no_predictions(frame)
    return frame.with_columns(pl.Series(name, values) for name, values in predicted.items())


def contact_costs(contacts: pl.DataFrame, config: ValueConfig) -> pl.DataFrame:
    """Cost to serve per customer: contacts × fixed cost + minutes × rate, by channel.

    A channel without a configured cost is priced like "other" so no contact is free.
    """
    fallback = config.contact_costs.get("other", (0.0, 0.0))
    prices = pl.DataFrame(
        [(ch, a, b) for ch, (a, b) in config.contact_costs.items()],
        schema=[("channel", pl.String), ("per_contact", pl.Float64), ("per_minute", pl.Float64)],
        orient="row",
    )
    priced = contacts.join(prices, on="channel", how="left").with_columns(
        pl.col("per_contact").fill_null(fallback[0]), pl.col("per_minute").fill_null(fallback[1])
    )
    cost = pl.col("contacts") * pl.col("per_contact") + pl.col("minutes").fill_null(0.0) * pl.col(
        "per_minute"
    )
    return priced.group_by("customer_id").agg(
        pl.col("contacts").sum().alias("contacts_count"), cost.sum().alias("cost_to_serve")
    )


def _profit(frame: pl.DataFrame, config: ValueConfig) -> pl.DataFrame:
    months = (pl.col("tenure_days") / DAYS_PER_MONTH).clip(lower_bound=1.0)
    factors = (1 + config.monthly_discount_rate) ** -np.arange(1, config.horizon_months + 1)
    predicted_cost = pl.col("cost_to_serve") / months * float(factors.sum())
    return frame.with_columns(
        (pl.col("margin") - pl.col("cost_to_serve")).alias("historic_profit"),
        (pl.col("clv") - predicted_cost).alias("predicted_profit"),
    )


def _tiers(frame: pl.DataFrame, config: ValueConfig) -> pl.DataFrame:
    modelled = frame["clv"].null_count() == 0
    value = pl.col("clv") if modelled else pl.col("margin")
    profit = pl.col("predicted_profit") if modelled else pl.col("historic_profit")
    ranked = frame.with_columns(value.alias("_value"), profit.alias("_profit"))
    tiered = assign_tiers(
        ranked, config.tier_rules(), clv_col="_value", profitability_col="_profit"
    )
    return tiered.drop("_value", "_profit")


def score(
    orders: pl.DataFrame, contacts: pl.DataFrame, *, as_of: date, config: ValueConfig
) -> Scores:
    """All value scores for customers who bought before `as_of` (see module docstring)."""
    return with_costs(predict(orders, as_of=as_of, config=config), contacts, config=config)


def predict(orders: pl.DataFrame, *, as_of: date, config: ValueConfig) -> Scores:
    """The scores that need only the orders: RFM, the purchase and spend models, CLV.

    Split from `with_costs` so a caller can read the contacts while the models fit.
    """
    stats: dict[str, Any] = {"customers": orders.height}
    frame = base_frame(orders, as_of)
    frame = rfm_scores(
        frame.with_columns(pl.col("purchase_days").alias("rfm_frequency")),
        recency_col="days_since_last_order",
        frequency_col="rfm_frequency",
        monetary_col="revenue",
    ).drop("rfm_frequency", "fm_score")
    return Scores(frame=_predictions(frame, config, stats), stats=stats)


def with_costs(predicted: Scores, contacts: pl.DataFrame, *, config: ValueConfig) -> Scores:
    """Add cost to serve, profit and tiers to `predict`'s scores: the finished scores."""
    costs = contact_costs(contacts, config)
    frame = predicted.frame.join(costs, on="customer_id", how="left").with_columns(
        pl.col("contacts_count").fill_null(0), pl.col("cost_to_serve").fill_null(0.0)
    )
    frame = _tiers(_profit(frame, config), config)
    stats = {**predicted.stats, "tiers": dict(frame.group_by("tier").len().iter_rows())}
    return Scores(frame=frame.rename({"orders": "orders_count"}), stats=stats)
