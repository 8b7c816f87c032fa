"""Columnar inputs for analytics, computed set-based in the store, and bulk result writes.

The per-customer aggregates are Ibis expressions over unbound tables, compiled to the SQL of
the store's dialect and run on the caller's own connection, so the very same expression runs
unchanged on SQLite, PostgreSQL and DuckDB (and, later, Spark) and sees the caller's
transaction. Only this module and `runs.py` touch the store for analytics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import ibis
import polars as pl
from ibis.expr.types import Table
from sqlalchemy import Table as SATable
from sqlalchemy import text
from sqlalchemy.orm import Session

ORDERS = ibis.table(
    {
        "customer_id": "int64",
        "ordered_at": "timestamp",
        "total_amount": "decimal(14, 2)",
        "cost": "decimal(14, 2)",
        "status": "string",
    },
    name="orders",
)
INTERACTIONS = ibis.table(
    {
        "customer_id": "int64",
        "channel": "string",
        "started_at": "timestamp",
        "duration_seconds": "int64",
    },
    name="interactions",
)
DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres", "duckdb": "duckdb"}
WRITE_BATCH = 20_000


def _end_of(as_of: date) -> datetime:
    return datetime.combine(as_of + timedelta(days=1), time())


def order_aggregates(as_of: date, default_margin: float) -> Table:
    """Per customer: purchase days, first/last day, orders, revenue, first-day revenue, margin.

    Same-day orders count as one purchase (the convention of the BG/NBD literature). Margin is
    amount − cost where the cost is known, else amount × `default_margin`.
    """
    o = ORDERS.filter(ORDERS.status == "completed", ORDERS.ordered_at < _end_of(as_of))
    amount = o.total_amount.cast("float64")
    margin = o.cost.isnull().ifelse(amount * default_margin, amount - o.cost.cast("float64"))
    daily = o.group_by(o.customer_id, day=o.ordered_at.date()).aggregate(
        amount=amount.sum(), margin=margin.sum(), orders=o.count()
    )
    order = ibis.window(group_by=daily.customer_id, order_by=daily.day)
    daily = daily.mutate(seq=ibis.row_number().over(order))
    return daily.group_by(daily.customer_id).aggregate(
        first_day=daily.day.min(),
        last_day=daily.day.max(),
        purchase_days=daily.count(),
        orders=daily.orders.sum(),
        revenue=daily.amount.sum(),
        first_day_revenue=daily.amount.sum(where=daily.seq == 0),
        margin=daily.margin.sum(),
    )


def contact_aggregates(as_of: date) -> Table:
    """Per customer and channel: contacts and handling minutes up to `as_of`."""
    i = INTERACTIONS.filter(INTERACTIONS.started_at < _end_of(as_of))
    return i.group_by(i.customer_id, i.channel).aggregate(
        contacts=i.count(), minutes=i.duration_seconds.sum().cast("float64") / 60.0
    )


def compile_sql(expr: Table, dialect: str) -> str:
    """The SQL of an expression for a SQLAlchemy or DuckDB dialect name."""
    return str(ibis.to_sql(expr, dialect=DIALECTS[dialect]))


def fetch(session: Session, expr: Table) -> pl.DataFrame:
    """Run an expression on the session's connection and return a Polars frame."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SET LOCAL TIME ZONE 'UTC'"))
    result = session.execute(text(compile_sql(expr, dialect)))
    columns = list(result.keys())
    rows = result.fetchall()
    types = dict(expr.schema().items())
    # SQLite answers dates as text, PostgreSQL as dates: read as given, then parse text.
    schema = [(c, _polars_type(types[c], dialect)) for c in columns]
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    text_dates = [c for c, t in schema if t == pl.String and types[c].is_date()]
    return frame.with_columns(as_date(c) for c in text_dates)


def _polars_type(dtype: Any, dialect: str) -> Any:
    if dtype.is_date():
        return pl.String if dialect == "sqlite" else pl.Date
    if dtype.is_integer():
        return pl.Int64
    if dtype.is_floating() or dtype.is_decimal():
        return pl.Float64
    return pl.String


def as_date(column: str) -> pl.Expr:
    """Parse an ISO date given as text (SQLite) into a Polars date."""
    return pl.col(column).str.slice(0, 10).str.to_date("%Y-%m-%d")


def write_rows(
    session: Session,
    table: SATable,
    frame: pl.DataFrame,
    *,
    after_batch: Callable[[], None] | None = None,
) -> int:
    """Insert a frame's rows into a table in batches (one executemany per batch); the caller
    may commit after each batch so a large write never holds the store's write lock long."""
    columns = [c.name for c in table.columns if c.name in frame.columns]
    statement = table.insert()
    written = 0
    for batch in _batches(frame.select(columns).iter_rows(named=True), WRITE_BATCH):
        session.execute(statement, batch)
        written += len(batch)
        if after_batch is not None:
            after_batch()
    return written


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterable[Sequence[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
