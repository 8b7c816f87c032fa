"""The job queue: enqueue inside the caller's transaction, claim by conditional UPDATE.

Claiming is one statement, `UPDATE jobs ... WHERE id = (oldest due queued id) AND
status = 'queued'`, so it is the first write of its transaction: SQLite then waits on its
busy timeout instead of failing on a stale read snapshot, and PostgreSQL skips rows another
worker has locked. Whoever updates the row owns the job; everybody else gets no row.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session, aliased

from centricity import db
from centricity.config import Settings
from centricity.db import session_scope
from centricity.jobs.models import Job
from centricity.jobs.registry import check_kind, get_handler
from centricity.kit.logs import frames_only
from centricity.kit.time import utcnow

logger = logging.getLogger(__name__)

RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
FAILURE_MESSAGE = "handler failed; details are in the worker log"
LOST_MESSAGE = "WorkerLost: the worker stopped while running this job"

# Settings (the store of this installation) or a session factory (tests, embedding apps).
SessionSource = Settings | Callable[[], Session]


class JobStatus(StrEnum):
    """Life cycle of a job row: queued → running → done, or back to queued, or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def enqueue(
    session: Session,
    *,
    kind: str,
    payload: dict[str, Any] | None = None,
    run_at: datetime | None = None,
    max_attempts: int = 5,
) -> Job:
    """Queue work in the caller's transaction, so it runs only if that transaction commits."""
    check_kind(kind)
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    data = dict(payload or {})
    _check_json(data)
    job = Job(kind=kind, payload=data, status=JobStatus.QUEUED, run_at=run_at or utcnow())
    job.attempts, job.max_attempts = 0, max_attempts
    session.add(job)
    session.flush()
    return job


def _check_json(payload: dict[str, Any]) -> None:
    try:
        json.dumps(payload, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"job payload must be JSON-serialisable ({type(exc).__name__})") from None


def claim_next(session: Session, *, worker_id: str, now: datetime | None = None) -> Job | None:
    """Take the oldest due job for this worker, or None; safe when workers race."""
    now = now or utcnow()
    candidate = aliased(Job)
    oldest_due = (
        select(candidate.id)
        .where(candidate.status == JobStatus.QUEUED, candidate.run_at <= now)
        .order_by(candidate.run_at, candidate.id)
        .limit(1)
        .with_for_update(skip_locked=True)  # PostgreSQL only; SQLite serialises writers
        .scalar_subquery()
    )
    claimed_id = session.execute(
        update(Job)
        .where(Job.id == oldest_due, Job.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.RUNNING,
            worker_id=worker_id,
            started_at=now,
            attempts=Job.attempts + 1,
        )
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if claimed_id is None:
        return None
    return session.get(Job, claimed_id, populate_existing=True)


def complete(session: Session, job: Job, *, now: datetime | None = None) -> bool:
    """Mark a claimed job done; False when it was no longer ours (requeued as stale)."""
    return _update_claimed(
        session, job, status=JobStatus.DONE, finished_at=now or utcnow(), last_error=None
    )


def fail(session: Session, job: Job, error: BaseException, *, now: datetime | None = None) -> bool:
    """Retry a failed job with exponential backoff, or give up after `max_attempts`.

    Only the exception's class name is stored: its message may hold personal data.
    """
    now = now or utcnow()
    last_error = f"{type(error).__name__}: {FAILURE_MESSAGE}"
    if job.attempts >= job.max_attempts:
        return _update_claimed(
            session, job, status=JobStatus.FAILED, finished_at=now, last_error=last_error
        )
    return _update_claimed(
        session,
        job,
        status=JobStatus.QUEUED,
        run_at=now + retry_delay(job.attempts),
        worker_id=None,
        last_error=last_error,
    )


def retry_delay(attempts: int) -> timedelta:
    """Wait 30 s after the first failure, doubling each time, at most an hour."""
    delay: timedelta = RETRY_BASE * 2 ** min(max(attempts - 1, 0), 20)  # no overflow
    return min(delay, RETRY_MAX)


def _update_claimed(session: Session, job: Job, **values: Any) -> bool:
    result = session.execute(
        update(Job)
        .where(
            Job.id == job.id,
            Job.status == JobStatus.RUNNING,
            Job.worker_id == job.worker_id,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if job in session:
        session.expire(job)
    return _rowcount(result) == 1


def requeue_stale(session: Session, *, older_than: timedelta, now: datetime | None = None) -> int:
    """Put back jobs left 'running' by a crashed worker; out of attempts means failed."""
    now = now or utcnow()
    stale = (Job.status == JobStatus.RUNNING, Job.started_at < now - older_than)
    exhausted = session.execute(
        update(Job)
        .where(*stale, Job.attempts >= Job.max_attempts)
        .values(status=JobStatus.FAILED, finished_at=now, last_error=LOST_MESSAGE)
        .execution_options(synchronize_session=False)
    )
    requeued = session.execute(
        update(Job)
        .where(*stale)
        .values(status=JobStatus.QUEUED, worker_id=None, run_at=now, last_error=LOST_MESSAGE)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(exhausted) + _rowcount(requeued)


def _rowcount(result: object) -> int:
    return cast(CursorResult[Any], result).rowcount


@contextmanager
def unit_of_work(source: SessionSource) -> Iterator[Session]:
    """Open a session on the installation's store or a given factory; commit or roll back."""
    if isinstance(source, Settings):
        with session_scope(source) as session:
            yield session
        return
    with db.unit_of_work(source) as session:
        yield session


def run_one(source: SessionSource, worker_id: str) -> bool:
    """Claim, run and settle one due job in three transactions; False when none was due."""
    with unit_of_work(source) as session:
        job = claim_next(session, worker_id=worker_id)
        if job is None:
            return False
        session.expunge(job)  # keep its loaded values readable after this session closes
    error = _run_handler(source, job)
    with unit_of_work(source) as session:
        settled = complete(session, job) if error is None else fail(session, job, error)
    if not settled:
        logger.warning("job %s (%s) was requeued while it ran; result dropped", job.id, job.kind)
    return True


def _run_handler(source: SessionSource, job: Job) -> Exception | None:
    try:
        handler = get_handler(job.kind)
        with unit_of_work(source) as session:
            handler(session, dict(job.payload))
    except Exception as exc:  # any handler error becomes a retry, never a dead worker
        logger.warning("job %s (%s) failed: %s", job.id, job.kind, type(exc).__name__)
        logger.debug("job %s traceback: %s", job.id, frames_only(exc))
        return exc
    return None


def run_due(source: SessionSource, worker_id: str, stop: Callable[[], bool]) -> int:
    """Run jobs until none is due or `stop()` says so; return how many ran."""
    processed = 0
    while not stop() and run_one(source, worker_id):
        processed += 1
    return processed


def list_recent(session: Session, *, status: str | None = None, limit: int = 50) -> list[Job]:
    """Newest jobs first, optionally of one status, for the operator's overview."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Job.status == status)
    return list(session.scalars(query))


def counts_by_status(session: Session) -> dict[str, int]:
    """How many jobs are in each status (health page, monitoring)."""
    rows = session.execute(select(Job.status, func.count()).group_by(Job.status))
    return {str(status): int(count) for status, count in rows}
