"""The per-customer aggregates of a large SQLite store, read by child processes in parallel.

One SQLite connection runs one query on one core, and threads in one Python process gave no
gain (measured, benchmarks/README.md). So on a SQLite file store this module splits the
customers into id ranges and has child processes aggregate them: each child opens its own
read-only `sqlite3` connection, runs the same SQL as `io.order_aggregates` limited to its
range, and sends back NumPy columns; the contacts aggregate runs in a further child, so it
overlaps the orders or, when the caller asks for it later, the model fit.

The children are started by a fork server (where the platform has none, spawned), never by
`fork`: a forked child would inherit the app's open SQLite connections and SQLite's table of
POSIX locks, and a connection it opened on the same file could then release the app's locks
("How To Corrupt", section 2.2). Each child loads the same `sqlite3` module as the app; no
second SQLite library is ever loaded. A process that analyses keeps the fork server (one
idle process) until it exits.

Each child reads its own committed snapshot. Ranges do not overlap, so every customer's
aggregates come from one snapshot, as they did from the single query.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import polars as pl

# Below this many orders (by id span) a single query is quicker than starting children.
PARALLEL_MIN_ORDERS = 200_000
WORKERS = 2
BUSY_TIMEOUT_MS = 30_000
UNIX_EPOCH_JULIAN_DAY = 2440587.5

# `io.order_aggregates` written out for one range of customers. INDEXED BY: with a range of
# customer ids the planner otherwise leaves the covering index (48 s instead of 11 s,
# measured). The scans visit each customer's orders in the index order, as the single query
# does, so the sums add the same numbers in the same order and agree to the last bit.
ORDERS_SQL = """
WITH per AS (
  SELECT customer_id,
    min(date(ordered_at)) AS first_day,
    max(date(ordered_at)) AS last_day,
    count(DISTINCT date(ordered_at)) AS purchase_days,
    count(*) AS orders,
    sum(CAST(total_amount AS REAL)) AS revenue,
    sum(IIF(cost IS NULL, CAST(total_amount AS REAL) * :margin,
            CAST(total_amount AS REAL) - CAST(cost AS REAL))) AS margin
  FROM orders INDEXED BY ix_orders_value_days
  WHERE customer_id BETWEEN :low AND :high AND status = 'completed'
    AND date(ordered_at) <= :as_of
  GROUP BY customer_id
)
SELECT customer_id,
  CAST(julianday(first_day) - :epoch AS INTEGER),
  CAST(julianday(last_day) - :epoch AS INTEGER),
  purchase_days, orders, revenue, margin,
  (SELECT sum(CAST(o.total_amount AS REAL))
     FROM orders AS o INDEXED BY ix_orders_value_days
    WHERE o.customer_id = per.customer_id AND date(o.ordered_at) = per.first_day
      AND o.status = 'completed')
FROM per
"""
ORDER_COLUMNS = (
    "customer_id",
    "first_day",
    "last_day",
    "purchase_days",
    "orders",
    "revenue",
    "margin",
    "first_day_revenue",
)
ORDER_FLOATS = ("revenue", "margin", "first_day_revenue")
ORDER_DATES = ("first_day", "last_day")

# Two subqueries: `SELECT min(x), max(x)` in one query scans the whole index (0.8 s on 10M
# orders, measured), each alone is one probe.
ID_SPAN = "SELECT (SELECT min({column}) FROM orders), (SELECT max({column}) FROM orders)"

CONTACTS_SQL = """
SELECT customer_id, channel, count(*), CAST(sum(duration_seconds) AS REAL) / 60.0
FROM interactions INDEXED BY ix_interactions_value_contacts
WHERE started_at < :end
GROUP BY customer_id, channel
"""


def store_file(url: str) -> Path | None:
    """The database file of a SQLite URL (`sqlite:///path`), or None for any other store."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = url.removeprefix(prefix).split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


