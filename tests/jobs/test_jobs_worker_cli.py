"""`centricity worker` and `centricity jobs list`, and the worker's signal handling."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from centricity.config import Settings
from centricity.db import session_scope
from centricity.jobs import registry, service
from centricity.jobs.cli import register
from centricity.jobs.models import Job
from centricity.jobs.worker import run_worker

runner = CliRunner()


@pytest.fixture()
def handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty registry for the test (real domains loaded first, so they stay registered)."""
    registry.load_handlers()
    monkeypatch.setattr(registry, "_HANDLERS", {})
    monkeypatch.setattr(registry, "_SCHEDULES", {})


@pytest.fixture()
def committed(engine: Engine) -> Iterator[None]:
    """Remove jobs a test committed to the shared store, so other tests never see them."""
    with engine.connect() as conn:
        before = conn.scalar(select(func.coalesce(func.max(Job.id), 0)))
    yield
    with engine.begin() as conn:
        conn.execute(delete(Job).where(Job.id > before))


@pytest.fixture()
def cli(settings: Settings, tmp_path: Path) -> Any:
    """Invoke this domain's commands, registered on a bare root app, against the test store."""
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Centricity (test root)."""

    register(app)
    env = {"CENTRICITY_DATABASE_URL": settings.database_url, "CENTRICITY_DATA_DIR": str(tmp_path)}

    def invoke(*args: str) -> Any:
        return runner.invoke(app, list(args), env=env)

    return invoke


def _enqueue(settings: Settings, kind: str, **options: Any) -> int:
    with session_scope(settings) as session:
        return service.enqueue(session, kind=kind, **options).id


def test_it_runs_every_due_job_once_and_exits(
    cli: Any, settings: Settings, handlers: None, committed: None
) -> None:
    seen: list[int] = []
    registry.job_handler("test.count")(lambda session, payload: seen.append(payload["n"]))
    for n in range(3):
        _enqueue(settings, "test.count", payload={"n": n})
    result = cli("worker", "--once")
    assert result.exit_code == 0, result.output
    assert "Processed 3 job(s)." in result.output
    assert sorted(seen) == [0, 1, 2]


def test_it_lists_jobs_with_their_last_error_class(
    cli: Any, settings: Settings, handlers: None, committed: None
) -> None:
    def broken(session: Session, payload: dict[str, Any]) -> None:
        raise LookupError("SENTINEL-PII-123")

    registry.job_handler("test.broken")(broken)
    failed_id = _enqueue(settings, "test.broken", max_attempts=1)
    _enqueue(settings, "test.waiting")
    assert cli("worker", "--once").exit_code == 0
    result = cli("jobs", "list", "--status", "failed")
    assert result.exit_code == 0, result.output
    assert "test.broken" in result.output and "LookupError" in result.output
    assert "test.waiting" not in result.output and "SENTINEL" not in result.output
    assert str(failed_id) in result.output
    assert "test.waiting" in cli("jobs", "list", "--limit", "5").output


def test_it_rejects_an_unknown_status(cli: Any) -> None:
    result = cli("jobs", "list", "--status", "lost")
    assert result.exit_code == 2


def test_it_finishes_the_current_job_on_sigterm_then_exits(
    settings: Settings, handlers: None, committed: None
) -> None:
    def terminate(session: Session, payload: dict[str, Any]) -> None:
        os.kill(os.getpid(), signal.SIGTERM)

    registry.job_handler("test.terminate")(terminate)
    for _ in range(2):
        _enqueue(settings, "test.terminate")
    before = signal.getsignal(signal.SIGTERM)
    assert run_worker(settings) == 1  # not `once`: only the signal ends it
    assert signal.getsignal(signal.SIGTERM) is before
    with session_scope(settings) as session:
        statuses = [job.status for job in service.list_recent(session, limit=2)]
    assert statuses == ["queued", "done"]  # newest first


def test_it_stops_at_once_when_told_to(settings: Settings, handlers: None) -> None:
    stop = threading.Event()
    stop.set()
    assert run_worker(settings, stop=stop) == 0
