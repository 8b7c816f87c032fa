"""Import job rows: start or resume, one checkpoint per committed batch, finish.

A job is resumed (not restarted) when the same file is imported the same way again after
a crash: its checkpoint says how many rows are already in, and its counters carry on, so
the final summary is exactly what one uninterrupted run would have said.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.imports import access
from centricity.imports.models import ImportJob, JobStatus, QuarantineRow
from centricity.imports.plan import Prepared
from centricity.kit.time import utcnow

SessionFactory = Callable[[], Session]
STALE_AFTER = timedelta(minutes=15)
RESUMABLE = (JobStatus.RUNNING.value, JobStatus.INTERRUPTED.value)

# Jobs running in this process right now: a web upload runs inline while the worker
# thread of the same process may pick up its queued job, and the pid alone cannot tell
# that live run from an earlier attempt that died with its thread.
_RUNNING_HERE: set[int] = set()
_RUNNING_LOCK = threading.Lock()


class ImportBusy(Exception):
    """The same file is being imported by a live process right now."""


@dataclass
class Counts:
    """The summary counters; read always equals the other four added up."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0

    def add(self, other: Counts) -> None:
        """Accumulate another batch's counters."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def line(self) -> str:
        """The summary line every import ends with."""
        return (
            f"read={self.read} inserted={self.inserted} updated={self.updated} "
            f"unchanged={self.unchanged} quarantined={self.quarantined}"
        )

    def as_dict(self) -> dict[str, int]:
        """The counters by name (API answers, audit details)."""
        return {item.name: getattr(self, item.name) for item in fields(self)}

    @classmethod
    def of(cls, job: ImportJob) -> Counts:
        """The counters stored on a job row."""
        return cls(job.rows_read, job.inserted, job.updated, job.unchanged, job.quarantined)


@dataclass(frozen=True)
class Started:
    """A job ready to run: where to continue and what was counted before."""

    job_id: int
    checkpoint: int
    counts: Counts
    resumed: bool


def owner_label() -> str:
    """This process, as `host:pid`, so a later run can tell whether the owner still lives."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_alive(job: ImportJob) -> bool:
    """Is the process that runs this job still there? (Same host: ask the OS.)"""
    host, _, pid = (job.owner or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            with _RUNNING_LOCK:  # another thread of ours, or an earlier attempt that died
                return job.id in _RUNNING_HERE
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    beat = job.heartbeat_at
    return beat is not None and utcnow() - beat < STALE_AFTER


def _resumable(session: Session, fingerprint: str) -> ImportJob | None:
    query = (
        select(ImportJob)
        .where(ImportJob.fingerprint == fingerprint, ImportJob.status.in_(RESUMABLE))
        .order_by(ImportJob.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def start(
    factory: SessionFactory,
    prepared: Prepared,
    *,
    actor_id: int | None,
    source: str = "cli",
    job_id: int | None = None,
) -> Started:
    """Resume the unfinished job for this file, or create one; commits at once."""
    with factory() as session:
        write_lock(session)
        fingerprint = prepared.fingerprint
        job = session.get(ImportJob, job_id) if job_id else _resumable(session, fingerprint)
        if job is not None and job.status == JobStatus.RUNNING and owner_alive(job):
            raise ImportBusy(f"this file is being imported right now (job {job.id})")
        resumed = job is not None and job.checkpoint_records > 0
        if job is None:
            job = _new_job(prepared, actor_id, source)
            session.add(job)
        job.fingerprint = prepared.fingerprint
        job.options = {**prepared.describe(), **access.recorded(job.options)}  # keep the owner
        job.status, job.owner, job.heartbeat_at = JobStatus.RUNNING, owner_label(), utcnow()
        job.started_at = job.started_at or utcnow()
        session.flush()
        with _RUNNING_LOCK:  # before the commit lets another thread look at the job
            _RUNNING_HERE.add(job.id)
        try:
            session.commit()
        except BaseException:
            with _RUNNING_LOCK:
                _RUNNING_HERE.discard(job.id)
            raise
        return Started(job.id, job.checkpoint_records, Counts.of(job), resumed)


def _new_job(prepared: Prepared, actor_id: int | None, source: str) -> ImportJob:
    return ImportJob(
        kind=prepared.spec.name,
        source=source,
        source_name=prepared.path.name[:255],
        source_format=prepared.source.format,
        file_sha256=prepared.facts.sha256,
        fingerprint=prepared.fingerprint,
        options=prepared.describe(),
        created_by_user_id=actor_id,
        rows_read=0,
        inserted=0,
        updated=0,
        unchanged=0,
        quarantined=0,
        checkpoint_records=0,
    )


def write_lock(session: Session, job_id: int | None = None) -> None:
    """Make a write the transaction's first statement (SQLite then waits for the lock
    instead of failing later on a stale read snapshot); doubles as the job heartbeat."""
    statement = update(ImportJob).values(heartbeat_at=utcnow())
    session.execute(statement.where(ImportJob.id == (job_id if job_id is not None else -1)))


def record_batch(
    session: Session, job_id: int, counts: Counts, records: int, quarantine: list[dict[str, Any]]
) -> None:
    """Store a batch's quarantined rows, counters and checkpoint (the caller commits)."""
    if quarantine:
        session.execute(insert(QuarantineRow), [{"job_id": job_id, **q} for q in quarantine])
    job = ImportJob
    session.execute(
        update(job)
        .where(job.id == job_id)
        .values(
            rows_read=job.rows_read + counts.read,
            inserted=job.inserted + counts.inserted,
            updated=job.updated + counts.updated,
            unchanged=job.unchanged + counts.unchanged,
            quarantined=job.quarantined + counts.quarantined,
            checkpoint_records=job.checkpoint_records + records,
        )
    )


def finish(factory: SessionFactory, job_id: int, *, error: str | None = None) -> Counts:
    """Mark the job done (or interrupted, with an error class) and audit it."""
    try:
        return _finish(factory, job_id, error)
    finally:
        with _RUNNING_LOCK:
            _RUNNING_HERE.discard(job_id)


def _finish(factory: SessionFactory, job_id: int, error: str | None) -> Counts:
    with factory() as session:
        write_lock(session, job_id)
        job = session.get(ImportJob, job_id, populate_existing=True)
        assert job is not None
        job.status = JobStatus.INTERRUPTED if error else JobStatus.DONE
        job.error = error
        job.finished_at = None if error else utcnow()
        job.owner = None
        if error is None:
            actor = session.get(User, job.created_by_user_id) if job.created_by_user_id else None
            details = {"kind": job.kind, "source": job.source, **Counts.of(job).as_dict()}
            audit.record(
                session,
                actor=actor,
                action="import.run",
                entity=("import_job", job.id),
                details=details,
                actor_label=None if actor else job.source,
            )
        session.commit()
        return Counts.of(job)