def worth_splitting(path: Path) -> bool:
    """Whether the store holds enough orders for children to pay off (~0.3 s to start).

    The span of order ids stands in for a count: both ends are one index probe each.
    """
    with _read_only(path) as conn:
        low, high = conn.execute(ID_SPAN.format(column="id")).fetchone()
    return low is not None and high - low + 1 >= PARALLEL_MIN_ORDERS


@dataclass
class ParallelAggregates:
    """Aggregates being read by child processes; each method waits for its own part."""

    pool: ProcessPoolExecutor
    order_parts: list[Future[dict[str, np.ndarray]]]
    contact_part: Future[pl.DataFrame]
    closed: bool = field(default=False)

    def orders(self) -> pl.DataFrame:
        """The order aggregates (the columns of `io.order_aggregates`, dates as dates)."""
        parts = [part.result() for part in self.order_parts]
        columns = {name: np.concatenate([p[name] for p in parts]) for name in ORDER_COLUMNS}
        frame = pl.DataFrame(columns)
        return frame.with_columns(
            pl.col(c).cast(pl.Int32).cast(pl.Date) for c in ORDER_DATES
        ).with_columns(pl.col(c).cast(pl.Float64) for c in ORDER_FLOATS)

    def contacts(self) -> pl.DataFrame:
        """The contact aggregates (the columns of `io.contact_aggregates`)."""
        return self.contact_part.result()

    def close(self) -> None:
        """Stop the children (cancelling what has not started)."""
        if not self.closed:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.closed = True


def start(path: Path, as_of: date, default_margin: float) -> ParallelAggregates:
    """Start reading the order aggregates (one child per range of customer ids) and the
    contact aggregates (one more child, which begins when a worker is free)."""
    path = path.resolve()  # the children need not share this process's working folder
    with _read_only(path) as conn:
        low, high = conn.execute(ID_SPAN.format(column="customer_id")).fetchone()
    ranges = split_ids(int(low or 0), int(high or 0), WORKERS)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=context)
    try:
        order_parts = [
            pool.submit(order_range, str(path), as_of.isoformat(), default_margin, lo, hi)
            for lo, hi in ranges
        ]
        end = datetime.combine(as_of + timedelta(days=1), time()).isoformat(sep=" ")
        contact_part = pool.submit(contact_totals, str(path), end)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    return ParallelAggregates(pool, order_parts, contact_part)


def split_ids(low: int, high: int, parts: int) -> list[tuple[int, int]]:
    """`parts` contiguous, non-overlapping ranges of ids covering low..high."""
    size = max(1, -(-(high - low + 1) // parts))
    return [(lo, min(high, lo + size - 1)) for lo in range(low, high + 1, size)] or [(low, high)]


def order_range(path: str, as_of: str, margin: float, low: int, high: int) -> dict[str, np.ndarray]:
    """In a child: the order aggregates of customers low..high as NumPy columns (dates as
    days since 1970-01-01)."""
    params = {"margin": margin, "low": low, "high": high, "as_of": as_of}
    with _read_only(Path(path)) as conn:
        rows = conn.execute(ORDERS_SQL, {**params, "epoch": UNIX_EPOCH_JULIAN_DAY}).fetchall()
    table = np.array(rows, dtype=np.float64).reshape(len(rows), len(ORDER_COLUMNS))
    return {
        name: table[:, i] if name in ORDER_FLOATS else table[:, i].astype(np.int64)
        for i, name in enumerate(ORDER_COLUMNS)
    }


def contact_totals(path: str, end: str) -> pl.DataFrame:
    """In a child: contacts and handling minutes per customer and channel before `end`."""
    with _read_only(Path(path)) as conn:
        rows = conn.execute(CONTACTS_SQL, {"end": end}).fetchall()
    schema = [
        ("customer_id", pl.Int64),
        ("channel", pl.String),
        ("contacts", pl.Int64),
        ("minutes", pl.Float64),
    ]
    return pl.DataFrame(rows, schema=schema, orient="row")


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only `sqlite3` connection to the store, closed on leaving the block."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        yield conn
    finally:
        conn.close()
