"""Building the seeded store: `alembic upgrade head`, staff through the accounts service, then
the three big tables bulk-loaded with raw `sqlite3` (journal and sync off for the load only;
secondary indexes and FTS triggers dropped and recreated from their stored migration SQL),
the FTS5 trigram index rebuilt and checked against a table scan."""

from __future__ import annotations

import json
import random
import sqlite3
import time
from argparse import Namespace
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from bench_kit import DATA_DIR
from bench_kit.staff import add_user
from bench_kit.stores import migrate, remove_sqlite, session
from bench_kit.timing import stage

from centricity.accounts.models import Role
from customers_bench import AGENT_EMAIL, SEED, store_paths
from customers_bench.people import LANGUAGES, customer_rows

END = datetime(2026, 11, 1, tzinfo=UTC)  # fixed "today" so the data are deterministic
TWO_YEARS = 2 * 365 * 86400
CHUNK = 250_000  # customers per transaction
ROWS_CHUNK = 1_000_000  # orders or interactions per transaction
STAFF_PASSWORD = "bench-" + "x7Q2-long-benchmark-password"
DEPARTMENTS = ("Customer Care", "Sales", "Billing", "Field Service")
LOADED_TABLES = ("customers", "orders", "interactions")


@dataclass
class LoadReport:
    """Sizes of the store and how long each load stage took."""

    customers: int
    orders: int
    interactions: int
    seed: int
    stages: dict[str, float] = field(default_factory=dict)
    db_bytes: int = 0
    built_at: str = ""


def _timestamps(seconds: np.ndarray) -> list[str]:
    """Format epoch seconds the way SQLAlchemy stores UTCDateTime on SQLite."""
    stamps = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="us")
    formatted: list[str] = np.char.replace(stamps, "T", " ").tolist()
    return formatted


def _create_staff(url: str) -> list[tuple[int, int]]:
    """Departments, 20 frontline agents and the benchmark agent: (user id, department id)."""
    staff: list[tuple[int, int]] = []
    with session(url) as db:
        for index in range(20):
            user = add_user(
                db,
                email=f"staff{index:02d}@bench.example",
                name=f"Staff Member {index:02d}",
                password=STAFF_PASSWORD,
                role=Role.AGENT,
                department=DEPARTMENTS[index % len(DEPARTMENTS)],
            )
            staff.append((user.id, int(user.department_id or 0)))
        add_user(
            db,
            email=AGENT_EMAIL,
            name="Benchmark Agent",
            password=STAFF_PASSWORD,
            role=Role.AGENT,
            department=DEPARTMENTS[0],
        )
    return staff


