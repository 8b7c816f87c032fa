"""Benchmark: `centricity import calls` of 1,000,000 Asterisk call records, against the
orders import in the same run.

Issue 13's target: 1,000,000 call records imported at no less than half the rate of the
orders import. Each engine gets, for each measurement, a fresh store with the same 100,000
Czech customers (mobile phones in mixed written forms, `phone_e164` and `search_key` as
the customer service makes them), a call-centre department and an SLA policy for phone
tasks (`calls_bench/store.py`). Measured, each as its own process (its own reported time,
which includes reading and checking the file but not interpreter start-up; peak resident
memory from `wait4`):

1. `centricity import orders` of 1,000,000 rows (the orders benchmark's Czech ERP export,
   `import_bench/inputs.py`) — rows per second;
2. `centricity import calls` of a 1,000,000-row `Master.csv` (`calls_bench/records.py`:
   70 % inbound from customers, 10 % from unknown numbers, 20 % outbound; 78 % answered,
   12 % no answer, 5 % busy, 3 % gave up in the queue, 2 % failed), with the Asterisk times
   read as Europe/Prague — rows per second, peak memory, what it left (calls, contacts,
   call-back tasks), checked against what the file should give;
3. the same calls file imported again: `inserted=0`, and nothing in the store changed.

Usage (from the repository root)::

    .venv/bin/python benchmarks/import_calls.py                          # 1M rows, both engines
    .venv/bin/python benchmarks/import_calls.py --rows 100000 --engines sqlite   # quick
    .venv/bin/python benchmarks/import_calls.py --rows 200000 --profile  # cProfile of the import

Results are printed and written to `benchmarks/results/import_calls.json`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import pstats
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl
import psycopg
from bench_kit import DATA_DIR, REPO_DIR, RESULTS_DIR, machine, write_result
from bench_kit.processes import run_measured
from bench_kit.stores import POSTGRES_ADMIN_URL, drop_store, postgres_version
from calls_bench import calls_env
from calls_bench.records import write_master_csv
from calls_bench.store import build_store, counts, customer_rows
from import_bench import count_orders, import_args
from import_bench.inputs import write_inputs

TARGET = 0.5  # calls rate / orders rate
CALLS_OPTIONS = ["--timezone", "Europe/Prague"]  # Asterisk writes the PBX's local time


def _summary(measured: dict[str, Any]) -> str:
    assert measured["returncode"] == 0, measured["stderr"][-3000:] + measured["stdout"][-3000:]
    return str(measured["stdout"].strip().splitlines()[-1])


def _reported_seconds(stdout: str) -> float:
    """The import's own time (file checks included, interpreter start-up not)."""
    match = re.search(r"^\d+ rows in ([0-9.]+) s", stdout, re.MULTILINE)
    assert match, stdout
    return float(match.group(1))


def _measured(measured: dict[str, Any], rows: int) -> dict[str, Any]:
    summary = _summary(measured)  # first: a failed import shows its error
    seconds = _reported_seconds(measured["stdout"])
    return {
        "seconds": round(seconds, 2),
        "process_seconds": round(measured["seconds"], 2),
        "rows_per_second": round(rows / seconds),
        "peak_mb": round(measured["peak_mb"], 1),
        "summary": summary,
    }


def _orders(
    engine_name: str, args: argparse.Namespace, customers: list[Any], orders_file: Path
) -> dict[str, Any]:
    url, built = build_store(engine_name, args.workdir, customers)
    try:
        env = calls_env(url, args.workdir)
        measured = run_measured(import_args("orders", orders_file, args.batch_size), env)
        result = _measured(measured, args.rows)
        expected = f"read={args.rows} inserted={args.rows} updated=0 unchanged=0 quarantined=0"
        assert result["summary"] == expected, result["summary"]
        assert count_orders(url) == (args.rows, args.rows)
    finally:
        drop_store(url)
    result["store_seconds"] = round(built, 1)
    print(
        f"[{engine_name}] orders: {result['seconds']:.1f} s, {result['rows_per_second']:,} rows/s, "
        f"peak {result['peak_mb']:.0f} MB",
        flush=True,
    )
    return result


