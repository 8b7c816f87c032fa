"""Periodic jobs and the in-process worker of the embedded server.

Each schedule owns one `job_schedules` row. A server enqueues a periodic job only if its
conditional UPDATE of that row (last run long enough ago) changes it, so restarts and
several servers sharing one store never enqueue the same slot twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from centricity.config import Settings
from centricity.db import insert_or_ignore
from centricity.jobs import service
from centricity.jobs.models import Job, JobSchedule
from centricity.jobs.registry import Schedule, load_handlers, schedules
from centricity.kit.logs import frames_only
from centricity.kit.time import utcnow

logger = logging.getLogger(__name__)

# A job 'running' longer than this is taken as lost in a crash and queued again, so
# handlers must finish well within it and be safe to run twice.
STALE_AFTER = timedelta(hours=6)


def enqueue_due(session: Session, now: datetime | None = None) -> list[Job]:
    """Enqueue every registered schedule whose interval has passed; return the new jobs."""
    now = now or utcnow()
    return [
        service.enqueue(session, kind=entry.kind, payload=entry.payload)
        for entry in schedules()
        if _take_slot(session, entry, now)
    ]


def _take_slot(session: Session, entry: Schedule, now: datetime) -> bool:
    _ensure_row(session, entry.kind)
    result: Any = session.execute(
        update(JobSchedule)
        .where(
            JobSchedule.name == entry.kind,
            or_(
                JobSchedule.last_enqueued_at.is_(None),
                JobSchedule.last_enqueued_at <= now - entry.every,
            ),
        )
        .values(last_enqueued_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1


def _ensure_row(session: Session, name: str) -> None:
    # Insert-or-ignore rather than read-then-insert: a write first keeps SQLite from
    # failing on a stale snapshot, and two servers can't both insert the row.
    session.execute(
        insert_or_ignore(
            session, JobSchedule, {"name": name, "last_enqueued_at": None}, unique=["name"]
        )
    )


def make_worker_id() -> str:
    """Name this worker (host, process, random part) so `jobs list` shows who ran what."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def run_cycle(source: service.SessionSource, worker_id: str, stop: threading.Event) -> int:
    """One scheduler pass: requeue lost jobs, enqueue due schedules, run every due job."""
    with service.unit_of_work(source) as session:
        service.requeue_stale(session, older_than=STALE_AFTER)
    with service.unit_of_work(source) as session:
        enqueue_due(session)
    return service.run_due(source, worker_id, stop.is_set)


class InProcessWorker:
    """Runs the scheduler and jobs on a daemon thread inside `centricity serve`."""

    def __init__(self, settings: Settings) -> None:
        """Prepare a worker for the store of `settings`; nothing runs before `start()`."""
        self.settings = settings
        self.worker_id = make_worker_id()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Load every domain's handlers and start polling on a daemon thread; a thread that
        is still finishing its last job after `stop` is waited for first, so that two
        workers never run side by side in one process."""
        if self._thread is not None and self._thread.is_alive():
            if not self._stop.is_set():
                return
            self._thread.join()
        load_handlers()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="centricity-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop after its current job and wait up to `timeout` seconds; a
        thread still busy then is kept, so `is_running` stays true until it ends."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                logger.warning("job worker still busy after %.1f s; leaving it", timeout)
                return
            self._thread = None

    @property
    def is_running(self) -> bool:
        """Tell whether the polling thread is alive (health checks, tests)."""
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_cycle(self.settings, self.worker_id, self._stop)
            except Exception as exc:  # a store hiccup must not kill the server's worker
                # Database errors can quote row values, so the traceback goes to DEBUG only.
                logger.warning("job scheduler cycle failed: %s", type(exc).__name__)
                logger.debug("job scheduler traceback: %s", frames_only(exc))
            self._stop.wait(self.settings.scheduler_interval_seconds)
