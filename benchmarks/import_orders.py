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
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import polars as pl
from bench_kit import DATA_DIR, write_result
from bench_kit.machine import cpu_model, memory_gib
from bench_kit.processes import run_measured
from bench_kit.stores import drop_store, new_store, postgres_version
from import_bench import STORE_NAME, cli_env, count_orders, import_args
from import_bench.baseline import baseline, child_baseline
from import_bench.inputs import write_inputs
from import_bench.kill import kill_and_resume


def _reported_seconds(stdout: str) -> float:
    """The import's own time (file checks included, interpreter start-up not)."""
    match = re.search(r"^\d+ rows in ([0-9.]+) s", stdout, re.MULTILINE)
    assert match, stdout
    return float(match.group(1))


def _store_with_customers(engine_name: str, args: argparse.Namespace, customers: Path) -> str:
    """A fresh store holding the customers (ids 1…N in file order)."""
    url = new_store(engine_name, args.workdir, STORE_NAME)
    loaded = run_measured(
        import_args("customers", customers, args.batch_size), cli_env(url, args.workdir)
    )
    assert loaded["returncode"] == 0, loaded["stderr"]
    return url


def _import(engine_name: str, args: argparse.Namespace, files: tuple[Path, Path]) -> dict[str, Any]:
    url = _store_with_customers(engine_name, args, files[0])
    try:
        measured = run_measured(
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


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    memory = memory_gib()
    return {
        "cpu": cpu_model(platform.processor()),
        "cores": os.cpu_count(),
        "memory_gb": None if memory is None else round(memory, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(),
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
    parser.add_argument("--workdir", type=Path, default=DATA_DIR / "import")
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
    write_result("import_orders", results)
    print(markdown(results))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
