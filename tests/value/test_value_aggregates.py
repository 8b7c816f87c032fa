"""The per-customer aggregates: one Ibis expression, the same answers on every engine."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest
from sqlalchemy.orm import Session

from centricity.analytics import io
from value_data import AS_OF, Seeded, seed_history


def _expected(seeded: Seeded, as_of: date, default_margin: float) -> pl.DataFrame:
    """The same aggregates computed in Python from the raw rows (the reference)."""
    rows = [
        o for o in seeded.orders if o["status"] == "completed" and o["ordered_at"].date() <= as_of
    ]  # type: ignore[attr-defined]
    frame = pl.DataFrame(
        {
            "customer_id": [o["customer_id"] for o in rows],
            "day": [o["ordered_at"].date() for o in rows],  # type: ignore[attr-defined]
            "amount": [float(o["total_amount"]) for o in rows],  # type: ignore[arg-type]
            "margin": [
                float(o["total_amount"]) - float(o["cost"])  # type: ignore[arg-type]
                if o["cost"] is not None
                else float(o["total_amount"]) * default_margin
                for o in rows
            ],  # type: ignore[arg-type]
        }
    )
    daily = frame.group_by("customer_id", "day").agg(
        pl.col("amount").sum(), pl.col("margin").sum(), pl.len().alias("orders")
    )
    return (
        daily.sort("day")
        .group_by("customer_id")
        .agg(
            pl.col("day").min().alias("first_day"),
            pl.col("day").max().alias("last_day"),
            pl.len().alias("purchase_days"),
            pl.col("orders").sum(),
            pl.col("amount").sum().alias("revenue"),
            pl.col("amount").first().alias("first_day_revenue"),
            pl.col("margin").sum(),
        )
        .sort("customer_id")
    )


def _normalise(frame: pl.DataFrame) -> pl.DataFrame:
    dates = [
        io.as_date(c) if frame.schema[c] == pl.String else pl.col(c)
        for c in ("first_day", "last_day")
    ]
    return (
        frame.with_columns(dates)
        .with_columns(
            pl.col("orders").cast(pl.Int64),
            pl.col("purchase_days").cast(pl.Int64),
            pl.col("customer_id").cast(pl.Int64),
        )
        .select(_expected_columns())
        .sort("customer_id")
    )


def _expected_columns() -> list[str]:
    return [
        "customer_id",
        "first_day",
        "last_day",
        "purchase_days",
        "orders",
        "revenue",
        "first_day_revenue",
        "margin",
    ]


def _assert_same(got: pl.DataFrame, want: pl.DataFrame) -> None:
    want = _normalise(want)
    got = _normalise(got)
    assert got.height == want.height > 50
    for column in _expected_columns():
        if want.schema[column] == pl.Float64:
            assert (got[column] - want[column]).abs().max() < 1e-6, column
        else:
            assert got[column].to_list() == want[column].to_list(), column


def test_it_aggregates_orders_in_the_store(db: Session) -> None:
    seeded = seed_history(db)
    got = io.fetch(db, io.order_aggregates(AS_OF, 0.3))
    _assert_same(got, _expected(seeded, AS_OF, 0.3))


def test_it_ignores_orders_after_the_as_of_date(db: Session) -> None:
    seeded = seed_history(db)
    early = date(2025, 9, 30)
    _assert_same(io.fetch(db, io.order_aggregates(early, 0.3)), _expected(seeded, early, 0.3))


@pytest.fixture()
def duck(db: Session) -> tuple[duckdb.DuckDBPyConnection, Seeded]:
    """A DuckDB database holding the same rows as the seeded store."""
    seeded = seed_history(db)
    con = duckdb.connect()
    orders = pl.DataFrame(seeded.orders).with_columns(
        pl.col("ordered_at").dt.replace_time_zone(None),
        pl.col("total_amount").cast(pl.Decimal(14, 2)),
        pl.col("cost").cast(pl.Decimal(14, 2)),
    )
    contacts = pl.DataFrame(seeded.contacts).with_columns(
        pl.col("started_at").dt.replace_time_zone(None)
    )
    con.register("orders_frame", orders)
    con.register("contacts_frame", contacts)
    con.execute("CREATE TABLE orders AS SELECT * FROM orders_frame")
    con.execute("CREATE TABLE interactions AS SELECT * FROM contacts_frame")
    return con, seeded


def test_it_runs_the_same_expression_on_duckdb(
    duck: tuple[duckdb.DuckDBPyConnection, Seeded],
) -> None:
    con, seeded = duck
    sql = io.compile_sql(io.order_aggregates(AS_OF, 0.3), "duckdb")
    got = con.sql(sql).pl()
    _assert_same(got, _expected(seeded, AS_OF, 0.3))


def test_it_counts_contacts_and_minutes_per_channel(db: Session) -> None:
    seeded = seed_history(db)
    got = io.fetch(db, io.contact_aggregates(AS_OF)).sort("customer_id", "channel")
    frame = pl.DataFrame(seeded.contacts)
    want = (
        frame.group_by("customer_id", "channel")
        .agg(pl.len().alias("contacts"), (pl.col("duration_seconds").sum() / 60.0).alias("minutes"))
        .sort("customer_id", "channel")
    )
    assert got["contacts"].to_list() == want["contacts"].to_list()
    assert (got["minutes"] - want["minutes"]).abs().max() < 1e-9
