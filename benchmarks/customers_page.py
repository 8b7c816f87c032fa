"""Benchmark: customer search and the customer 360 page on a large SQLite store.

Issue requirement: 1,000,000 customers and 10,000,000 orders in SQLite; median and p95 of
the customer search and of the customer 360 page; target p95 under 50 ms for both.

The script builds (or, with `--reuse`, keeps) a seeded store under `benchmarks/data/`,
starts the real app with Uvicorn on a free loopback port and measures over real HTTP:

* customer search: `GET /customers?q=...` (HTML page) and `GET /api/v1/customers?q=...`
  with a mix of query classes (surnames with and without diacritics, e-mail fragments,
  phone digits, external ids, 2- and 3-character prefixes, very common trigrams);
* customer 360: `GET /customers/{id}` (HTML page) and
  `GET /api/v1/customers/{id}/timeline` for random customers and for the heaviest ones.

Usage (from the repository root)::

    .venv/bin/python benchmarks/customers_page.py                  # 1M customers, 10M orders
    .venv/bin/python benchmarks/customers_page.py --reuse          # keep an existing store
    .venv/bin/python benchmarks/customers_page.py --customers 20000 --orders 200000 \
        --interactions 40000 --search-requests 200 --detail-requests 100

Results are printed and written to `benchmarks/data/customers_page_results.{json,md}`
(full-size runs also to `benchmarks/results/customers_page.json`, kept in git);
`--profile` replays the slowest requests of each class in-process and splits their time
into SQL statements (each re-run alone, with EXPLAIN QUERY PLAN).
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from collections.abc import Sequence
from typing import Any

from bench_kit import DATA_DIR, write_result
from bench_kit.machine import load_average
from bench_kit.serving import LiveServer
from bench_kit.staff import sign_in
from customers_bench import (
    AGENT_EMAIL,
    FULL_CUSTOMERS,
    FULL_ORDERS,
    TARGET_MS,
    app_settings,
)
from customers_bench.build import build_or_reuse
from customers_bench.profile import profile_requests, worst_paths
from customers_bench.report import machine, markdown, print_tables, summarise
from customers_bench.workload import build_probes, run_probes

from centricity.accounts import service as accounts


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=FULL_CUSTOMERS)
    parser.add_argument("--orders", type=int, default=FULL_ORDERS)
    parser.add_argument(
        "--interactions", type=int, default=None, help="default: 2 x customers (2,000,000)"
    )
    parser.add_argument("--reuse", action="store_true", help="keep a matching existing store")
    parser.add_argument("--build-only", action="store_true", help="build the store and stop")
    parser.add_argument(
        "--search-requests", type=int, default=1000, help="per search endpoint (all classes)"
    )
    parser.add_argument(
        "--detail-requests", type=int, default=600, help="random customers per 360 endpoint"
    )
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument(
        "--server-thread",
        action="store_true",
        help="run Uvicorn in a thread of this process (as tests/live_server.py does) "
        "instead of its own process",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="replay the slowest requests in-process and time and explain their SQL",
    )
    args = parser.parse_args(argv)
    if args.interactions is None:
        args.interactions = 2 * args.customers
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Build or reuse the store, measure over HTTP, print and save the results."""
    args = parse_args(argv)
    info = machine()
    print("Machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    db_path, report, reused = build_or_reuse(args)
    if args.build_only:
        return 0
    secret = secrets.token_urlsafe(48)
    accounts.use_secret(secret)  # session and token digests are keyed like the server's
    creds = sign_in(f"sqlite:///{db_path}", AGENT_EMAIL, max_age_seconds=6 * 3600, api_token=True)
    probes = build_probes(db_path, args.customers, args.search_requests, args.detail_requests)
    print(f"Measuring {len(probes)} requests ({'thread' if args.server_thread else 'process'})")
    info["loadavg_before"] = load_average()
    server = LiveServer(app_settings(db_path, secret), in_thread=args.server_thread)
    try:
        samples = run_probes(server.base, creds, probes, args.warmup)
    finally:
        server.stop()
    info["loadavg_after"] = load_average()
    print(f"Load average before/after: {info['loadavg_before']} / {info['loadavg_after']}")
    summary = summarise(samples)
    print_tables(summary)
    profile_rows: list[dict[str, Any]] = []
    if args.profile:
        print("\nSlowest requests replayed in-process, split into SQL statements")
        paths = worst_paths(samples, per_group=2)
        profile_rows = profile_requests(db_path, creds, paths, secret)
    block = markdown(report, summary, info)
    results = {
        "machine": info,
        "store": report.__dict__,
        "reused_store": reused,
        "server": "thread" if args.server_thread else "process",
        "summary": summary,
        "profile": profile_rows,
    }
    stem = "customers_page_results"
    if args.customers != FULL_CUSTOMERS or args.orders != FULL_ORDERS:
        stem += f"_{args.customers}c_{args.orders}o"
    (DATA_DIR / f"{stem}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (DATA_DIR / f"{stem}.md").write_text(block, encoding="utf-8")
    print(f"\nWrote {DATA_DIR / stem}.json and .md")
    if stem == "customers_page_results":  # the full size: kept in git beside the README
        write_result("customers_page", results)
    missed = [n for n, r in summary["per_endpoint"].items() if r["p95"] >= TARGET_MS]
    if missed:
        print("Target p95 < 50 ms MISSED for: " + "; ".join(" ".join(m.split()) for m in missed))
        return 1
    print("Target p95 < 50 ms met for every endpoint.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
