"""The job queue: enqueue, claim under races, retries with backoff, errors without PII."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from centricity.db import session_factory
from centricity.jobs import registry, service
from centricity.jobs.models import Job
from centricity.kit.time import utcnow
from thread_helpers import run_in_threads

SENTINEL = "SENTINEL-PII-123"


@pytest.fixture()
def handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty registry for the test (real domains loaded first, so they stay registered)."""
    registry.load_handlers()
    monkeypatch.setattr(registry, "_HANDLERS", {})
    monkeypatch.setattr(registry, "_SCHEDULES", {})


@pytest.fixture()
def racing(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions on separate connections to the real store, so they really race.

    The `db` fixture is one connection in a rolled-back transaction, so these sessions
    commit for real; the jobs they add are removed afterwards.
    """
    maker = session_factory(engine)
    with maker() as session:
        before = session.scalar(select(func.coalesce(func.max(Job.id), 0)))
    yield maker
    with maker.begin() as session:
        session.execute(delete(Job).where(Job.id > before))


def test_it_enqueues_within_the_callers_transaction(db: Session) -> None:
    job = service.enqueue(db, kind="test.noop", payload={"customer_id": 7})
    assert job.id is not None
    assert (job.status, job.attempts, job.max_attempts) == ("queued", 0, 5)
    assert job.payload == {"customer_id": 7}
    assert not db.new  # flushed, left to the caller to commit


@pytest.mark.parametrize("payload", [{"when": object()}, {"x": float("nan")}])
def test_it_rejects_payloads_that_are_not_json(db: Session, payload: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="JSON-serialisable"):
        service.enqueue(db, kind="test.noop", payload=payload)


@pytest.mark.parametrize("kind", ["noop", "Test.Noop", "test.noop.extra", ""])
def test_it_rejects_kinds_that_are_not_domain_verb(db: Session, kind: str) -> None:
    with pytest.raises(ValueError, match="domain.verb"):
        service.enqueue(db, kind=kind)


def test_it_claims_the_oldest_due_job_and_skips_future_ones(db: Session) -> None:
    now = utcnow()
    later = service.enqueue(db, kind="test.noop", run_at=now + timedelta(minutes=5))
    second = service.enqueue(db, kind="test.noop", run_at=now - timedelta(seconds=1))
    first = service.enqueue(db, kind="test.noop", run_at=now - timedelta(seconds=2))
    claimed = [service.claim_next(db, worker_id="w1", now=now) for _ in range(3)]
    assert [job.id if job else None for job in claimed] == [first.id, second.id, None]
    assert claimed[0] is not None
    assert (claimed[0].status, claimed[0].worker_id, claimed[0].attempts) == ("running", "w1", 1)
    assert service.claim_next(db, worker_id="w1", now=now + timedelta(minutes=5)) is later


def test_it_lets_exactly_one_of_two_racing_workers_claim_a_job(
    racing: sessionmaker[Session],
) -> None:
    with racing.begin() as session:
        job_id = service.enqueue(session, kind="test.race").id
    barrier = threading.Barrier(2)

    def claim(worker_id: str) -> int | None:
        with racing() as session:
            barrier.wait(timeout=10)
            job = service.claim_next(session, worker_id=worker_id)
            session.commit()
            return job.id if job else None

    # A racer that crashed re-raises here instead of passing for the loser.
    results = run_in_threads(claim, [("a",), ("b",)])
    assert results.count(job_id) == 1 and results.count(None) == 1


def test_it_gives_each_job_to_one_worker_when_many_race(racing: sessionmaker[Session]) -> None:
    with racing.begin() as session:
        ids = {service.enqueue(session, kind="test.race").id for _ in range(12)}

    def drain(worker_id: str) -> list[int]:
        claimed: list[int] = []
        while True:
            with racing.begin() as session:
                job = service.claim_next(session, worker_id=worker_id)
                if job is None:
                    return claimed
                claimed.append(job.id)

    per_worker = run_in_threads(drain, [("a",), ("b",), ("c",), ("d",)])
    claimed = [job_id for jobs in per_worker for job_id in jobs]
    assert len(claimed) == len(set(claimed))
    assert ids <= set(claimed)


def test_it_retries_with_exponential_backoff_then_fails(db: Session) -> None:
    now = utcnow()
    job = service.enqueue(db, kind="test.flaky", max_attempts=3, run_at=now)
    delays = []
    for _ in range(3):
        claimed = service.claim_next(db, worker_id="w", now=now)
        assert claimed is not None
        assert service.fail(db, claimed, RuntimeError(SENTINEL), now=now)
        db.refresh(job)
        delays.append(job.run_at - now)
        now = job.run_at
    assert delays[:2] == [timedelta(seconds=30), timedelta(seconds=60)]
    assert (job.status, job.attempts, job.finished_at) == ("failed", 3, now)
    assert job.last_error == "RuntimeError: handler failed; details are in the worker log"


def test_it_caps_the_backoff_at_an_hour() -> None:
    assert service.retry_delay(1) == timedelta(seconds=30)
    assert service.retry_delay(8) == timedelta(hours=1)
    assert service.retry_delay(10_000) == timedelta(hours=1)


def test_it_never_stores_or_logs_the_exception_message(
    db: Session,
    session_maker: sessionmaker[Session],
    handlers: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    @registry.job_handler("test.leaky")
    def leaky(session: Session, payload: dict[str, Any]) -> None:
        raise RuntimeError(f"customer {SENTINEL} has no e-mail")

    job = service.enqueue(db, kind="test.leaky", max_attempts=2)
    with caplog.at_level(logging.WARNING):
        assert service.run_one(session_maker, "w")
    db.refresh(job)
    assert (job.status, job.attempts) == ("queued", 1)
    assert job.last_error is not None and job.last_error.startswith("RuntimeError:")
    assert SENTINEL not in job.last_error
    assert SENTINEL not in caplog.text and "RuntimeError" in caplog.text


def test_it_runs_a_handler_and_marks_the_job_done(
    db: Session, session_maker: sessionmaker[Session], handlers: None
) -> None:
    seen: list[dict[str, Any]] = []

    @registry.job_handler("test.record")
    def record(session: Session, payload: dict[str, Any]) -> None:
        seen.append(payload)

    job = service.enqueue(db, kind="test.record", payload={"n": 1})
    assert service.run_one(session_maker, "w")
    assert not service.run_one(session_maker, "w")
    db.refresh(job)
    assert seen == [{"n": 1}]
    assert (job.status, job.last_error) == ("done", None)
    assert job.finished_at is not None


def test_it_rolls_back_a_failing_handlers_writes(
    db: Session, session_maker: sessionmaker[Session], handlers: None
) -> None:
    @registry.job_handler("test.half_done")
    def half_done(session: Session, payload: dict[str, Any]) -> None:
        service.enqueue(session, kind="test.side_effect")
        raise ValueError("boom")

    service.enqueue(db, kind="test.half_done")
    assert service.run_one(session_maker, "w")
    assert [job.kind for job in service.list_recent(db)] == ["test.half_done"]


def test_it_fails_jobs_of_unknown_kinds_at_run_time(
    db: Session, session_maker: sessionmaker[Session], handlers: None
) -> None:
    job = service.enqueue(db, kind="test.nobody_handles", max_attempts=1)
    assert service.run_one(session_maker, "w")
    db.refresh(job)
    assert job.status == "failed"
    assert job.last_error is not None and job.last_error.startswith("KeyError:")


def test_it_requeues_jobs_left_running_by_a_crashed_worker(db: Session) -> None:
    now = utcnow()
    retry = service.enqueue(db, kind="test.crash", max_attempts=2, run_at=now)
    spent = service.enqueue(db, kind="test.crash", max_attempts=1, run_at=now)
    assert service.claim_next(db, worker_id="dead", now=now) is retry
    assert service.claim_next(db, worker_id="dead", now=now) is spent
    assert service.requeue_stale(db, older_than=timedelta(hours=1), now=now) == 0
    later = now + timedelta(hours=2)
    assert service.requeue_stale(db, older_than=timedelta(hours=1), now=later) == 2
    db.refresh(retry)
    db.refresh(spent)
    assert (retry.status, retry.worker_id, retry.run_at) == ("queued", None, later)
    assert spent.status == "failed"
    assert spent.last_error is not None and spent.last_error.startswith("WorkerLost")


def test_it_drops_the_result_of_a_job_that_was_requeued_meanwhile(db: Session) -> None:
    now = utcnow()
    service.enqueue(db, kind="test.slow", run_at=now)
    job = service.claim_next(db, worker_id="slow", now=now)
    assert job is not None
    service.requeue_stale(db, older_than=timedelta(0), now=now + timedelta(seconds=1))
    assert not service.complete(db, job)
    db.refresh(job)
    assert job.status == "queued"


def test_it_lists_recent_jobs_and_counts_them_by_status(db: Session) -> None:
    now = utcnow()
    for _ in range(3):
        service.enqueue(db, kind="test.noop", run_at=now)
    claimed = service.claim_next(db, worker_id="w", now=now)
    assert claimed is not None
    service.complete(db, claimed)
    assert service.counts_by_status(db) == {"queued": 2, "done": 1}
    recent = service.list_recent(db, limit=2)
    assert [job.id for job in recent] == sorted((job.id for job in recent), reverse=True)
    assert [job.id for job in service.list_recent(db, status="done")] == [claimed.id]
