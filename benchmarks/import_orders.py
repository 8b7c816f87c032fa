"""Benchmark: `centricity import orders` of 10,000,000 CSV rows into SQLite and PostgreSQL.

Issue requirement: rows per second and peak memory of the import (validation included),
next to the raw baseline measured in the same run on the same machine and the same
`orders` table (its indexes and foreign key included):

* SQLite: `executemany` of pre-parsed tuples (customer ids already resolved, dates
  already formatted), in batches committed like the import's;
* PostgreSQL: binary `COPY` of pre-parsed tuples into `orders`; for context also into an
  unindexed table without a foreign key (the raw load speed of the server).

Target: at least 50 % of the baseline's rate, peak memory under 1 GB. Also: a 1,000,000-
row import killed with SIGKILL at 20 random points and resumed each time (exact final
counts, no duplicates), next to a clean run of the same file.

The input is a Czech ERP export: `;` separated, decimal commas, `31.12.2024 14:05` dates,
Czech headers. Every measured step runs as its own process (`python -m centricity
import …`), so its peak memory is the process's maximum resident set.

Usage (from the repository root)::

    .venv/bin/python benchmarks/import_orders.py                        # full run
    .venv/bin/python benchmarks/import_orders.py --rows 200000 --kill-rows 50000 --kills 3

Results are printed and written to `benchmarks/results/import_orders.json` (kept in git,
beside the README table they back).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import psycopg
from sqlalchemy import text

from centricity.db import make_engine
from centricity.migrations import runner

ROOT = Path(__file__).resolve().parent
ADMIN_URL = os.environ.get(
    "CENTRICITY_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/test"
)
SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"
HEADER = "Číslo objednávky;Zákazník;Datum;Celkem;Měna;Náklady\n"
CREATED = "2026-01-01 00:00:00.000000"


# ---------------------------------------------------------------- input files


def write_inputs(folder: Path, rows: int, customers: int) -> tuple[Path, Path]:
    """The customers file and an orders file of `rows` rows (reused when present)."""
    folder.mkdir(parents=True, exist_ok=True)
    customer_file = folder / f"customers_{customers}.csv"
    if not customer_file.exists():
        with customer_file.open("w", encoding="utf-8") as handle:
            handle.write("Číslo zákazníka;Jméno;E-mail\n")
            handle.writelines(f"C{i:07d};Zákazník {i};c{i}@example.cz\n" for i in range(customers))
    order_file = folder / f"orders_{rows}.csv"
    if not order_file.exists():
        with order_file.open("w", encoding="utf-8") as handle:
            handle.write(HEADER)
            for start in range(0, rows, 1_000_000):
                handle.writelines(
                    _order_line(i, customers) for i in range(start, min(rows, start + 1_000_000))
                )
    return customer_file, order_file


def _order_line(i: int, customers: int) -> str:
    day, month, minute = i % 28 + 1, i % 12 + 1, i % 60
    return (
        f"O{i:09d};C{i % customers:07d};{day:02d}.{month:02d}.2024 10:{minute:02d};"
        f"{i % 1000} {i % 1000:03d},{i % 100:02d};CZK;{i % 500},50\n"
    )


def baseline_tuples(rows: int, customers: int, start: int, count: int) -> list[tuple[Any, ...]]:
    """Pre-parsed orders, as the import stores them (customer ids = 1..customers)."""
    batch = []
    for i in range(start, min(rows, start + count)):
        day, month, minute = i % 28 + 1, i % 12 + 1, i % 60
        batch.append(
            (
                f"O{i:09d}",
                i % customers + 1,
                datetime(2024, month, day, 10, minute, tzinfo=UTC),
                "CZK",
                Decimal(f"{i % 1000}{i % 1000:03d}.{i % 100:02d}"),
                Decimal(f"{i % 500}.50"),
                "completed",
            )
        )
    return batch


# ---------------------------------------------------------------- stores


def new_store(engine_name: str, folder: Path) -> str:
    """A fresh, migrated store; returns its URL."""
    if engine_name == "sqlite":
        path = folder / "import_bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        name = f"centricity_import_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://{ADMIN_URL.split('://', 1)[1].rsplit('/', 1)[0]}/{name}"
    engine = make_engine(url)
    runner.upgrade(engine)
    engine.dispose()
    return url


def drop_store(url: str) -> None:
    """Remove a benchmark PostgreSQL database (SQLite files are overwritten next time)."""
    if url.startswith("postgresql"):
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def count_orders(url: str) -> tuple[int, int]:
    """(orders, distinct external ids)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT count(*), count(DISTINCT external_id) FROM orders")).one()
    engine.dispose()
    return int(found[0]), int(found[1])


