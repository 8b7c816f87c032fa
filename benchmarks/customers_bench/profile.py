"""`--profile`: the slowest requests replayed in-process through the real app, their time
split into SQL statements (each re-run alone on the store, with EXPLAIN QUERY PLAN)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from bench_kit.staff import SignedIn
from bench_kit.timing import timed
from sqlalchemy import Engine, event

from centricity.app import create_app
from centricity.config import Settings
from centricity.db import get_engine
from centricity.web.deps import SESSION_COOKIE
from customers_bench import TARGET_MS, app_settings
from customers_bench.workload import Sample


@contextmanager
def captured_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Record every SQL statement (with its parameters) sent through `engine` in the block."""
    seen: list[tuple[str, Any]] = []

    def record(
        _conn: object, _cursor: object, statement: str, parameters: Any, *_rest: object
    ) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _fetch_all(raw: Any, sql: str, params: Any) -> list[Any]:
    rows: list[Any] = raw.execute(sql, params).fetchall()
    return rows


def _short_sql(sql: str) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= 110 else flat[:107] + "..."


def worst_paths(samples: Sequence[Sample], per_group: int) -> list[tuple[str, str, float]]:
    """The slowest distinct paths of each (endpoint, class) whose p95 is over half the target,
    or the five slowest paths overall when every group is well inside it: (class, path, ms)."""
    groups: dict[tuple[str, str], dict[str, float]] = {}
    for sample in samples:
        group = groups.setdefault((sample.probe.endpoint, sample.probe.klass), {})
        group[sample.probe.path] = max(group.get(sample.probe.path, 0.0), sample.ms)
    picked: list[tuple[str, str, float]] = []
    for (endpoint, klass), paths in sorted(groups.items()):
        times = [s.ms for s in samples if (s.probe.endpoint, s.probe.klass) == (endpoint, klass)]
        if np.percentile(times, 95) < TARGET_MS / 2:
            continue
        ranked = sorted(paths.items(), key=lambda item: item[1], reverse=True)[:per_group]
        picked += [(klass, path, ms) for path, ms in ranked]
    if not picked:
        slowest = sorted(samples, key=lambda s: s.ms, reverse=True)[:5]
        picked = [(s.probe.klass, s.probe.path, s.ms) for s in slowest]
    return picked


def profile_requests(
    db_path: Path, creds: SignedIn, paths: Sequence[tuple[str, str, float]], secret: str
) -> list[dict[str, Any]]:
    """Replay slow requests in-process and split their time into SQL statements.

    Each request runs through the real app (TestClient); every statement it sent is then
    re-run alone on the same store (median of 3, rows fetched) with its query plan.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    settings = Settings(**app_settings(db_path, secret))
    app = create_app(settings)
    engine = get_engine(settings)
    rows: list[dict[str, Any]] = []
    headers = {
        "Cookie": f"{SESSION_COOKIE}={creds.cookie}",
        "Authorization": f"Bearer {creds.token}",
    }
    with TestClient(app, headers=headers) as client, engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        for klass, path, http_ms in paths:
            client.get(path).raise_for_status()
            request_ms = timed(partial(client.get, path), 5)[0] * 1000
            with captured_statements(engine) as statements:
                client.get(path)
            print(f"\n  [{klass}] {path}  HTTP {http_ms:.1f} ms, in-process {request_ms:.1f} ms")
            sql_total = 0.0
            parts = []
            for sql, params in statements:
                if sql.strip().upper() in {"BEGIN", "COMMIT", "ROLLBACK"}:
                    continue
                ms = timed(partial(_fetch_all, raw, sql, params), 5)[0] * 1000
                plan = " | ".join(
                    str(step[3]) for step in raw.execute("EXPLAIN QUERY PLAN " + sql, params)
                )
                sql_total += ms
                parts.append({"sql": _short_sql(sql), "ms": round(ms, 2), "plan": plan})
                if ms >= 1.0:
                    print(f"    {ms:8.1f} ms  {_short_sql(sql)}\n               plan: {plan}")
            print(
                f"    SQL total {sql_total:.1f} ms in {len(parts)} statements; "
                f"the rest ({max(request_ms - sql_total, 0):.1f} ms) is Python: routing, "
                "ORM, rendering"
            )
            rows.append(
                {
                    "class": klass,
                    "path": path,
                    "http_ms": round(http_ms, 1),
                    "in_process_ms": round(request_ms, 1),
                    "sql_ms": round(sql_total, 1),
                    "statements": parts,
                }
            )
    return rows
