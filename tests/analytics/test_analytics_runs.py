"""Resumable analytics runs: reuse DONE runs, clean partial output, keep history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, delete, func, insert, select
from sqlalchemy.orm import Session

from centricity.analytics import runs

KIND = "test_scores"
AS_OF = date(2026, 11, 1)

# A stand-in for a results table; created inside the test's rolled-back transaction.
partial_output = Table(
    "test_analytics_partial_output",
    MetaData(),
    Column("run_id", Integer, nullable=False),
    Column("value", Integer, nullable=False),
)


@pytest.fixture()
def output(db: Session, monkeypatch: pytest.MonkeyPatch) -> Table:
    """A results table whose rows a registered cleanup removes per run."""
    monkeypatch.setattr(runs, "_CLEANUPS", {})
    partial_output.create(db.connection())

    def remove_partial(session: Session, run_id: int) -> None:
        session.execute(delete(partial_output).where(partial_output.c.run_id == run_id))

    runs.register_cleanup(KIND, remove_partial)
    return partial_output


def _rows(db: Session, run_id: int) -> int:
    query = select(func.count()).select_from(partial_output)
    return int(db.scalar(query.where(partial_output.c.run_id == run_id)) or 0)


def test_it_keys_runs_by_canonical_params(db: Session) -> None:
    first = runs.start(db, kind=KIND, as_of=AS_OF, params={"a": 1, "b": [1, 2]})
    again = runs.start(db, kind=KIND, as_of=AS_OF, params={"b": [1, 2], "a": 1})
    other = runs.start(db, kind=KIND, as_of=AS_OF, params={"a": 2, "b": [1, 2]})
    assert again.id == first.id and other.id != first.id
    assert len(first.params_key) == 64 and first.status == "started"
    with pytest.raises(ValueError, match="JSON-serialisable"):
        runs.start(db, kind=KIND, as_of=AS_OF, params={"when": AS_OF})


def test_it_resumes_a_started_run_after_removing_its_partial_output(
    db: Session, output: Table
) -> None:
    run = runs.start(db, kind=KIND, as_of=AS_OF, params={"k": 3})
    db.execute(insert(output), [{"run_id": run.id, "value": v} for v in range(5)])
    other = runs.start(db, kind=KIND, as_of=AS_OF + timedelta(1), params={"k": 3})
    db.execute(insert(output), [{"run_id": other.id, "value": 9}])
    resumed = runs.start(db, kind=KIND, as_of=AS_OF, params={"k": 3})
    assert (resumed.id, resumed.status) == (run.id, "started")
    assert _rows(db, run.id) == 0
    assert _rows(db, other.id) == 1  # only the resumed run's output goes


def test_it_restarts_a_failed_run_and_clears_its_error(db: Session, output: Table) -> None:
    run = runs.start(db, kind=KIND, as_of=AS_OF)
    db.execute(insert(output), [{"run_id": run.id, "value": 1}])
    runs.fail(db, run, "MemoryError")
    assert (run.status, run.error) == ("failed", "MemoryError")
    resumed = runs.start(db, kind=KIND, as_of=AS_OF)
    assert (resumed.id, resumed.status, resumed.error, resumed.finished_at) == (
        run.id,
        "started",
        None,
        None,
    )
    assert _rows(db, run.id) == 0


def test_it_returns_a_done_run_as_is(db: Session, output: Table) -> None:
    run = runs.start(db, kind=KIND, as_of=AS_OF)
    db.execute(insert(output), [{"run_id": run.id, "value": 1}])
    runs.finish(db, run, {"customers": 1})
    finished_at = run.finished_at
    reused = runs.start(db, kind=KIND, as_of=AS_OF)
    assert (reused.id, reused.status, reused.stats) == (run.id, "done", {"customers": 1})
    assert reused.finished_at == finished_at
    assert _rows(db, run.id) == 1


def test_it_stores_only_an_error_class_name(db: Session) -> None:
    run = runs.start(db, kind=KIND, as_of=AS_OF)
    with pytest.raises(ValueError, match="class name"):
        runs.fail(db, run, "customer SENTINEL-PII-123 has no orders")
    runs.fail(db, run, "numpy.linalg.LinAlgError")
    with pytest.raises(ValueError, match="not started"):
        runs.finish(db, run, {})


def test_it_serves_the_latest_done_run_and_keeps_history(db: Session) -> None:
    old = runs.start(db, kind=KIND, as_of=AS_OF)
    runs.finish(db, old, {})
    new = runs.start(db, kind=KIND, as_of=AS_OF + timedelta(7))
    runs.finish(db, new, {})
    tuned = runs.start(db, kind=KIND, as_of=AS_OF, params={"tuned": True})
    runs.finish(db, tuned, {})
    runs.start(db, kind=KIND, as_of=AS_OF + timedelta(14))  # still running: not shown
    assert runs.latest_done(db, KIND) is new
    assert runs.latest_done(db, KIND, params={"tuned": True}) is tuned
    assert runs.latest_done(db, "test_other") is None
    assert len(runs.history(db, KIND)) == 4
    assert len(runs.history(db, KIND, limit=2)) == 2
