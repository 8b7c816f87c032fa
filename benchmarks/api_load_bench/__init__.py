"""The stores `api_load.py` measures: the demo workspace (built once by `centricity demo` on
SQLite or PostgreSQL) and the 1,000,000-customer SQLite store of `customers_page.py`; and
the wrk script."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg
from bench_kit import BENCH_DIR, DATA_DIR
from bench_kit.processes import centricity_command, centricity_env, run_measured
from bench_kit.stores import POSTGRES_ADMIN_URL
from customers_bench import AGENT_EMAIL, FULL_CUSTOMERS, FULL_ORDERS, store_paths

from centricity.demo import people

SCRIPT = BENCH_DIR / "api_load_bench" / "requests.lua"
DEMO_DIR = DATA_DIR / "api_load_demo"
DEMO_DATABASE = "centricity_api_load_demo"
DEMO_AS_OF = "2026-11-01"
DEMO_AGENT = people.staff_email("Bob Lindqvist")  # an agent of Customer Care
# Keys the stored session and token digests; benchmark stores hold only made-up people.
SECRET = "api-load-benchmark-secret-not-for-production-use"


@dataclass
class Store:
    """One store to serve: its URL, data folder, the agent who signs in, and a label."""

    key: str
    engine: str
    url: str
    data_dir: Path
    email: str
    secret: str = SECRET


def _postgres_url(database: str) -> str:
    server = POSTGRES_ADMIN_URL.split("://", 1)[1].rsplit("/", 1)[0]
    return f"postgresql+psycopg://{server}/{database}"


def _build_demo(url: str) -> None:
    """`centricity demo --no-serve` into the store at `url` (5,000 customers, fixed day)."""
    print(f"Building the demo store at {url.split('@')[-1]} ...", flush=True)
    env = centricity_env(inherit=False, data_dir=str(DEMO_DIR), database_url=url, secret_key=SECRET)
    run = run_measured(centricity_command("demo", "--no-serve", "--as-of", DEMO_AS_OF), env)
    if run["returncode"] != 0:
        raise SystemExit(f"centricity demo failed:\n{run['stdout']}\n{run['stderr']}")
    print(f"  built in {run['seconds']:.0f} s", flush=True)


def find_store(kind: str, engine: str) -> Store | None:
    """The store to measure, built first if it is the demo; None (with a word) if missing."""
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    if kind == "demo" and engine == "sqlite":
        path = DEMO_DIR / "centricity.db"
        url = f"sqlite:///{path}"
        if not path.exists():
            _build_demo(url)
        return Store("demo/sqlite", engine, url, DEMO_DIR, DEMO_AGENT)
    if kind == "demo" and engine == "postgres":
        url = _postgres_url(DEMO_DATABASE)
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            query = "SELECT 1 FROM pg_database WHERE datname = %s"
            if conn.execute(query, (DEMO_DATABASE,)).fetchone() is None:
                conn.execute(f'CREATE DATABASE "{DEMO_DATABASE}"')
                conn.close()
                _build_demo(url)
        return Store("demo/postgres", engine, url, DEMO_DIR, DEMO_AGENT)
    if kind == "1m" and engine == "sqlite":
        path = store_paths(FULL_CUSTOMERS, FULL_ORDERS)[0]
        if not path.exists():
            print(
                "1m/sqlite: no store; build it with "
                "`.venv/bin/python benchmarks/customers_page.py --build-only`"
            )
            return None
        return Store("1m/sqlite", engine, f"sqlite:///{path}", DATA_DIR, AGENT_EMAIL)
    print(f"{kind}/{engine}: no builder for this store yet; skipped")
    return None
