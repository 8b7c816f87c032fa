"""Kill and resume: a 1,000,000-row import killed with SIGKILL once the committed checkpoint
passes each of N random row counts (plus 0–200 ms), restarted after every kill, then run to
the end, next to a clean run of the same file."""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from bench_kit.processes import run_measured
from bench_kit.stores import drop_store, new_store
from sqlalchemy import text

from centricity.db import make_engine
from import_bench import STORE_NAME, cli_env, count_orders, import_args


def kill_and_resume(
    engine_name: str, args: argparse.Namespace, files: tuple[Path, Path]
) -> dict[str, Any]:
    """Kill a 1M-row import at random checkpoints, resume each time, compare with a clean run."""
    customer_file, order_file = files
    clean_url = new_store(engine_name, args.workdir, STORE_NAME)
    try:
        env = cli_env(clean_url, args.workdir)
        run_measured(import_args("customers", customer_file, args.batch_size), env)
        clean = run_measured(import_args("orders", order_file, args.kill_batch), env)
        assert clean["returncode"] == 0, clean["stderr"]
    finally:
        drop_store(clean_url)
    url = new_store(engine_name, args.workdir, STORE_NAME)
    engine = make_engine(url)
    rng = random.Random(2026)
    targets = sorted(
        rng.sample(range(args.kill_batch, args.kill_rows - args.kill_batch), args.kills)
    )
    try:
        env = cli_env(url, args.workdir)
        run_measured(import_args("customers", customer_file, args.batch_size), env)
        began = time.perf_counter()
        violations = 0
        for target in targets:
            violations += _kill_once(
                import_args("orders", order_file, args.kill_batch), env, engine, target, rng
            )
        final = run_measured(import_args("orders", order_file, args.kill_batch), env)
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
