"""Background work: a confirmed upload runs in the worker; stale data is purged."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from import_files import write_csv
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import ApiToken
from centricity.config import Settings
from centricity.customers.models import Customer
from centricity.imports import jobs as import_jobs
from centricity.imports import service
from centricity.imports.models import IdempotencyKey, ImportJob, QuarantineRow
from centricity.imports.plan import ImportOptions
from centricity.jobs.models import Job
from centricity.kit.time import utcnow


def _upload(db: Session, settings: Settings, actor: Any, tmp_path: Path) -> ImportJob:
    source = write_csv(tmp_path / "c.csv", ["external_id", "name"], [["J-1", "Jo"], ["J-2", ""]])
    stored = service.upload_dir(settings) / "pending.csv"
    stored.write_bytes(source.read_bytes())
    job, prepared = service.create_upload(
        db,
        settings=settings,
        path=stored,
        filename="c.csv",
        options=ImportOptions(kind="customers"),
        actor=actor,
    )
    service.queue_upload(db, job, prepared)
    db.commit()
    return job


def test_a_queued_upload_runs_in_the_worker_and_its_file_is_removed(
    db: Session, settings: Settings, personas: Any, tmp_path: Path
) -> None:
    job = _upload(db, settings, personas.alice, tmp_path)
    queued = db.scalars(select(Job).where(Job.kind == service.RUN_JOB)).one()
    stored = Path(job.stored_path or "")
    import_jobs.run_import(db, dict(queued.payload))
    db.expire_all()
    done = db.get(ImportJob, job.id)
    assert done is not None and done.status == "done" and done.stored_path is None
    assert (done.inserted, done.quarantined) == (1, 1)
    assert not stored.exists()
    assert db.scalar(select(func.count()).select_from(Customer)) == 1
    assert (
        db.scalar(select(func.count()).select_from(Job).where(Job.kind == service.SCAN_DUPLICATES))
        == 1
    )
    import_jobs.run_import(db, dict(queued.payload))  # a retried job finds it done
    assert db.scalar(select(func.count()).select_from(Customer)) == 1


def test_purge_drops_stale_uploads_old_quarantines_and_expired_keys(
    db: Session, settings: Settings, personas: Any, tmp_path: Path, token_for: Any
) -> None:
    pending, _ = service.create_upload(
        db,
        settings=settings,
        path=_copy(settings, tmp_path),
        filename="p.csv",
        options=ImportOptions(kind="customers"),
        actor=personas.alice,
    )
    old = ImportJob(
        kind="customers",
        source_name="old.csv",
        source_format="csv",
        file_sha256="0" * 64,
        fingerprint="0" * 64,
        status="done",
        created_at=utcnow() - timedelta(days=40),
    )
    db.add(old)
    db.flush()
    db.add(QuarantineRow(job_id=old.id, line=2, reason="name: required", data=["x"]))
    token_for(personas.bob)
    token_id = db.scalar(select(func.max(ApiToken.id)))
    db.add(
        IdempotencyKey(
            token_id=token_id,
            key="k",
            request_hash="0" * 64,
            expires_at=utcnow() + timedelta(hours=24),
        )
    )
    db.flush()
    later = utcnow() + timedelta(days=2)
    counts = service.purge(db, now=later)
    assert counts == {"uploads": 1, "quarantine_rows": 1, "idempotency_keys": 1}
    assert pending.status == "expired" and pending.stored_path is None
    # The scheduled job handler purges as of now: an expired key goes, a live one stays.
    for key, expires in (("gone", utcnow() - timedelta(minutes=1)), ("kept", later)):
        db.add(
            IdempotencyKey(token_id=token_id, key=key, request_hash="0" * 64, expires_at=expires)
        )
    db.flush()
    import_jobs.purge(db, {})
    assert list(db.scalars(select(IdempotencyKey.key))) == ["kept"]


def _copy(settings: Settings, tmp_path: Path) -> Path:
    source = write_csv(tmp_path / "p.csv", ["external_id", "name"], [["P-1", "Pia"]])
    target = service.upload_dir(settings) / "p.csv"
    target.write_bytes(source.read_bytes())
    return target
