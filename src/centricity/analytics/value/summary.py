"""Per-customer calibration summary (frequency, recency, T, monetary value) from transactions.

Definitions follow Fader, Hardie & Lee (2005): purchases on the same day are one transaction;
frequency x is the number of repeat transactions (all but the first) up to the calibration
end; recency t_x is the age at the last transaction and T the age at the calibration end,
both measured from the first transaction; monetary value is the mean value of the repeat
transactions (the first is excluded, as in the Gamma-Gamma note), 0 when x = 0.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import polars as pl

DAYS_PER_UNIT = {"days": 1.0, "weeks": 7.0}


def _check_columns(transactions: pl.DataFrame, columns: list[str]) -> None:
    """Name the missing columns instead of failing deep inside Polars."""
    missing = [column for column in columns if column not in transactions.columns]
    if missing:
        raise ValueError(
            f"transactions lack column(s) {missing}; present: {transactions.columns}; "
            "pass customer_col=, date_col= and amount_col= to name yours"
        )


def _daily(transactions: pl.DataFrame, customer: str, day: str, amount: str) -> pl.DataFrame:
    """One row per customer and day: same-day purchases combined, amounts summed."""
    dated = transactions.with_columns(pl.col(day).cast(pl.Date), pl.col(amount).cast(pl.Float64))
    bad = dated.filter(pl.col(day).is_null() | pl.col(amount).is_null() | pl.col(amount).is_nan())
    if bad.height:
        raise ValueError(
            f"{bad.height} of {transactions.height} transactions have no date or amount; "
            "drop or fill them before summarising"
        )
    return dated.group_by(customer, day).agg(pl.col(amount).sum())


def summary_from_transactions(
    transactions: pl.DataFrame,
    *,
    calibration_end: date | datetime,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    unit: Literal["days", "weeks"] = "weeks",
) -> pl.DataFrame:
    """Summarise transactions up to ``calibration_end`` (inclusive) per customer.

    Returns columns ``customer_col``, ``frequency``, ``recency``, ``T`` (in ``unit``) and
    ``monetary_value``, sorted by customer; the input the BG/NBD, Pareto/NBD and Gamma-Gamma
    models expect. Customers whose first purchase is after the calibration end are left out.
    """
    if unit not in DAYS_PER_UNIT:
        raise ValueError(f"unit must be 'days' or 'weeks', got {unit!r}")
    _check_columns(transactions, [customer_col, date_col, amount_col])
    end = calibration_end.date() if isinstance(calibration_end, datetime) else calibration_end
    daily = _daily(transactions, customer_col, date_col, amount_col)
    daily = daily.filter(pl.col(date_col) <= end)
    summary = _aggregate(daily, customer_col, date_col, amount_col, end, DAYS_PER_UNIT[unit])
    return summary.sort(customer_col)


def _aggregate(
    daily: pl.DataFrame, customer: str, day: str, amount: str, end: date, per_day: float
) -> pl.DataFrame:
    """frequency, recency, T and mean repeat spend per customer from daily transactions."""
    first = pl.col(day).min()
    repeat_spend = pl.col(amount).sum() - pl.col(amount).sort_by(day).first()
    summary = daily.group_by(customer).agg(
        (pl.len() - 1).cast(pl.Float64).alias("frequency"),
        ((pl.col(day).max() - first).dt.total_days() / per_day).alias("recency"),
        ((pl.lit(end) - first).dt.total_days() / per_day).alias("T"),
        repeat_spend.alias("repeat_spend"),
    )
    monetary = pl.when(pl.col("frequency") > 0).then(pl.col("repeat_spend") / pl.col("frequency"))
    return summary.with_columns(monetary.otherwise(0.0).alias("monetary_value")).drop(
        "repeat_spend"
    )
