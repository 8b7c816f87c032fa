"""The raw baseline: the same rows, pre-parsed, loaded into the same `orders` table in a
process of its own — SQLite `executemany`, PostgreSQL binary `COPY` (and, for context, `COPY`
into an unindexed copy of the table without a foreign key)."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from datetime import UTC, datetime
from typing import Any

import psycopg
from bench_kit import BENCH_DIR
from bench_kit.processes import run_measured

from import_bench.inputs import baseline_tuples

SCRIPT = BENCH_DIR / "import_orders.py"  # runs child_baseline with --child-baseline
CREATED = "2026-01-01 00:00:00.000000"


def _load_sqlite(url: str, rows: int, customers: int, batch: int) -> float:
    """`executemany` of pre-parsed tuples in batch-sized transactions; seconds loading."""
    loading = 0.0
    con = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        con.execute(f"PRAGMA {pragma}")
    sql = (
        "INSERT INTO orders (external_id, customer_id, ordered_at, currency, total_amount,"
        " cost, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    )
    for start in range(0, rows, batch):
        prepared = [
            (e, c, d.strftime("%Y-%m-%d %H:%M:%S.%f"), cur, float(t), float(k), s, CREATED)
            for e, c, d, cur, t, k, s in baseline_tuples(rows, customers, start, batch)
        ]
        began = time.perf_counter()
        con.execute("BEGIN")
        con.executemany(sql, prepared)
        con.execute("COMMIT")
        loading += time.perf_counter() - began
    return loading


def _copy_postgres(url: str, rows: int, customers: int, batch: int, bare: bool) -> float:
    """Binary `COPY` of pre-parsed tuples into `orders` (or, `bare`, into an unindexed copy
    without a foreign key) in batch-sized transactions; seconds loading."""
    loading = 0.0
    dsn = "postgresql://" + url.split("://", 1)[1]
    created = datetime(2026, 1, 1, tzinfo=UTC)
    with psycopg.connect(dsn) as conn:
        table = "orders"
        if bare:
            conn.execute("CREATE TABLE bare_orders (LIKE orders INCLUDING DEFAULTS)")
            conn.execute("ALTER TABLE bare_orders ALTER COLUMN id DROP NOT NULL")
            conn.commit()
            table = "bare_orders"
        copy_sql = (
            f"COPY {table} (external_id, customer_id, ordered_at, currency, total_amount,"
            " cost, status, created_at) FROM STDIN (FORMAT BINARY)"
        )
        types = ["varchar", "int4", "timestamptz", "varchar", "numeric", "numeric", "varchar",
                 "timestamptz"]  # fmt: skip
        for start in range(0, rows, batch):
            prepared = [(*row, created) for row in baseline_tuples(rows, customers, start, batch)]
            began = time.perf_counter()
            with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
                copy.set_types(types)
                for row in prepared:
                    copy.write_row(row)
            conn.commit()
            loading += time.perf_counter() - began
        if bare:
            conn.execute("DROP TABLE bare_orders")
            conn.commit()
    return loading


def child_baseline(
    engine_name: str, url: str, rows: int, customers: int, batch: int, bare: bool
) -> None:
    """(In a child process.) Load pre-parsed tuples; print the seconds spent loading."""
    if engine_name == "sqlite":
        loading = _load_sqlite(url, rows, customers, batch)
    else:
        loading = _copy_postgres(url, rows, customers, batch, bare)
    print(json.dumps({"seconds": loading}))


def baseline(
    engine_name: str, url: str, rows: int, customers: int, batch: int, bare: bool = False
) -> dict[str, Any]:
    """Measure the raw load in its own process."""
    args = [
        sys.executable,
        str(SCRIPT),
        "--child-baseline",
        engine_name,
        url,
        str(rows),
        str(customers),
        str(batch),
    ] + (["--bare"] if bare else [])
    result = run_measured(args, dict(os.environ))
    assert result["returncode"] == 0, result["stderr"]
    seconds = json.loads(result["stdout"].strip().splitlines()[-1])["seconds"]
    return {"seconds": seconds, "rows_per_second": rows / seconds, "peak_mb": result["peak_mb"]}
