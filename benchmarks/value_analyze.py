"""End-to-end `centricity analyze` on the 1M-customer / 10M-order SQLite store.

Uses the store built by `benchmarks/customers_page.py` (run that first), removes earlier value
runs so the analysis really runs, then times `centricity analyze` as a separate process and
reads its peak memory from the OS. Prints the stage timings the run records.

The analysis reads a large SQLite store in child processes, whose memory the OS's peak of the
command leaves out: the peak of the whole process tree is sampled too (the sum of every
process's proportional set size, every 0.1 s), with the CPU the machine spent meanwhile
(the measured run's own work plus whatever else ran: compare it with wall x 2 cores).

    .venv/bin/python benchmarks/value_analyze.py [--store PATH] [--as-of 2026-11-01]
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import threading
from pathlib import Path

from bench_kit.machine import (
    cpu_model,
    cpu_times,
    descendants,
    load_average,
    memory_gib,
    proportional_kib,
)
from bench_kit.processes import centricity_command, centricity_env, run_measured
from customers_bench import FULL_CUSTOMERS, FULL_ORDERS, store_paths

DEFAULT_STORE = store_paths(FULL_CUSTOMERS, FULL_ORDERS)[0]


def machine() -> str:
    """One line describing where the figures come from."""
    return (
        f"nproc={os.cpu_count()}, cpu={cpu_model(platform.processor())}, "
        f"ram={memory_gib() or 0:.1f} GiB, python={platform.python_version()}, "
        f"sqlite={sqlite3.sqlite_version}, load={load_average()}"
    )


def sizes(store: Path) -> tuple[int, int, int]:
    """Customers, orders and contacts in the store."""
    with sqlite3.connect(store) as conn:
        customers, orders, contacts = (
            int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in ("customers", "orders", "interactions")
        )
    return customers, orders, contacts


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


class TreeSampler:
    """Samples this process's descendants until stopped: the peak of their summed PSS, and
    the CPU seconds each used (the last figure seen before it ended)."""

    def __init__(self, every: float = 0.1) -> None:
        self.every, self.peak_kib = every, 0
        self.cpu: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeSampler:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.done.set()
        self.thread.join()

    def _sample(self) -> None:
        while not self.done.wait(self.every):
            tree = descendants(os.getpid())
            self.cpu.update(tree)
            self.peak_kib = max(self.peak_kib, sum(proportional_kib(p) for p in tree))


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
    env = centricity_env(database_url=f"sqlite:///{args.store}", scheduler_enabled="false")
    busy_before, total_before = cpu_times()
    with TreeSampler() as tree:
        done = run_measured(centricity_command("analyze", "--as-of", args.as_of), env)
    busy_after, total_after = cpu_times()
    print(done["stdout"][-3000:])
    if done["returncode"] != 0:
        sys.exit(done["stderr"][-3000:])
    print(
        f"centricity analyze: wall {done['seconds']:.1f} s, peak memory "
        f"{done['peak_mb']:,.0f} MiB (targets: < 60 s, < 4096 MiB)"
    )
    print(
        f"all its processes together: peak {tree.peak_kib / 1024:,.0f} MiB (PSS, sampled); "
        f"its CPU {sum(tree.cpu.values()):.1f} core-s; the machine was busy "
        f"{busy_after - busy_before:.1f} of {total_after - total_before:.1f} core-s "
        f"(the rest: other work); load average now {load_average()}"
    )
    print("Run stats:", run_stats(args.store))


if __name__ == "__main__":
    main()
