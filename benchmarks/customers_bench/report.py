"""Where the customers page benchmark ran and what it measured: the figures per endpoint and
per query class, printed as tables and written as a Markdown block for the README."""

from __future__ import annotations

import os
import platform
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import sqlalchemy
from bench_kit.machine import cpu_model, memory_gib
from bench_kit.timing import latency

from customers_bench import TARGET_MS
from customers_bench.build import LoadReport
from customers_bench.workload import Sample


def machine() -> dict[str, str]:
    """Where the benchmark ran."""
    ram = memory_gib()
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": cpu_model(),
        "ram": "unknown" if ram is None else f"{ram:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
    }


def summarise(samples: Sequence[Sample]) -> dict[str, Any]:
    """Figures per endpoint and per endpoint x class."""
    endpoints: dict[str, list[float]] = {}
    classes: dict[tuple[str, str], list[Sample]] = {}
    for sample in samples:
        endpoints.setdefault(sample.probe.endpoint, []).append(sample.ms)
        classes.setdefault((sample.probe.endpoint, sample.probe.klass), []).append(sample)
    per_endpoint = {name: latency(values) for name, values in endpoints.items()}
    per_class = []
    for (endpoint, klass), group in sorted(classes.items()):
        row = {"endpoint": endpoint, "class": klass, **latency([s.ms for s in group])}
        totals = [s.total for s in group if s.total is not None]
        if totals:
            row["median_hits"] = float(np.median(totals))
            row["max_hits"] = max(totals)
        per_class.append(row)
    return {"per_endpoint": per_endpoint, "per_class": per_class}


def print_tables(summary: dict[str, Any]) -> None:
    """Print the per-endpoint and per-class tables."""
    print("\nPer endpoint (ms, client-side wall time over HTTP)")
    print(f"{'endpoint':52} {'n':>5} {'median':>8} {'p95':>8} {'p99':>8} {'max':>8}  target")
    for name, row in sorted(summary["per_endpoint"].items()):
        verdict = "met" if row["p95"] < TARGET_MS else "MISSED"
        print(
            f"{name:52} {row['n']:5d} {row['median']:8.1f} {row['p95']:8.1f} "
            f"{row['p99']:8.1f} {row['max']:8.1f}  {verdict}"
        )
    print("\nPer endpoint and class (ms)")
    print(f"{'endpoint':52} {'class':32} {'n':>4} {'median':>8} {'p95':>8} {'max':>8}  hits")
    for row in summary["per_class"]:
        hits = f"{row['median_hits']:,.0f}" if "median_hits" in row else ""
        print(
            f"{row['endpoint']:52} {row['class']:32} {row['n']:4d} {row['median']:8.1f} "
            f"{row['p95']:8.1f} {row['max']:8.1f}  {hits}"
        )


def markdown(report: LoadReport, summary: dict[str, Any], info: dict[str, str]) -> str:
    """A Markdown block for benchmarks/README.md."""
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {info['nproc']} vCPU "
        f"{info['cpu']}, {info['ram']} RAM, Python {info['python']}, "
        f"SQLite {info['sqlite']}, SQLAlchemy {info['sqlalchemy']}; load average "
        f"{info.get('loadavg_before', '?')} before, {info.get('loadavg_after', '?')} after.",
        "",
        f"Store: {report.customers:,} customers, {report.orders:,} orders, "
        f"{report.interactions:,} interactions, {report.db_bytes / 1e9:.2f} GB "
        f"(seed {report.seed}). Load: "
        + "; ".join(f"{k} {v} s" for k, v in report.stages.items())
        + ".",
        "",
        "| endpoint | n | median ms | p95 ms | p99 ms | max ms | p95 < 50 ms |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in sorted(summary["per_endpoint"].items()):
        verdict = "yes" if row["p95"] < TARGET_MS else "**no**"
        lines.append(
            f"| `{' '.join(name.split())}` | {row['n']} | {row['median']:.1f} | "
            f"{row['p95']:.1f} | {row['p99']:.1f} | {row['max']:.1f} | {verdict} |"
        )
    lines += [
        "",
        "| endpoint | query class | n | median ms | p95 ms | max ms | median hits |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in summary["per_class"]:
        hits = f"{row['median_hits']:,.0f}" if "median_hits" in row else ""
        short = row["endpoint"].split()[0] + " " + row["endpoint"].split()[1]
        lines.append(
            f"| {short} | {row['class']} | {row['n']} | {row['median']:.1f} | "
            f"{row['p95']:.1f} | {row['max']:.1f} | {hits} |"
        )
    return "\n".join(lines) + "\n"
