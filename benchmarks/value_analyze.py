"""End-to-end `centricity analyze` on the 1M-customer / 10M-order SQLite store.

Uses the store built by `benchmarks/customers_page.py` (run that first), removes earlier value
runs so the analysis really runs, then times `centricity analyze` as a separate process and
reads its peak memory from the OS. Prints the stage timings the run records.

    .venv/bin/python benchmarks/value_analyze.py [--store PATH] [--as-of 2026-11-01]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_STORE = ROOT / "benchmarks" / "data" / "customers_page_1000000c_10000000o.db"
CLI = [sys.executable, "-m", "centricity.cli"]


def machine() -> str:
    """One line describing where the figures come from."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"nproc={os.cpu_count()}, cpu={cpu}, ram={ram:.1f} GiB, python="
        f"{platform.python_version()}, sqlite={sqlite3.sqlite_version}, load={load}"
    )


def sizes(store: Path) -> tuple[int, int, int]:
    """Customers, orders and contacts in the store."""
    with sqlite3.connect(store) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
            for t in ("customers", "orders", "interactions")
        )


def forget_value_runs(store: Path) -> None:
    """Delete earlier value runs and scores, so the measured run does all the work."""
    with sqlite3.connect(store) as conn:
        conn.execute("DELETE FROM customer_values")
        conn.execute("DELETE FROM analytics_runs WHERE kind = 'value'")


def run_stats(store: Path) -> str:
    """The stats JSON the finished run recorded."""
    with sqlite3.connect(store) as conn:
        row = conn.execute(
            "SELECT stats FROM analytics_runs WHERE kind='value' AND "
            "status='done' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return str(row[0]) if row else "(no finished run)"


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--as-of", default="2026-11-01")
    args = parser.parse_args()
    if not args.store.exists():
        sys.exit(f"{args.store} not found: run benchmarks/customers_page.py first")
    print("Machine:", machine())
    customers, orders, contacts = sizes(args.store)
    print(f"Store: {customers:,} customers, {orders:,} orders, {contacts:,} contacts")
    forget_value_runs(args.store)
    env = {
        **os.environ,
        "CENTRICITY_DATABASE_URL": f"sqlite:///{args.store}",
        "CENTRICITY_SCHEDULER_ENABLED": "false",
    }
    started = time.perf_counter()
    done = subprocess.run(
        [*CLI, "analyze", "--as-of", args.as_of],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(done.stdout[-3000:])
    if done.returncode != 0:
        sys.exit(done.stderr[-3000:])
    print(
        f"centricity analyze: wall {wall:.1f} s, peak memory {peak_mib:,.0f} MiB "
        f"(targets: < 60 s, < 4096 MiB)"
    )
    print("Run stats:", run_stats(args.store))


if __name__ == "__main__":
    main()
