"""Registry, periodic schedules (never doubled) and the server's in-process worker."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from centricity.accounts import service as accounts
from centricity.accounts.models import WebSession
from centricity.accounts.schemas import UserCreate
from centricity.config import Settings
from centricity.db import session_factory, session_scope
from centricity.jobs import registry, scheduler, service
from centricity.jobs.models import Job, JobSchedule
from centricity.kit.time import utcnow
from thread_helpers import CallThread, run_in_threads


@pytest.fixture()
def handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty registry for the test (real domains loaded first, so they stay registered)."""
    registry.load_handlers()
    monkeypatch.setattr(registry, "_HANDLERS", {})
    monkeypatch.setattr(registry, "_SCHEDULES", {})


@pytest.fixture()
def committed(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that commit to the real store (to race, or for the server's worker thread).

    The rows a test commits are removed afterwards, so other tests never see them.
    """
    maker = session_factory(engine)
    with maker() as session:
        before = session.scalar(select(func.coalesce(func.max(Job.id), 0)))
    yield maker
    with maker.begin() as session:
        session.execute(delete(Job).where(Job.id > before))
        session.execute(delete(JobSchedule).where(JobSchedule.name.like("test.%")))


def _every_hour(kind: str = "test.tick") -> registry.Schedule:
    registry.job_handler(kind)(lambda session, payload: None)
    return registry.schedule(kind, every=timedelta(hours=1), payload={"scope": "all"})


def test_it_loads_the_domains_handlers_and_schedules() -> None:
    registry.load_handlers()
    assert "accounts.purge_expired_sessions" in registry.handler_kinds()
    entry = registry.get_schedule("accounts.purge_expired_sessions")
    assert entry.every == timedelta(hours=1)


def test_it_names_the_kind_when_a_lookup_fails(handlers: None) -> None:
    with pytest.raises(KeyError, match="no handler for job kind 'test.missing'"):
        registry.get_handler("test.missing")
    with pytest.raises(KeyError, match="'test.missing' has no schedule"):
        registry.get_schedule("test.missing")


def test_it_refuses_a_second_handler_or_a_schedule_without_one(handlers: None) -> None:
    registry.job_handler("test.one")(lambda session, payload: None)
    with pytest.raises(ValueError, match="already has a handler"):
        registry.job_handler("test.one")(lambda session, payload: None)
    with pytest.raises(ValueError, match="positive interval"):
        registry.schedule("test.one", every=timedelta(0))
    registry.schedule("test.orphan", every=timedelta(minutes=5))
    with pytest.raises(RuntimeError, match="test.orphan"):
        registry.load_handlers()


def test_it_enqueues_a_schedule_once_per_interval(db: Session, handlers: None) -> None:
    _every_hour()
    now = utcnow()
    first = scheduler.enqueue_due(db, now)
    assert [(job.kind, job.payload) for job in first] == [("test.tick", {"scope": "all"})]
    assert scheduler.enqueue_due(db, now) == []
    assert scheduler.enqueue_due(db, now + timedelta(minutes=59)) == []
    assert len(scheduler.enqueue_due(db, now + timedelta(hours=1))) == 1
    assert db.get(JobSchedule, "test.tick") is not None


def test_it_never_double_enqueues_when_two_servers_race(
    committed: sessionmaker[Session], handlers: None
) -> None:
    _every_hour()
    now, barrier = utcnow(), threading.Barrier(2)

    def tick() -> list[int]:
        with committed.begin() as session:
            barrier.wait(timeout=10)
            return [job.id for job in scheduler.enqueue_due(session, now)]

    # A server that crashed re-raises here instead of passing for the one that lost.
    per_server = run_in_threads(tick, [(), ()])
    made = [job_id for jobs in per_server for job_id in jobs]
    assert sorted(len(jobs) for jobs in per_server) == [0, 1]
    with committed() as session:
        kinds = session.scalars(select(Job.kind).where(Job.id.in_(made))).all()
        assert kinds == ["test.tick"]


def test_it_purges_expired_sessions_hourly(db: Session) -> None:
    registry.load_handlers()
    user = accounts.create(
        db,
        data=UserCreate(email="jobs@example.org", name="Jobs", password="x7-Quartz-Meadow-91"),
        actor=None,
    )
    now = utcnow()
    for token, expires_at in (("old", now - timedelta(minutes=1)), ("live", now + timedelta(1))):
        db.add(WebSession(id=token, user_id=user.id, csrf_token="c", expires_at=expires_at))
    db.flush()
    registry.get_handler("accounts.purge_expired_sessions")(db, {})
    assert db.scalars(select(WebSession.id)).all() == ["live"]


def test_it_processes_jobs_in_process_and_stops_without_waiting_for_the_next_poll(
    settings: Settings, handlers: None, committed: sessionmaker[Session]
) -> None:
    ran = threading.Event()

    @registry.job_handler("test.ping")
    def ping(session: Session, payload: dict[str, Any]) -> None:
        ran.set()

    with session_scope(settings) as session:
        job_id = service.enqueue(session, kind="test.ping").id
    # Polling only once an hour: a worker that slept between polls instead of waiting on
    # its stop event would still be alive when `stop` gives up.
    hourly = settings.model_copy(update={"scheduler_interval_seconds": 3600})
    worker = scheduler.InProcessWorker(hourly)
    worker.start()
    thread = worker._thread
    assert thread is not None
    try:
        assert ran.wait(timeout=10), "the worker never ran the queued job"
    finally:
        worker.stop(timeout=30)
    assert not thread.is_alive(), "the worker thread outlived stop(): it ignores the stop event"
    assert not worker.is_running
    with session_scope(settings) as session:
        assert _status(session, job_id) == "done"


def test_it_finishes_the_running_job_before_stopping(
    settings: Settings, handlers: None, committed: sessionmaker[Session]
) -> None:
    started, release = threading.Event(), threading.Event()

    @registry.job_handler("test.slow")
    def slow(session: Session, payload: dict[str, Any]) -> None:
        started.set()
        assert release.wait(timeout=30), "the test never released the job"

    with session_scope(settings) as session:
        first = service.enqueue(session, kind="test.slow").id
        second = service.enqueue(session, kind="test.slow").id
    worker = scheduler.InProcessWorker(
        settings.model_copy(update={"scheduler_interval_seconds": 3600})
    )
    worker.start()
    thread = worker._thread
    assert thread is not None and started.wait(timeout=10)
    stopping = CallThread(worker.stop, (30,))
    stopping.start()
    assert worker._stop.wait(timeout=10)  # stop is asked for while the first job runs
    release.set()
    stopping.join(timeout=60)
    stopping.raise_error()
    assert not stopping.is_alive() and not thread.is_alive()
    with session_scope(settings) as session:
        assert [_status(session, first), _status(session, second)] == ["done", "queued"]


def _status(session: Session, job_id: int) -> str:
    job = session.get(Job, job_id)
    assert job is not None
    return job.status


def test_a_worker_still_busy_after_stop_is_reported_running_and_never_doubled(
    settings: Settings, handlers: None, committed: sessionmaker[Session]
) -> None:
    started, release = threading.Event(), threading.Event()

    @registry.job_handler("test.stuck")
    def stuck(session: Session, payload: dict[str, Any]) -> None:
        started.set()
        assert release.wait(timeout=30), "the test never released the job"

    with session_scope(settings) as session:
        service.enqueue(session, kind="test.stuck")
    worker = scheduler.InProcessWorker(
        settings.model_copy(update={"scheduler_interval_seconds": 3600})
    )
    worker.start()
    first = worker._thread
    assert first is not None and started.wait(timeout=10)
    worker.stop(timeout=0.05)
    assert first.is_alive() and worker.is_running, "a busy worker was reported stopped"
    restarting = CallThread(worker.start, ())
    restarting.start()
    restarting.join(timeout=1)  # start() must wait for the busy worker, not run beside it
    workers = [t for t in threading.enumerate() if t.name == "centricity-worker"]
    assert workers == [first], "start() ran a second worker beside the busy one"
    release.set()
    restarting.join(timeout=30)
    restarting.raise_error()
    assert not first.is_alive() and worker._thread is not first and worker.is_running
    worker.stop(timeout=30)
    assert not worker.is_running
