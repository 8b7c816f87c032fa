"""The parts of `customers_page.py`: the seeded store (`people`, `build`), the measured
requests (`workload`), the tables (`report`) and the SQL breakdown (`profile`).

`value_analyze.py` measures on the same store, so its file names live here, importable
without the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench_kit import DATA_DIR

SEED = 20261125
TARGET_MS = 50.0  # the target for the p95 of every endpoint
FULL_CUSTOMERS = 1_000_000
FULL_ORDERS = 10_000_000
AGENT_EMAIL = "bench.agent@bench.example"


def store_paths(customers: int, orders: int) -> tuple[Path, Path]:
    """The store file and its sidecar description for one size."""
    stem = f"customers_page_{customers}c_{orders}o"
    return DATA_DIR / f"{stem}.db", DATA_DIR / f"{stem}.json"


def app_settings(db_path: Path, secret: str) -> dict[str, Any]:
    """`Settings` of the measured app: test environment, no scheduler, the big store."""
    return {
        "environment": "test",
        "data_dir": DATA_DIR,
        "database_url": f"sqlite:///{db_path}",
        "secret_key": secret,
        "scheduler_enabled": False,
        "log_level": "WARNING",
    }
