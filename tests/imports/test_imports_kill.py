"""SIGKILL an import of 100,000 rows at three random points, then finish it.

Committed batches are never lost, the final summary has exact counts (as one clean run
would report them) and no customer exists twice. Runs `centricity import` as a real
process against a committed store on each engine; `kill_harness.py` halts it at the
chosen checkpoint (inside a batch's open transaction, or between two batches) so the
kill always lands there and the import cannot finish before it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from centricity.customers.models import Customer
from centricity.db import make_engine
from centricity.imports.models import ImportJob
from centricity.migrations import runner as migrations
from store_helpers import TEST_SECRET, create_pg_database, drop_pg_database, pg_or_skip

pytestmark = pytest.mark.slow  # a minute per engine: four runs over 100,000 rows

ROWS = 100_000
BATCH = 2_000
# One kill per mode, in this order, at three seeded-random checkpoints.
MODES = ("inside", "between", "inside")
HARNESS = Path(__file__).with_name("kill_harness.py")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated store of its own (the process commits into it)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kill.db'}"
    else:
        pg_or_skip()
        url = create_pg_database("centricity_import_kill")
    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    yield url
    if request.param == "postgresql":
        drop_pg_database(url)


def _file(path: Path) -> tuple[int, int]:
    """100,000 customers; every 997th has a bad e-mail, every 10,007th repeats an id."""
    quarantined = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("external_id,name,email,phone\r\n")
        for i in range(ROWS):
            key = f"K{i:06d}" if i % 10_007 or i == 0 else f"K{i - 1:06d}"
            email = "broken" if i % 997 == 0 else f"k{i}@example.com"
            quarantined += i % 997 == 0 or (i % 10_007 == 0 and i > 0)
            handle.write(f"{key},Zákazník {i},{email},+420 601 {i:06d}\r\n")
    return ROWS - quarantined, quarantined


def _command(store: str, path: Path, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    """The `centricity` arguments of the import and the environment to run it in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CENTRICITY_")}
    env.update(
        CENTRICITY_DATABASE_URL=store,
        CENTRICITY_DATA_DIR=str(tmp_path / "data"),
        CENTRICITY_SECRET_KEY=TEST_SECRET,
    )
    args = ["import", "customers", str(path), "--batch-size", str(BATCH), "--no-progress"]
    return args, env


def _committed(engine: Engine) -> tuple[int, int, int, int]:
    """(checkpoint, job's imported rows, customers, distinct external ids)."""
    with engine.connect() as connection:
        job = connection.execute(
            select(
                ImportJob.checkpoint_records,
                ImportJob.inserted + ImportJob.updated + ImportJob.unchanged,
            )
            .order_by(ImportJob.id.desc())
            .limit(1)
        ).first()
        customers = connection.scalar(select(func.count()).select_from(Customer)) or 0
        distinct = connection.scalar(select(func.count(func.distinct(Customer.external_id))))
    checkpoint, imported = (int(job[0]), int(job[1])) if job else (0, 0)
    return checkpoint, imported, int(customers), int(distinct or 0)


def _kill_at(args: list[str], env: dict[str, str], mode: str, target: int, work: Path) -> int:
    """Run the import until the harness halts it at `target` (see kill_harness.py), then
    SIGKILL it; return the checkpoint it halted at."""
    marker, log = work / f"halted-{target}", work / f"import-{target}.log"
    command = [sys.executable, str(HARNESS), mode, str(target), str(marker), "--", *args]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            if process.poll() is not None:
                pytest.fail(
                    f"the import exited ({process.returncode}) before halting at checkpoint "
                    f"{target}; its output:\n{log.read_text('utf-8', 'replace')}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"the import never reached checkpoint {target} in 300 s")
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return int(marker.read_text("utf-8"))


def test_it_survives_sigkill_with_exact_counts_and_no_duplicates(
    store: str, tmp_path: Path
) -> None:
    valid, quarantined = _file(tmp_path / "customers.csv")
    args, env = _command(store, tmp_path / "customers.csv", tmp_path)
    engine = make_engine(store)
    rng = random.Random(20261125)
    targets = sorted(rng.sample(range(5_000, 85_000), len(MODES)))
    try:
        for target, mode in zip(targets, MODES, strict=True):
            halted_at = _kill_at(args, env, mode, target, tmp_path)
            checkpoint, imported, customers, distinct = _committed(engine)
            # Killed inside a batch: that whole batch is gone and nothing committed is.
            # Killed between batches: everything up to the halt is in.
            expected = halted_at - BATCH if mode == "inside" else halted_at
            assert halted_at >= target and checkpoint == expected, (mode, halted_at, checkpoint)
            assert customers == distinct == imported  # no half batch, no duplicate
        finished = subprocess.run(
            [sys.executable, "-m", "centricity", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert finished.returncode == 0, finished.stderr
        lines = finished.stdout.strip().splitlines()
        assert "Resumed an interrupted import" in finished.stdout
        assert lines[-1] == (
            f"read={ROWS} inserted={valid} updated=0 unchanged=0 quarantined={quarantined}"
        )
        checkpoint, imported, customers, distinct = _committed(engine)
        assert (checkpoint, imported, customers, distinct) == (ROWS, valid, valid, valid)
        rejected = (tmp_path / "customers.quarantine.csv").read_text("utf-8").splitlines()
        assert len(rejected) == quarantined + 1
        with engine.connect() as connection:
            jobs = connection.scalar(text("SELECT count(*) FROM import_jobs"))
        assert jobs == 1  # every run resumed the same job
    finally:
        engine.dispose()
