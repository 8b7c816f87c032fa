"""Customer lifetime value: discounted expected margin over a finite horizon.

Following Fader, Hardie & Lee (2005, "RFM and CLV", section 4), a transaction model (BG/NBD or
Pareto/NBD) gives the expected number of purchases and the Gamma-Gamma model the expected
spend per purchase, the two being independent. With period length L, horizon H periods,
discount rate d per period and margin share g:

    CLV_i = sum_{k=1..H} g * E[M_i] * (E[Y_i(kL)] - E[Y_i((k-1)L)]) / (1 + d)^k,

i.e. each period's expected purchases are valued at the end of that period.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from centricity.analytics.value._inputs import FloatArray, as_vector


class TransactionModel(Protocol):
    """A fitted purchase-count model: BGNBDModel or ParetoNBDModel."""

    def expected_purchases(
        self, t: object, frequency: object, recency: object, T: object
    ) -> FloatArray:
        """Expected purchases in the next t periods, per customer."""
        ...

    def expected_purchases_curve(
        self, horizons: Sequence[float], frequency: object, recency: object, T: object
    ) -> FloatArray:
        """Expected purchases for each horizon (rows) and customer (columns)."""
        ...


class SpendModel(Protocol):
    """A fitted spend model: GammaGammaModel."""

    def expected_spend(self, frequency: object, monetary_value: object) -> FloatArray:
        """Expected spend per future purchase, per customer."""
        ...


def discount_factors(horizon: int, discount_rate: float) -> FloatArray:
    """1 / (1 + d)^k for periods k = 1..H: value at the end of each period."""
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValueError(f"horizon must be a whole number of periods >= 1, got {horizon!r}")
    if not np.isfinite(discount_rate) or discount_rate < 0:
        raise ValueError(
            f"discount_rate must be a finite rate per period >= 0, got {discount_rate!r}"
        )
    return np.asarray((1.0 + discount_rate) ** -np.arange(1, horizon + 1), dtype=np.float64)


def _margin_vector(margin: object, size: int) -> FloatArray:
    """Margin as a share of spend in [0, 1], one for all customers or one per customer."""
    values = np.asarray(margin, dtype=np.float64)
    values = as_vector("margin", np.full(size, values.item()) if values.size == 1 else values)
    if values.size != size:
        raise ValueError(
            f"margin has {values.size} values for {size} customers; pass one or one each"
        )
    bad = (values < 0) | (values > 1)
    if bad.any():
        raise ValueError(
            f"margin is outside [0, 1] for {int(bad.sum())} of {size} customers; pass the gross "
            "margin as a share of spend (0.3 for 30%)"
        )
    return values


def customer_lifetime_value(
    transaction_model: TransactionModel,
    spend_model: SpendModel,
    frequency: object,
    recency: object,
    T: object,
    monetary_value: object,
    *,
    horizon: int = 12,
    period_length: float = 1.0,
    discount_rate: float = 0.01,
    margin: object = 1.0,
) -> FloatArray:
    """Discounted expected margin of each customer over ``horizon`` periods (formula above).

    ``period_length`` is the length of a period in the models' time unit (e.g. 4.345 weeks
    per month when the models were fitted in weeks) and ``discount_rate`` is per period.
    """
    if not np.isfinite(period_length) or period_length <= 0:
        raise ValueError(f"period_length must be > 0 model time units, got {period_length!r}")
    factors = discount_factors(horizon, discount_rate)
    spend = spend_model.expected_spend(frequency, monetary_value)
    shares = _margin_vector(margin, spend.size)
    horizons = [k * period_length for k in range(1, factors.size + 1)]
    curve = transaction_model.expected_purchases_curve(horizons, frequency, recency, T)
    value, previous = np.zeros(spend.size), np.zeros(spend.size)
    for factor, cumulative in zip(factors, curve, strict=True):
        value += factor * (cumulative - previous)
        previous = cumulative
    return np.asarray(value * spend * shares, dtype=np.float64)
