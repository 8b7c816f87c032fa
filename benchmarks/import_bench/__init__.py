"""The parts of `import_orders.py`: the input files (`inputs`), the raw baseline load
(`baseline`) and the kill-and-resume run (`kill`); here, what they share: `centricity import`
as a measured process on a store of its own."""

from __future__ import annotations

from pathlib import Path

from bench_kit.processes import centricity_command, centricity_env
from sqlalchemy import text

from centricity.db import make_engine

SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"
STORE_NAME = "import_bench"  # import_bench.db, or PostgreSQL centricity_import_bench_*


def cli_env(url: str, folder: Path) -> dict[str, str]:
    """Environment of a `centricity` process on this store."""
    return centricity_env(
        inherit=False, database_url=url, data_dir=str(folder / "data"), secret_key=SECRET
    )


def import_args(kind: str, path: Path, batch: int) -> list[str]:
    """`centricity import KIND FILE` as a process."""
    return centricity_command(
        "import", kind, str(path), "--batch-size", str(batch), "--no-progress"
    )


def count_orders(url: str) -> tuple[int, int]:
    """(orders, distinct external ids)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT count(*), count(DISTINCT external_id) FROM orders")).one()
    engine.dispose()
    return int(found[0]), int(found[1])
