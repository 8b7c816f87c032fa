"""Benchmark: the breach check and due-time recomputation with 1,000,000 open cases.

For each engine: a fresh store with 1,000,000 open cases (two running targets each: first
response and resolution, on an office-hours calendar with Czech holidays), of which
`--due` targets are past due and `--warn` past their warning time, as a minute of a busy
desk would have them. Measures `centricity sla check` as its own process (wall time, peak
memory, its summary line; then a second run, which must find nothing), and the throughput
of recomputing every running target's due and warning times after the calendar changes.

    .venv/bin/python benchmarks/sla_check.py                      # both engines, 1M cases
    .venv/bin/python benchmarks/sla_check.py --cases 100000 --engines sqlite

Targets (issue 12): check < 5 s and < 300 MB; recomputation >= 20,000 targets/s.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from bench_kit import DATA_DIR, machine, write_result
from bench_kit.processes import centricity_command, centricity_env, run_measured
from bench_kit.stores import drop_store, new_store, postgres_version, session
from sqlalchemy import text

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.calendars import service as calendars
from centricity.calendars.schemas import CalendarCreate, CalendarUpdate
from centricity.cases import due_times, policies
from centricity.cases.schemas import SlaPolicyCreate
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate

BATCH = 50_000
OFFICE = {d: [["08:00", "16:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def _seed(url: str) -> dict[str, int]:
    """Staff, a customer, the calendar and the policy, through the services."""
    with session(url) as db:
        admin = accounts.create(
            db,
            data=UserCreate(
                email="admin@bench.example",
                name="Admin",
                password="bench-pass-123",
                role=Role.ADMIN,
            ),
            actor=None,
        )
        agent = accounts.create(
            db,
            data=UserCreate(
                email="agent@bench.example",
                name="Agent",
                password="bench-pass-123",
                role=Role.AGENT,
                department="Support",
            ),
            actor=None,
        )
        customer = customers.create(db, data=CustomerCreate(name="Bench"), actor=agent)
        calendar = calendars.create(
            db,
            data=CalendarCreate(
                name="Office", time_zone="Europe/Prague", hours=OFFICE, holiday_country="CZ"
            ),
            actor=admin,
        )
        policy = policies.create(
            db,
            data=SlaPolicyCreate(
                name="Office",
                calendar_id=calendar.id,
                first_response_minutes=480,
                resolution_minutes=2400,
            ),
            actor=admin,
        )
        db.flush()
        return {
            "agent": agent.id,
            "department": agent.department_id or 0,
            "customer": customer.id,
            "calendar": calendar.id,
            "policy": policy.id,
        }


def _fill(url: str, ids: dict[str, int], count: int, due: int, warn: int, now: datetime) -> float:
    """Insert the open cases and their running targets in bulk; returns seconds."""
    rng = random.Random(12)
    began = time.perf_counter()
    is_pg = url.startswith("postgresql")
    tags = "[]"
    with session(url) as db:
        raw: Any = db.connection().connection.driver_connection
        for start in range(0, count, BATCH):
            stop = min(start + BATCH, count)
            case_rows = []
            target_rows = []
            for n in range(start, stop):
                case_id = n + 1
                opened = now - timedelta(minutes=rng.randint(1, 600))
                case_rows.append(
                    (case_id, "case", ids["customer"], f"Case {case_id}", "", "email", "normal",
                     "open", ids["department"], ids["agent"], tags, ids["policy"], opened, 0,
                     ids["agent"], opened, opened)
                )  # fmt: skip
                for kind, minutes in (("first_response", 480), ("resolution", 2400)):
                    if kind == "first_response" and n < due:
                        due_at, warn_at = now - timedelta(minutes=1), now - timedelta(minutes=90)
                    elif kind == "first_response" and n < due + warn:
                        due_at, warn_at = now + timedelta(minutes=30), now - timedelta(minutes=1)
                    else:
                        due_at = now + timedelta(minutes=rng.randint(600, 6000))
                        warn_at = due_at - timedelta(minutes=minutes // 5)
                    target_rows.append(
                        (case_id, kind, 1, ids["policy"], ids["calendar"], minutes, "running",
                         opened, 0, opened, due_at, warn_at)
                    )  # fmt: skip
            _insert(raw, is_pg, "cases", _CASE_COLUMNS, case_rows)
            _insert(raw, is_pg, "case_targets", _TARGET_COLUMNS, target_rows)
            db.commit()
            raw = db.connection().connection.driver_connection
        if is_pg:
            db.execute(text("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases))"))
        else:
            db.execute(text("ANALYZE"))
    if is_pg:
        # A bulk-loaded table is not yet vacuumed: its first readers would set every row's
        # hint bits and autovacuum would start beside the check. A live store is vacuumed
        # all along, so the fill ends as one would be (outside a transaction, as VACUUM must).
        with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute("VACUUM (ANALYZE) cases")
            connection.execute("VACUUM (ANALYZE) case_targets")
    return time.perf_counter() - began


_CASE_COLUMNS = (
    "id, kind, customer_id, subject, description, channel, priority, status, department_id, "
    "assignee_id, tags, policy_id, opened_at, reopened_count, created_by_user_id, created_at, "
    "updated_at"
)
_TARGET_COLUMNS = (
    "case_id, kind, cycle, policy_id, calendar_id, minutes, state, started_at, "
    "counted_seconds, running_since, due_at, warn_at"
)


def _insert(raw: Any, is_pg: bool, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    if is_pg:
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    stored = [tuple(_sqlite_value(v) for v in row) for row in rows]
    marks = ", ".join("?" for _ in columns.split(","))
    raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", stored)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):  # stored as UTCDateTime does on SQLite
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value


def _check(url: str) -> dict[str, Any]:
    env = centricity_env(database_url=url, data_dir=str(DATA_DIR), environment="development")
    first = run_measured(centricity_command("sla", "check"), env)
    second = run_measured(centricity_command("sla", "check"), env)
    return {
        "wall_seconds": round(first["seconds"], 2),
        "peak_mb": round(first["peak_mb"], 1),
        "line": first["stdout"].strip().splitlines()[-1],
        "second_wall_seconds": round(second["seconds"], 2),
        "returncodes": [first["returncode"], second["returncode"]],
        "stderr": first["stderr"][-500:],
        "second_line": second["stdout"].strip().splitlines()[-1],
    }


def _recompute(url: str, ids: dict[str, int], now: datetime) -> dict[str, Any]:
    """Close the next working day (a change that moves nearly every due time) and
    recompute every running target's times; only moved targets are written."""
    with session(url) as db:
        calendar = calendars.get(db, ids["calendar"])
        clock = calendars.arithmetic(calendar)
        tomorrow = clock.next_working(now + timedelta(days=1)).date()
        calendars.update(
            db, calendar=calendar, data=CalendarUpdate(closed_dates=[tomorrow]), actor=None
        )
        db.commit()
        began = time.perf_counter()
        count = due_times.recompute_due(db, calendar_id=calendar.id)
        seconds = time.perf_counter() - began
    return {
        "targets": count,
        "closed": tomorrow.isoformat(),
        "seconds": round(seconds, 2),
        "per_second": round(count / seconds),
    }


def main() -> None:
    """Build each store, time the check and the recomputation, write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=200)
    parser.add_argument("--warn", type=int, default=200)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    DATA_DIR.mkdir(exist_ok=True)
    results: dict[str, Any] = {
        "machine": machine.describe(postgres_version()),
        "cases": args.cases,
        "due": args.due,
        "warn": args.warn,
    }
    now = datetime.now(UTC)
    for engine in args.engines.split(","):
        url = new_store(engine, DATA_DIR, "sla_check")
        try:
            ids = _seed(url)
            fill = _fill(url, ids, args.cases, args.due, args.warn, now)
            check = _check(url)
            recompute = _recompute(url, ids, now)
        finally:
            drop_store(url)
        results[engine] = {"fill_seconds": round(fill, 1), "check": check, "recompute": recompute}
        print(engine, json.dumps(results[engine]), flush=True)
    print("results:", write_result("sla_check", results))


if __name__ == "__main__":
    main()
