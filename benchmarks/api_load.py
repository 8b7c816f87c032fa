"""Benchmark: the app under concurrent load, on SQLite (one worker) and PostgreSQL (2 workers).

Issue requirement: requests/s and p50/p95/p99 at 50 concurrent connections for customer
search, the customer 360 page, the timeline API, `POST /api/v1/interactions` and a 70/30
read/write mix, on the demo store and on the 1,000,000-customer store, plus the latency at
a fixed offered load of 100 requests/s. Targets: the mix at >= 250 requests/s on SQLite and
>= 400 on PostgreSQL; at 100 requests/s offered, p95 < 100 ms for reads and < 150 ms for
writes; zero errors.

`centricity serve` runs as its own process (`--no-scheduler`, production settings, access
log on); `wrk` (closed loop, 2 threads, `api_load_bench/requests.lua`) drives each case after
a warm-up; then an open-loop generator (`bench_kit.loadgen.open_loop`) offers the 70/30 mix at
a fixed rate and times each request from its scheduled send time. Both generators' own CPU
use is measured (the issue asks it to stay below half a core).

Usage (from the repository root)::

    .venv/bin/python benchmarks/api_load.py                        # demo store, both engines
    .venv/bin/python benchmarks/api_load.py --stores demo,1m --engines sqlite
    .venv/bin/python benchmarks/api_load.py --cases post,mix --seconds 10   # a quick look

The demo store is built once by `centricity demo` (SQLite under `benchmarks/data/
api_load_demo/`, PostgreSQL in the database `centricity_api_load_demo`); the 1,000,000-customer
store is the SQLite one of `customers_page.py --build-only`. The write cases add rows (a few
thousand contacts per run) to the stores. Results: `benchmarks/results/api_load.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from api_load_bench import SCRIPT, Store, find_store
from bench_kit import BENCH_DIR, RESULTS_DIR, write_result
from bench_kit.loadgen import open_loop, raw_request, require_wrk, run_wrk
from bench_kit.machine import cpu_model, cpu_times, load_average, memory_gib, process_tree_cpu
from bench_kit.processes import centricity_env
from bench_kit.serving import free_port, serve_command, wait_healthy
from bench_kit.staff import SignedIn, sign_in
from bench_kit.stores import POSTGRES_ADMIN_URL, session
from bench_kit.timing import latency
from sqlalchemy import text

from centricity.accounts import service as accounts

CASES = ("search", "360", "timeline", "post", "mix")
READS = ("search", "360", "timeline")
MIX_TARGET = {"sqlite": 250, "postgres": 400}
READ_P95_MS, WRITE_P95_MS = 100.0, 150.0
CHANNELS = ("phone", "email", "chat", "visit")
CORES = os.cpu_count() or 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--stores", default="demo", help="demo and/or 1m")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=15, help="each measured wrk run")
    parser.add_argument("--warmup", type=int, default=5, help="wrk warm-up before each case")
    parser.add_argument("--rate", type=float, default=100.0, help="fixed offered load (req/s)")
    parser.add_argument("--fixed-seconds", type=float, default=30.0)
    parser.add_argument(
        "--what-if-pool",
        type=int,
        default=0,
        help="serve with pool_size = max_overflow = N (a what-if; results under KEY+poolN)",
    )
    return parser.parse_args(argv)


def workload(url: str, seed: int = 11) -> dict[str, list[tuple[str, str, str]]]:
    """(method, path, JSON body) lines of each case, drawn from the store's customers."""
    rng = random.Random(seed)
    with session(url) as db:
        rows = db.execute(text("SELECT id, name FROM customers ORDER BY random() LIMIT 2000"))
        customers = [(int(i), str(n)) for i, n in rows]
    queries = []
    for _, name in customers[:400]:
        words = name.split()
        queries += [words[-1], words[-1][:4], " ".join(words[:2])]
    ids = [i for i, _ in customers]
    cases: dict[str, list[tuple[str, str, str]]] = {
        "search": [("GET", f"/customers?q={quote(q)}", "") for q in queries],
        "360": [("GET", f"/customers/{i}", "") for i in ids],
        "timeline": [("GET", f"/api/v1/customers/{i}/timeline", "") for i in ids],
    }
    body = {"direction": "inbound", "note": "Asked about the delivery date (load test)."}
    cases["post"] = [
        ("POST", "/api/v1/interactions", json.dumps(body | {"customer_id": i, "channel": c}))
        for i, c in zip(ids, rng.choices(CHANNELS, k=len(ids)), strict=True)
    ]
    mix = [cases[k][n] for n in range(700) for k in READS if n % 3 == READS.index(k)]
    mix += cases["post"][:300]
    rng.shuffle(mix)
    cases["mix"] = mix
    return cases


