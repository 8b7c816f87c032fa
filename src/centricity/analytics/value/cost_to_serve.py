"""Cost to serve and customer profitability.

Cost to serve is activity-based (Kaplan & Cooper, "Cost & Effect", 1998): every recorded
contact costs a fixed amount for its channel plus a rate per minute of handling time.
Profitability is margin minus cost to serve, both over the same window: historic (margin
earned and contacts logged so far) or predicted (CLV against the cost rate observed so far,
carried over the CLV horizon and discounted the same way).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from centricity.analytics.value.clv import discount_factors


@dataclass(frozen=True)
class ChannelCost:
    """Cost of one contact on a channel: a fixed amount plus a rate per handling minute."""

    per_contact: float = 0.0
    per_minute: float = 0.0

    def __post_init__(self) -> None:
        for name in ("per_contact", "per_minute"):
            value = getattr(self, name)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"ChannelCost.{name} must be a finite amount >= 0, got {value!r}")


def _cost_table(costs: Mapping[str, ChannelCost]) -> pl.DataFrame:
    """The channel cost configuration as a frame to join on."""
    if not costs:
        raise ValueError("no channel costs configured; give at least one channel's ChannelCost")
    return pl.DataFrame(
        {
            "_channel": list(costs),
            "_per_contact": [cost.per_contact for cost in costs.values()],
            "_per_minute": [cost.per_minute for cost in costs.values()],
        }
    )


def _check_interactions(
    interactions: pl.DataFrame,
    costs: Mapping[str, ChannelCost],
    customer_col: str,
    channel_col: str,
    minutes_col: str,
) -> None:
    """Every column present, every duration known and >= 0, every channel priced."""
    missing = [c for c in (customer_col, channel_col, minutes_col) if c not in interactions.columns]
    if missing:
        raise ValueError(f"interactions lack column(s) {missing}; name yours with *_col= arguments")
    minutes = pl.col(minutes_col).cast(pl.Float64)
    bad = interactions.filter(minutes.is_null() | minutes.is_nan() | (minutes < 0)).height
    if bad:
        raise ValueError(
            f"{bad} of {interactions.height} interactions have a missing or negative duration"
        )
    unknown = set(interactions[channel_col].unique().to_list()) - set(costs)
    if unknown:
        raise ValueError(
            f"no cost configured for channel(s) {sorted(map(str, unknown))}; add them to costs"
        )


def cost_to_serve(
    interactions: pl.DataFrame,
    costs: Mapping[str, ChannelCost],
    *,
    customer_col: str = "customer_id",
    channel_col: str = "channel",
    minutes_col: str = "minutes",
) -> pl.DataFrame:
    """Per customer: contacts, minutes and cost to serve (sum of per-contact + per-minute).

    Refuses channels without a configured cost (so no contact is silently free) and negative
    or missing durations. Returns ``customer_col``, ``contacts``, ``minutes``, ``cost_to_serve``.
    """
    table = _cost_table(costs)
    _check_interactions(interactions, costs, customer_col, channel_col, minutes_col)
    minutes = pl.col(minutes_col).cast(pl.Float64)
    priced = interactions.join(table, left_on=channel_col, right_on="_channel", how="left")
    cost = pl.col("_per_contact") + pl.col("_per_minute") * minutes
    return (
        priced.group_by(customer_col)
        .agg(
            pl.len().alias("contacts"),
            minutes.sum().alias("minutes"),
            cost.sum().alias("cost_to_serve"),
        )
        .sort(customer_col)
    )


def _join(
    values: pl.DataFrame, costs: pl.DataFrame, value_col: str, customer_col: str
) -> pl.DataFrame:
    """Full join of values and costs: customers without contacts cost 0, without value earn 0."""
    for frame, column in ((values, value_col), (costs, "cost_to_serve")):
        if customer_col not in frame.columns or column not in frame.columns:
            raise ValueError(
                f"expected columns {customer_col!r} and {column!r}, got {frame.columns}"
            )
    joined = values.select(customer_col, value_col).join(
        costs.select(customer_col, "cost_to_serve"), on=customer_col, how="full", coalesce=True
    )
    return joined.with_columns(
        pl.col(value_col).fill_null(0.0), pl.col("cost_to_serve").fill_null(0.0)
    )


def historic_profitability(
    margins: pl.DataFrame, costs: pl.DataFrame, *, customer_col: str = "customer_id"
) -> pl.DataFrame:
    """Margin earned minus cost to serve over the same past window, per customer.

    ``margins`` has ``customer_col`` and ``margin``; ``costs`` comes from `cost_to_serve`.
    Customers who only contacted us (no margin) appear with a negative profitability.
    """
    joined = _join(margins, costs, "margin", customer_col)
    profit = pl.col("margin") - pl.col("cost_to_serve")
    return joined.with_columns(profit.alias("profitability")).sort(customer_col)


def predicted_profitability(
    clv: pl.DataFrame,
    costs: pl.DataFrame,
    *,
    observed_periods: float,
    horizon: int,
    discount_rate: float,
    customer_col: str = "customer_id",
) -> pl.DataFrame:
    """CLV minus the predicted cost to serve over the CLV horizon, per customer.

    The predicted cost is the historic cost per period (cost to serve / ``observed_periods``)
    paid at the end of each of ``horizon`` periods and discounted at ``discount_rate``, as in
    `customer_lifetime_value`. ``clv`` has ``customer_col`` and ``clv``.
    """
    if not np.isfinite(observed_periods) or observed_periods <= 0:
        raise ValueError(f"observed_periods must be > 0, got {observed_periods!r}")
    annuity = float(discount_factors(horizon, discount_rate).sum())
    joined = _join(clv, costs, "clv", customer_col)
    predicted = pl.col("cost_to_serve") / observed_periods * annuity
    return (
        joined.with_columns(predicted.alias("predicted_cost_to_serve"))
        .with_columns((pl.col("clv") - pl.col("predicted_cost_to_serve")).alias("profitability"))
        .sort(customer_col)
    )