def _check(found: dict[str, Any], facts: dict[str, int]) -> dict[str, Any]:
    """The store holds what the file should give: asserted where the benchmark's figures
    depend on it, returned (expected, found) where the import reads a row otherwise."""
    assert found["calls"] == facts["rows"], (found, facts)
    assert found["calls_with_customer"] == facts["calls_with_customer"], (found, facts)
    assert found["interactions"] == facts["calls_with_customer"], (found, facts)
    assert found["missed_from_customers"] == facts["missed_from_customers"], (found, facts)
    assert found["calls_without_owner"] == 0, found
    assert found["open_call_backs"] == found["open_call_back_tasks"], found
    differ = {
        name: {"expected": facts[name], "found": found[name]}
        for name in ("missed_calls",)
        if facts[name] != found[name]
    }
    for name, pair in differ.items():
        print(f"  NOTE: {name} expected {pair['expected']:,}, found {pair['found']:,}")
    return differ


def _calls(
    engine_name: str, args: argparse.Namespace, customers: list[Any], master: tuple[Path, Any]
) -> dict[str, Any]:
    path, facts = master
    url, built = build_store(engine_name, args.workdir, customers)
    command = [*import_args("calls", path, args.batch_size), *CALLS_OPTIONS]
    try:
        env = calls_env(url, args.workdir)
        first = _measured(run_measured(command, env), args.rows)
        expected = f"read={args.rows} inserted={args.rows} updated=0 unchanged=0 quarantined=0"
        assert first["summary"] == expected, first["summary"]
        found = counts(url)
        differ = _check(found, facts)
        print(
            f"[{engine_name}] calls: {first['seconds']:.1f} s, {first['rows_per_second']:,} rows/s,"
            f" peak {first['peak_mb']:.0f} MB; {json.dumps(found)}",
            flush=True,
        )
        again = _measured(run_measured(command, env), args.rows)
        expected = f"read={args.rows} inserted=0 updated=0 unchanged={args.rows} quarantined=0"
        assert again["summary"] == expected, again["summary"]
        after = counts(url)
        assert after == found, {k: (found[k], after[k]) for k in found if found[k] != after[k]}
        print(
            f"[{engine_name}] calls again: {again['seconds']:.1f} s, {again['summary']}; "
            "store unchanged",
            flush=True,
        )
    finally:
        if not args.keep:
            drop_store(url)
    return {
        **first,
        "store_seconds": round(built, 1),
        "counts": found,
        "not_as_expected": differ,
        "again": again,
    }


def measure_engine(
    engine_name: str,
    args: argparse.Namespace,
    customers: list[Any],
    orders_file: Path,
    master: tuple[Path, Any],
) -> dict[str, Any]:
    """The orders import, the calls import and its re-import, each on a fresh store."""
    orders = _orders(engine_name, args, customers, orders_file)
    calls = _calls(engine_name, args, customers, master)
    ratio = calls["rows_per_second"] / orders["rows_per_second"]
    print(f"[{engine_name}] calls / orders: {ratio:.0%} (target {TARGET:.0%})", flush=True)
    return {
        "engine": engine_name,
        "rows": args.rows,
        "customers": args.customers,
        "batch_size": args.batch_size,
        "orders": orders,
        "calls": calls,
        "ratio": round(ratio, 3),
        "target_met": ratio >= TARGET,
    }


def profile(args: argparse.Namespace, customers: list[Any], master: tuple[Path, Any]) -> None:
    """The calls import under cProfile on a fresh store of the first engine; top functions."""
    engine_name = args.engines.split(",")[0]
    url, _built = build_store(engine_name, args.workdir, customers)
    out = args.workdir / f"import_calls_{engine_name}_{args.rows}.prof"
    command = [
        sys.executable, "-m", "cProfile", "-o", str(out),
        "-m", "centricity", "import", "calls", str(master[0]),
        "--batch-size", str(args.batch_size), "--no-progress", *CALLS_OPTIONS,
    ]  # fmt: skip
    try:
        measured = run_measured(command, calls_env(url, args.workdir))
        print(_summary(measured), f"({measured['seconds']:.1f} s under the profiler)")
    finally:
        drop_store(url)
    stats = pstats.Stats(str(out))
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    print(f"profile: {out}")