def fixed_load(port: int, lines: list[tuple[str, str, str]], creds: SignedIn, args: Any) -> dict:
    """The 70/30 mix offered at `args.rate` requests/s: latency per kind, reads, writes."""
    host = f"127.0.0.1:{port}"
    requests = []
    for method, path, body in lines:
        if path.startswith("/api/"):
            headers = {"Authorization": f"Bearer {creds.token}"}
        else:
            headers = {"Cookie": f"centricity_session={creds.cookie}"}
        if body:
            headers["Content-Type"] = "application/json"
        kind = "write" if method == "POST" else "read"
        requests.append((kind, raw_request(host, method, path, headers, body.encode())))
    run = open_loop("127.0.0.1", port, requests, rate=args.rate, seconds=args.fixed_seconds)
    out: dict[str, Any] = {"generator_cores": round(run.cores, 3), "offered_rps": args.rate}
    out["achieved_rps"] = round(len(run.samples) / run.seconds, 1)
    for kind in ("read", "write"):
        out[kind] = latency([s.ms for s in run.samples if s.kind == kind])
    out["errors"] = sum(1 for s in run.samples if not 200 <= s.status < 400)
    out["statuses"] = dict(Counter(str(s.status) for s in run.samples))  # 0: no answer
    return out


def measure(store: Store, args: argparse.Namespace) -> dict[str, Any]:
    """Serve one store, run each case under wrk, then the fixed load; the results."""
    accounts.use_secret(store.secret)  # session and token digests are keyed like the server's
    # A session for the pages and a writable token (the POST needs an agent's token).
    creds = sign_in(store.url, store.email, max_age_seconds=3600, api_token=True, read_only=False)
    cases = workload(store.url)
    result: dict[str, Any] = {"loadavg_before": load_average(), "cases": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            listing = Path(tmp, f"{case}.tsv")
            listing.write_text("".join("\t".join(line) + "\n" for line in cases[case]))
            with serving(store, args) as (port, server, log):
                url, script_args = (
                    f"http://127.0.0.1:{port}",
                    [str(listing), creds.cookie, creds.token],
                )
                run_wrk(url, SCRIPT, script_args, seconds=args.warmup, connections=args.connections)
                busy, total = cpu_times()
                served = process_tree_cpu(server.pid)
                start = log.tell()
                r = run_wrk(
                    url, SCRIPT, script_args, seconds=args.seconds, connections=args.connections
                )
                busy2, total2 = cpu_times()
                # The app's CPU per request, how many cores the whole machine kept busy, and
                # answers of 500 or more the server logged (wrk misses those it gave up on).
                r["server_cpu_ms"] = (
                    (process_tree_cpu(server.pid) - served) * 1000 / max(r["requests"], 1)
                )
                r["machine_busy_cores"] = (busy2 - busy) / (total2 - total) * CORES
                log.seek(start)
                r["server_5xx"] = len(re.findall(rb" 5\d\d \d+\.\dms", log.read()))
            result["cases"][case] = r
            print(f"  {store.key} {case}: {summary_line(r)}", flush=True)
    with serving(store, args) as (port, _server, _log):
        result["fixed"] = fixed_load(port, cases["mix"], creds, args)
    print(f"  {store.key} fixed load: {json.dumps(result['fixed'])}", flush=True)
    result["loadavg_after"] = load_average()
    return result


@contextmanager
def serving(store: Store, args: argparse.Namespace) -> Iterator[tuple[int, Any, Any]]:
    """A fresh `centricity serve` for one case (a stalled case cannot slow the next): its
    port, process and log (opened for reading too)."""
    env = centricity_env(
        inherit=False,
        data_dir=str(store.data_dir),
        database_url=store.url,
        secret_key=store.secret,
        environment="production",
    )
    serve = ["--workers", "2"] if store.engine == "postgres" else []
    serve.append("--no-scheduler")
    if args.what_if_pool:  # larger connection pool (api_load_bench/what_if_serve.py)
        env["BENCH_POOL_SIZE"] = str(args.what_if_pool)
        env["PYTHONPATH"] = str(BENCH_DIR)
    port = free_port()
    with (store.data_dir / "api_load_server.log").open("w+b") as log:
        if args.what_if_pool:
            command = [sys.executable, "-m", "api_load_bench.what_if_serve", "serve"]
            server = subprocess.Popen(
                [*command, "--port", str(port), *serve], env=env, stdout=log, stderr=log
            )
            wait_healthy(
                f"http://127.0.0.1:{port}", stop=server.terminate, who="server", poll_timeout=1
            )
        else:
            server = serve_command(env, port, *serve, log=log)
        try:
            yield port, server, log
        finally:
            server.terminate()
            server.wait(timeout=30)


def summary_line(r: dict[str, Any]) -> str:
    """One wrk result in a line."""
    errors = sum(v for k, v in r.items() if k.startswith("errors_"))
    return (
        f"{r['rps']:.0f} req/s, p50 {r['p50']:.1f} p95 {r['p95']:.1f} p99 {r['p99']:.1f} ms, "
        f"{errors} errors, wrk CPU {r['generator_cores']:.2f} core, app CPU "
        f"{r['server_cpu_ms']:.1f} ms/request, machine busy {r['machine_busy_cores']:.2f} cores, "
        f"server 5xx {r['server_5xx']}"
    )


def verdicts(key: str, engine: str, r: dict[str, Any]) -> list[str]:
    """The issue's targets, met or missed, for one engine and store."""
    lines = []
    if "mix" in r["cases"]:
        rps = r["cases"]["mix"]["rps"]
        ok = rps >= MIX_TARGET[engine]
        lines.append(f"{key}: mix {rps:.0f} req/s (>= {MIX_TARGET[engine]}): {ok}")
    fixed = r["fixed"]
    lines.append(
        f"{key}: fixed reads p95 {fixed['read']['p95']:.1f} ms (< 100): "
        f"{fixed['read']['p95'] < READ_P95_MS}"
    )
    lines.append(
        f"{key}: fixed writes p95 {fixed['write']['p95']:.1f} ms (< 150): "
        f"{fixed['write']['p95'] < WRITE_P95_MS}"
    )
    errors = fixed["errors"] + sum(
        v
        for c in r["cases"].values()
        for k, v in c.items()
        if k.startswith(("errors_", "server_5"))
    )
    lines.append(f"{key}: errors {errors} (zero): {errors == 0}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every store and engine asked for; print, merge into the results file."""
    args = parse_args(argv)
    require_wrk()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    machine = {
        "cpu": cpu_model(),
        "cores": CORES,
        "memory_gib": round(memory_gib() or 0, 1),
        "python": sys.version.split()[0],
        "postgres": str(psycopg.connect(POSTGRES_ADMIN_URL).info.server_version),
        "wrk": wrk_version.split("\n")[0],
    }
    print("Machine: " + ", ".join(f"{k}={v}" for k, v in machine.items()))
    path = RESULTS_DIR / "api_load.json"
    saved = json.loads(path.read_text()) if path.exists() else {"runs": {}}
    lines = []
    for kind in args.stores.split(","):
        for engine in args.engines.split(","):
            store = find_store(kind, engine)
            if store is None:
                continue
            if args.what_if_pool:
                store.key += f"+pool{args.what_if_pool}"
            print(f"Measuring {store.key}", flush=True)
            result = measure(store, args) | {"machine": machine, "options": vars(args)}
            saved["runs"][store.key] = result
            lines += verdicts(store.key, engine, result)
    write_result("api_load", saved)
    print("\n".join(["", "Targets:", *lines]))
    return 0 if all(line.endswith("True") for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