def _insert(con: sqlite3.Connection, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """One transaction of rows."""
    con.execute("BEGIN")
    con.executemany(sql, rows)
    con.execute("COMMIT")


def _spread(np_rng: np.random.Generator, start: int, count: int, total: int) -> np.ndarray:
    """Sorted epoch seconds for rows start…start+count of `total`, spread over two years."""
    end = int(END.timestamp())
    lo = end - TWO_YEARS + TWO_YEARS * start // total
    hi = end - TWO_YEARS + TWO_YEARS * (start + count) // total
    return np.sort(np_rng.integers(lo, max(hi, lo + 1), count))


def _load_customers(con: sqlite3.Connection, n: int, np_rng: np.random.Generator) -> None:
    py_rng = random.Random(SEED)
    end = int(END.timestamp())
    created_secs = np.sort(np_rng.integers(end - 3 * 365 * 86400, end - 30 * 86400, n))
    created_all = _timestamps(created_secs)
    insert = (
        "INSERT INTO customers (id, external_id, kind, name, email, phone, "
        "preferred_language, country, postcode, attributes, search_key, created_at, "
        "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    for start in range(0, n, CHUNK):
        count = min(CHUNK, n - start)
        batch = customer_rows(py_rng, start + 1, count, created_all[start : start + count])
        _insert(con, insert, batch)


def _load_orders(
    con: sqlite3.Connection, sizes: LoadReport, np_rng: np.random.Generator, weights: np.ndarray
) -> None:
    insert = (
        "INSERT INTO orders (id, external_id, customer_id, ordered_at, currency, "
        "total_amount, cost, status, created_at) VALUES (?,?,?,?,?,?,?,?,?)"
    )
    statuses = np.array(["completed", "returned", "cancelled", "open"])
    for start in range(0, sizes.orders, ROWS_CHUNK):
        count = min(ROWS_CHUNK, sizes.orders - start)
        secs = _spread(np_rng, start, count, sizes.orders)
        customer = np.searchsorted(weights, np_rng.random(count) * weights[-1]) + 1
        amount = np.round(np_rng.lognormal(3.8, 0.9, count), 2)
        cost = np.round(amount * np_rng.uniform(0.45, 0.8, count), 2)
        status = statuses[np_rng.choice(4, count, p=[0.92, 0.04, 0.03, 0.01])]
        stamps = _timestamps(secs)
        ids = range(start + 1, start + count + 1)
        rows = zip(
            ids,
            [f"O{i:08d}" for i in ids],
            np.minimum(customer, sizes.customers).tolist(),
            stamps,
            ["EUR"] * count,
            amount.tolist(),
            cost.tolist(),
            status.tolist(),
            stamps,
            strict=True,
        )
        _insert(con, insert, rows)


def _load_interactions(
    con: sqlite3.Connection,
    sizes: LoadReport,
    np_rng: np.random.Generator,
    staff: list[tuple[int, int]],
) -> None:
    insert = (
        "INSERT INTO interactions (id, customer_id, channel, direction, user_id, "
        "department_id, started_at, waiting_seconds, duration_seconds, note, "
        "confidential, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    channels = np.array(["phone", "email", "chat", "visit", "social", "letter", "other"])
    notes = [note for lang in LANGUAGES for note in lang.notes]
    for start in range(0, sizes.interactions, ROWS_CHUNK):
        count = min(ROWS_CHUNK, sizes.interactions - start)
        secs = _spread(np_rng, start, count, sizes.interactions)
        customer = np_rng.integers(1, sizes.customers + 1, count)
        channel = channels[np_rng.choice(7, count, p=[0.4, 0.3, 0.15, 0.05, 0.04, 0.03, 0.03])]
        who = np_rng.integers(0, len(staff), count)
        inbound = np_rng.random(count) < 0.7
        waiting = np_rng.integers(0, 600, count)
        duration = np_rng.integers(30, 1800, count)
        note = np_rng.integers(0, len(notes), count)
        confidential = (np_rng.random(count) < 0.03).astype(int)
        stamps = _timestamps(secs)
        rows = zip(
            range(start + 1, start + count + 1),
            customer.tolist(),
            channel.tolist(),
            np.where(inbound, "inbound", "outbound").tolist(),
            np.array([s[0] for s in staff])[who].tolist(),
            np.array([s[1] for s in staff])[who].tolist(),
            stamps,
            waiting.tolist(),
            duration.tolist(),
            [notes[i] for i in note.tolist()],
            confidential.tolist(),
            stamps,
            strict=True,
        )
        _insert(con, insert, rows)


def _load(db_path: Path, sizes: LoadReport) -> LoadReport:
    """Build the store: migrate, create staff, bulk-load the three big tables, rebuild FTS."""
    remove_sqlite(db_path)
    stages = sizes.stages
    total_started = time.perf_counter()
    with stage(stages, "schema (alembic upgrade head)"):
        migrate(f"sqlite:///{db_path}")
    with stage(stages, "staff users (accounts service)"):
        staff = _create_staff(f"sqlite:///{db_path}")

    con = sqlite3.connect(db_path, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-2000000"):
        con.execute(f"PRAGMA {pragma}")
    con.execute("PRAGMA temp_store=MEMORY")
    con.execute("PRAGMA locking_mode=EXCLUSIVE")
    # Secondary indexes and the FTS triggers are dropped for the load and recreated from
    # their exact stored SQL afterwards; the FTS index is then rebuilt from the table.
    saved = con.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        f"AND sql IS NOT NULL AND tbl_name IN {LOADED_TABLES!r}"
    ).fetchall()
    for kind, name, _sql in saved:
        con.execute(f'DROP {kind.upper()} "{name}"')

    np_rng = np.random.default_rng(SEED)
    with stage(stages, f"customers: generate + insert {sizes.customers:,}"):
        _load_customers(con, sizes.customers, np_rng)
    # Orders per customer follow a gamma-Poisson mix (mean orders/customers, a long tail).
    weights = np.cumsum(np_rng.gamma(1.0, 1.0, sizes.customers))
    with stage(stages, f"orders: generate + insert {sizes.orders:,}"):
        _load_orders(con, sizes, np_rng, weights)
    with stage(stages, f"interactions: generate + insert {sizes.interactions:,}"):
        _load_interactions(con, sizes, np_rng, staff)

    with stage(stages, "secondary indexes (recreated from the migration's SQL)"):
        for kind, _name, sql in saved:
            if kind == "index":
                con.execute(sql)
    with stage(stages, "FTS5 trigram index rebuild"):
        con.execute("INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')")
    with stage(stages, "FTS triggers recreated + checks"):
        for kind, _name, sql in saved:
            if kind == "trigger":
                con.execute(sql)
        check_fts(con)
    con.execute("PRAGMA locking_mode=NORMAL")
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    stages["total"] = round(time.perf_counter() - total_started, 1)
    sizes.db_bytes = db_path.stat().st_size
    sizes.built_at = datetime.now(UTC).isoformat(timespec="seconds")
    return sizes


def check_fts(con: sqlite3.Connection) -> None:
    """Fail loudly when the trigram index disagrees with the table or a trigger is missing."""
    triggers = {
        row[0]
        for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    }
    missing = {"customers_fts_ai", "customers_fts_ad", "customers_fts_au"} - triggers
    if missing:
        raise SystemExit(f"FTS triggers missing after load: {sorted(missing)}")
    for term in ("novak", "son"):
        via_fts = con.execute(
            "SELECT count(*) FROM customers_fts WHERE customers_fts MATCH ?", (f'"{term}"',)
        ).fetchone()[0]
        via_scan = con.execute(
            "SELECT count(*) FROM customers WHERE instr(search_key, ?) > 0", (term,)
        ).fetchone()[0]
        if via_fts != via_scan:
            raise SystemExit(f"FTS index out of step for {term!r}: {via_fts} vs {via_scan}")
        print(f"    check {term!r}: {via_fts:,} matches via FTS = table scan", flush=True)


def build_or_reuse(args: Namespace) -> tuple[Path, LoadReport, bool]:
    """Return the store path and its load report, building it unless a matching one exists."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    db_path, meta_path = store_paths(args.customers, args.orders)
    if args.reuse and db_path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("interactions") == args.interactions and meta.get("seed") == SEED:
            print(f"Reusing {db_path} (built {meta.get('built_at')})")
            # Later migrations (new tables) are applied; the FTS index must still be intact.
            migrate(f"sqlite:///{db_path}")
            con = sqlite3.connect(db_path)
            try:
                check_fts(con)
            finally:
                con.close()
            return db_path, LoadReport(**meta), True
        print("Existing store does not match the requested sizes; rebuilding.")
    print(
        f"Building {db_path}: {args.customers:,} customers, {args.orders:,} orders, "
        f"{args.interactions:,} interactions"
    )
    meta_path.unlink(missing_ok=True)
    report = _load(
        db_path,
        LoadReport(
            customers=args.customers,
            orders=args.orders,
            interactions=args.interactions,
            seed=SEED,
        ),
    )
    meta_path.write_text(json.dumps(report.__dict__, indent=2), encoding="utf-8")
    print(f"  store size: {report.db_bytes / 1e9:.2f} GB, total {report.stages['total']} s")
    return db_path, report, False