def source_state() -> dict[str, str]:
    """Which code was measured: the commit, and a digest of the working tree's telephony and
    import sources (they may hold uncommitted changes)."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True
    ).stdout.strip()
    digest = hashlib.sha256()
    for folder in ("telephony", "imports", "cases"):
        for path in sorted((REPO_DIR / "src" / "centricity" / folder).rglob("*.py")):
            digest.update(path.read_bytes())
    return {"commit": head, "telephony_imports_cases_sha256": digest.hexdigest()[:16]}


def _postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def markdown(results: dict[str, Any]) -> str:
    """The README table."""
    lines = [
        "| engine | orders rows/s | calls rows/s | **calls / orders** | calls peak MB | "
        "orders peak MB | re-import | calls with customer | contacts | missed from customers "
        "| call-backs (open / all) |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for run in results["runs"]:
        orders, calls, c = run["orders"], run["calls"], run["calls"]["counts"]
        lines.append(
            f"| {run['engine']} | {orders['rows_per_second']:,} ({orders['seconds']:.1f} s) | "
            f"{calls['rows_per_second']:,} ({calls['seconds']:.1f} s) | **{run['ratio']:.0%}** | "
            f"{calls['peak_mb']:.0f} | {orders['peak_mb']:.0f} | "
            f"{calls['again']['seconds']:.1f} s, inserted=0 | {c['calls_with_customer']:,} | "
            f"{c['interactions']:,} | {c['missed_from_customers']:,} | "
            f"{c['open_call_back_tasks']:,} / {c['call_backs']:,} |"
        )
    return "\n".join(lines)


def _earlier_runs(args: argparse.Namespace, engines: list[str]) -> list[dict[str, Any]]:
    """Runs of other engines kept from the results file when they were of the same size
    (`--engines postgresql` adds to an earlier SQLite run)."""
    path = RESULTS_DIR / "import_calls.json"
    if not path.exists():
        return []
    earlier = json.loads(path.read_text(encoding="utf-8")).get("runs", [])
    return [r for r in earlier if r["engine"] not in engines and r["rows"] == args.rows]


def main() -> None:
    """Write the inputs, measure each engine, write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--workdir", type=Path, default=DATA_DIR / "import_calls")
    parser.add_argument("--keep", action="store_true", help="keep the calls store")
    parser.add_argument("--profile", action="store_true", help="cProfile the calls import only")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    engines = args.engines.split(",")
    if "postgresql" in engines and not _postgres_available():
        print(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: measuring SQLite only")
        engines = [e for e in engines if e != "postgresql"]
    began = time.perf_counter()
    customers = customer_rows(args.customers)
    master = write_master_csv(args.workdir, args.rows, args.customers)
    print(
        f"inputs: {args.customers:,} customers, Master.csv {master[0].stat().st_size / 1e6:.0f} MB "
        f"in {time.perf_counter() - began:.0f} s; expected {json.dumps(master[1])}",
        flush=True,
    )
    if args.profile:
        profile(args, customers, master)
        return
    _customer_file, orders_file = write_inputs(args.workdir, args.rows, args.customers)
    results: dict[str, Any] = {
        "machine": {
            **machine.describe(postgres_version() if "postgresql" in engines else "not used"),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "polars": pl.__version__,
        },
        "input": master[1],
        "runs": _earlier_runs(args, engines),
    }
    for engine_name in engines:
        source, started = source_state(), time.strftime("%Y-%m-%d %H:%M", time.gmtime())
        run = measure_engine(engine_name, args, customers, orders_file, master)
        run["measured_at"] = started
        run["source"] = source
        if source_state() != source:  # the sources changed while it ran
            run["source_after"] = source_state()
        run["load_after"] = machine.load_average()
        results["runs"].append(run)
        print("results:", write_result("import_calls", results), flush=True)  # after each engine
    print(markdown(results))


if __name__ == "__main__":
    main()