# ---------------------------------------------------------------- measured processes


def wait_measured(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Like run_measured, with the child's own peak memory from wait4."""
    began = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    out = process.stdout.read().decode()
    err = process.stderr.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": time.perf_counter() - began,
        "peak_mb": usage.ru_maxrss / 1024,
        "stdout": out,
        "stderr": err,
        "returncode": process.returncode,
    }


def _reported_seconds(stdout: str) -> float:
    """The import's own time (file checks included, interpreter start-up not)."""
    match = re.search(r"^\d+ rows in ([0-9.]+) s", stdout, re.MULTILINE)
    assert match, stdout
    return float(match.group(1))


def cli_env(url: str, folder: Path) -> dict[str, str]:
    """Environment of a `centricity` process on this store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CENTRICITY_")}
    env.update(
        CENTRICITY_DATABASE_URL=url,
        CENTRICITY_DATA_DIR=str(folder / "data"),
        CENTRICITY_SECRET_KEY=SECRET,
    )
    return env


def import_args(kind: str, path: Path, batch: int) -> list[str]:
    """`centricity import KIND FILE` as a process."""
    return [
        sys.executable,
        "-m",
        "centricity",
        "import",
        kind,
        str(path),
        "--batch-size",
        str(batch),
        "--no-progress",
    ]


def child_baseline(
    engine_name: str, url: str, rows: int, customers: int, batch: int, bare: bool
) -> None:
    """(In a child process.) Load pre-parsed tuples; print the seconds spent loading."""
    loading = 0.0
    if engine_name == "sqlite":
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            conn.execute(f"PRAGMA {pragma}")
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
            conn.execute("BEGIN")
            conn.executemany(sql, prepared)
            conn.execute("COMMIT")
            loading += time.perf_counter() - began
        print(json.dumps({"seconds": loading}))
        return
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
        types = [
            "varchar",
            "int4",
            "timestamptz",
            "varchar",
            "numeric",
            "numeric",
            "varchar",
            "timestamptz",
        ]
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
    print(json.dumps({"seconds": loading}))


def baseline(
    engine_name: str, url: str, rows: int, customers: int, batch: int, bare: bool = False
) -> dict[str, Any]:
    """Measure the raw load in its own process."""
    args = [
        sys.executable,
        __file__,
        "--child-baseline",
        engine_name,
        url,
        str(rows),
        str(customers),
        str(batch),
    ] + (["--bare"] if bare else [])
    result = wait_measured(args, dict(os.environ))
    assert result["returncode"] == 0, result["stderr"]
    seconds = json.loads(result["stdout"].strip().splitlines()[-1])["seconds"]
    return {"seconds": seconds, "rows_per_second": rows / seconds, "peak_mb": result["peak_mb"]}


# ---------------------------------------------------------------- scenarios


def _store_with_customers(engine_name: str, args: argparse.Namespace, customers: Path) -> str:
    """A fresh store holding the customers (ids 1…N in file order)."""
    url = new_store(engine_name, args.workdir)
    loaded = wait_measured(
        import_args("customers", customers, args.batch_size), cli_env(url, args.workdir)
    )
    assert loaded["returncode"] == 0, loaded["stderr"]
    return url


def _import(engine_name: str, args: argparse.Namespace, files: tuple[Path, Path]) -> dict[str, Any]:
    url = _store_with_customers(engine_name, args, files[0])
    try:
        measured = wait_measured(
            import_args("orders", files[1], args.batch_size), cli_env(url, args.workdir)
        )
        assert measured["returncode"] == 0, measured["stderr"]
        summary = measured["stdout"].strip().splitlines()[-1]
        expected = f"read={args.rows} inserted={args.rows} updated=0 unchanged=0 quarantined=0"
        assert summary == expected, summary
        assert count_orders(url) == (args.rows, args.rows)
    finally:
        drop_store(url)
    own = _reported_seconds(measured["stdout"])
    print(f"[{engine_name}] import: {own:.1f} s, peak {measured['peak_mb']:.0f} MB", flush=True)
    return {
        "seconds": own,
        "process_seconds": measured["seconds"],
        "peak_mb": measured["peak_mb"],
        "summary": summary,
    }


def _baseline(
    engine_name: str, args: argparse.Namespace, customers: Path, bare: bool
) -> dict[str, Any]:
    url = _store_with_customers(engine_name, args, customers)
    try:
        raw = baseline(engine_name, url, args.rows, args.customers, args.batch_size, bare=bare)
        if not bare:
            assert count_orders(url) == (args.rows, args.rows)
    finally:
        drop_store(url)
    print(
        f"[{engine_name}] baseline{' (unindexed)' if bare else ''}: {raw['seconds']:.1f} s",
        flush=True,
    )
    return raw


def measure_engine(
    engine_name: str, args: argparse.Namespace, files: tuple[Path, Path]
) -> dict[str, Any]:
    """The import, then the raw baseline(s) on the same table, each on a fresh store."""
    measured = _import(engine_name, args, files)
    raw = _baseline(engine_name, args, files[0], bare=False)
    bare = (
        _baseline(engine_name, args, files[0], bare=True) if engine_name == "postgresql" else None
    )
    rate = args.rows / measured["seconds"]
    return {
        "engine": engine_name,
        "rows": args.rows,
        "import_seconds": measured["seconds"],
        "import_process_seconds": measured["process_seconds"],
        "import_rows_per_second": rate,
        "import_peak_mb": measured["peak_mb"],
        "summary": measured["summary"],
        "baseline": raw,
        "baseline_unindexed": bare,
        "ratio": rate / raw["rows_per_second"],
    }


def kill_and_resume(
    engine_name: str, args: argparse.Namespace, files: tuple[Path, Path]
) -> dict[str, Any]:
    """Kill a 1M-row import at random checkpoints, resume each time, compare with a clean run."""
    customer_file, order_file = files
    clean_url = new_store(engine_name, args.workdir)
    try:
        env = cli_env(clean_url, args.workdir)
        wait_measured(import_args("customers", customer_file, args.batch_size), env)
        clean = wait_measured(import_args("orders", order_file, args.kill_batch), env)
        assert clean["returncode"] == 0, clean["stderr"]
    finally:
        drop_store(clean_url)
    url = new_store(engine_name, args.workdir)
    engine = make_engine(url)
    rng = random.Random(2026)
    targets = sorted(
        rng.sample(range(args.kill_batch, args.kill_rows - args.kill_batch), args.kills)
    )
    try:
        env = cli_env(url, args.workdir)
        wait_measured(import_args("customers", customer_file, args.batch_size), env)
        began = time.perf_counter()
        violations = 0
        for target in targets:
            violations += _kill_once(
                import_args("orders", order_file, args.kill_batch), env, engine, target, rng
            )
        final = wait_measured(import_args("orders", order_file, args.kill_batch), env)
        total = time.perf_counter() - began
        assert final["returncode"] == 0, final["stderr"]
        summary = final["stdout"].strip().splitlines()[-1]
        orders, distinct = count_orders(url)
        with engine.connect() as conn:
            jobs = conn.execute(
                text("SELECT count(*) FROM import_jobs WHERE kind = 'orders'")
            ).scalar()
        return {
            "engine": engine_name,
            "rows": args.kill_rows,
            "kills": args.kills,
            "batch_size": args.kill_batch,
            "clean_seconds": clean["seconds"],
            "killed_total_seconds": total,
            "summary": summary,
            "orders": orders,
            "duplicates": orders - distinct,
            "committed_rows_lost": violations,
            "jobs": jobs,
        }
    finally:
        engine.dispose()
        drop_store(url)


def _kill_once(
    args: list[str], env: dict[str, str], engine: Any, target: int, rng: random.Random
) -> int:
    """Start, wait until `target` rows are committed, SIGKILL; 1 if committed rows vanished."""

    def committed() -> tuple[int, int]:
        with engine.connect() as conn:
            checkpoint = conn.execute(
                text(
                    "SELECT coalesce(max(checkpoint_records), 0) FROM import_jobs "
                    "WHERE kind = 'orders'"
                )
            ).scalar()
            orders = conn.execute(text("SELECT count(*) FROM orders")).scalar()
        return int(checkpoint or 0), int(orders or 0)

    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while committed()[0] < target and process.poll() is None:
        time.sleep(0.01)
    time.sleep(rng.uniform(0, 0.2))
    seen = committed()
    process.send_signal(signal.SIGKILL)
    process.wait()
    after = committed()
    return int(after[1] < seen[1] or after[0] < seen[0])


# ---------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with psycopg.connect(ADMIN_URL) as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version[0] if pg_version else "?",
        "polars": pl.__version__,
    }


def markdown(results: dict[str, Any]) -> str:
    """The README table."""
    lines = [
        "| engine | rows | import rows/s | import peak MB | baseline rows/s | baseline | ratio |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for run in results["imports"]:
        base = run["baseline"]
        kind = "executemany" if run["engine"] == "sqlite" else "binary COPY"
        lines.append(
            f"| {run['engine']} | {run['rows']:,} | {run['import_rows_per_second']:,.0f} | "
            f"{run['import_peak_mb']:.0f} | {base['rows_per_second']:,.0f} | "
            f"{kind} into `orders` | "
            f"{run['ratio']:.0%} |"
        )
        if run.get("baseline_unindexed"):
            bare = run["baseline_unindexed"]
            lines.append(
                f"| {run['engine']} | {run['rows']:,} | | | {bare['rows_per_second']:,.0f} | "
                "binary COPY into an unindexed table without FK | |"
            )
    return "\n".join(lines)


def main() -> None:
    """Run the scenarios and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--kill-rows", type=int, default=1_000_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--kill-batch", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, default=ROOT / "data" / "import")
    parser.add_argument(
        "--child-baseline", nargs=5, metavar=("ENGINE", "URL", "ROWS", "CUSTOMERS", "BATCH")
    )
    parser.add_argument("--bare", action="store_true")
    args = parser.parse_args()
    if args.child_baseline:
        engine_name, url, rows, customers, batch = args.child_baseline
        child_baseline(engine_name, url, int(rows), int(customers), int(batch), args.bare)
        return
    began = time.perf_counter()
    files = write_inputs(args.workdir, args.rows, args.customers)
    print(
        f"input written ({files[1].stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - began:.0f} s",
        flush=True,
    )
    engines = args.engines.split(",")
    results: dict[str, Any] = {"machine": machine(), "imports": [], "kill_and_resume": []}
    for engine_name in engines:
        results["imports"].append(measure_engine(engine_name, args, files))
    if args.kill_rows:
        kill_files = write_inputs(args.workdir, args.kill_rows, args.customers)
        for engine_name in engines:
            results["kill_and_resume"].append(kill_and_resume(engine_name, args, kill_files))
            print(json.dumps(results["kill_and_resume"][-1], indent=2), flush=True)
    out = ROOT / "results" / "import_orders.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
