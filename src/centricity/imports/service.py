"""Import use cases for the command line, the import page and background jobs.

Uploads from the web page are kept under `<data_dir>/imports/` only until their import
has run (or for a day, when never confirmed): they hold personal data.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, delete, null, select, update
from sqlalchemy.orm import Session, defer, sessionmaker

from centricity.accounts.models import User
from centricity.config import Settings
from centricity.imports import access
from centricity.imports.check.mapping import MappingError
from centricity.imports.load.jobstore import ImportBusy, SessionFactory
from centricity.imports.load.runner import Progress, Summary, run
from centricity.imports.models import IdempotencyKey, ImportJob, JobStatus, QuarantineRow
from centricity.imports.plan import ImportOptions, Prepared, prepare, preview
from centricity.imports.read.readers import EXTENSIONS, UnreadableFile
from centricity.imports.reasons import message_of, shown
from centricity.imports.review import quarantine
from centricity.jobs import service as jobs
from centricity.kit.errors import Invalid, NotFound
from centricity.kit.i18n import lazy
from centricity.kit.time import utcnow

RUN_JOB = "imports.run"
SCAN_DUPLICATES = "imports.scan_duplicates"
UPLOAD_TTL = timedelta(days=1)
QUARANTINE_TTL = timedelta(days=30)
NO_LONGER_AVAILABLE = lazy("the uploaded file is no longer available; upload it again")


def prepare_file(
    path: Path, options: ImportOptions, *, settings: Settings, strict: bool = True
) -> Prepared:
    """Open, map and inspect a file (raises UnreadableFile / MappingError); an XLSX file
    may unpack to at most `CENTRICITY_IMPORT_MAX_UNPACKED_BYTES`."""
    limit = settings.import_max_unpacked_bytes
    return prepare(path, options, max_unpacked_bytes=limit, strict=strict)


def run_prepared(
    factory: SessionFactory,
    prepared: Prepared,
    *,
    actor_id: int | None,
    source: str,
    dry_run: bool = False,
    job_id: int | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Import a prepared file; after customers change, queue a duplicate scan."""
    summary = run(
        factory,
        prepared,
        actor_id=actor_id,
        source=source,
        job_id=job_id,
        dry_run=dry_run,
        progress=progress,
    )
    changed = summary.counts.inserted + summary.counts.updated
    if not dry_run and prepared.spec.name == "customers" and changed:
        with factory() as session:
            jobs.enqueue(session, kind=SCAN_DUPLICATES, max_attempts=2)
            session.commit()
    return summary


def write_quarantine(
    job_id: int,
    path: Path,
    *,
    factory: SessionFactory | None = None,
    actor: User | None = None,
) -> int:
    """Write a job's quarantined rows to `path` (same format as its input). With an
    `actor`, only a job they may read, without the confidential rows they may not."""
    if factory is None:
        from centricity.config import get_settings
        from centricity.db import get_engine, session_factory

        factory = session_factory(get_engine(get_settings()))
    with factory() as session:
        job = (
            access.get_job(session, job_id, actor=actor)
            if actor is not None
            else session.get(ImportJob, job_id)
        )
        if job is None:
            raise NotFound(lazy("import job not found"))
        return write_quarantine_file(session, job, path, actor=actor)


def write_quarantine_file(
    session: Session, job: ImportJob, path: Path, *, actor: User | None
) -> int:
    """Write a readable job's quarantine for `actor`, leaving out confidential contacts
    when the actor is outside the uploader's department (None: the server's operator)."""
    hidden = None if access.sees_confidential(session, job, actor) else access.confidential_row(job)
    return quarantine.write(session, job, path, hidden=hidden)


def list_jobs(session: Session, *, actor: User, limit: int = 20) -> list[ImportJob]:
    """The most recent imports `actor` may read, newest first."""
    query = select(ImportJob).where(access.visible_jobs(actor)).options(defer(ImportJob.preview))
    return list(session.scalars(query.order_by(ImportJob.id.desc()).limit(limit)))


def get_job(session: Session, job_id: int, *, actor: User) -> ImportJob:
    """One import job `actor` may read, or NotFound (also for another department's)."""
    return access.get_job(session, job_id, actor=actor)


def upload_dir(settings: Settings) -> Path:
    """Where uploaded files wait for their import."""
    folder = settings.data_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_upload(
    settings: Settings, *, filename: str, stream: BinaryIO, limit: int
) -> tuple[Path, int]:
    """Copy an upload to the data folder, refusing files over `limit` bytes."""
    suffix = Path(filename).suffix.lower()[:10]
    target = upload_dir(settings) / f"{secrets.token_hex(16)}{suffix}"
    size = 0
    with target.open("wb") as handle:
        while block := stream.read(1024 * 1024):
            size += len(block)
            if size > limit:
                handle.close()
                target.unlink(missing_ok=True)
                raise Invalid(
                    lazy("the file is larger than %(size)s MB", size=limit // (1024 * 1024)),
                    field="file",
                )
            handle.write(block)
    return target, size


def inspect_upload(settings: Settings, *, path: Path, options: ImportOptions) -> Prepared:
    """Read an uploaded file's header and first rows (deleting it when unreadable).

    Takes no session: the page calls it outside any transaction, so parsing a big file
    never holds the store's write lock (on SQLite, every other writer would wait)."""
    try:
        return prepare_file(path, options, settings=settings, strict=False)
    except (UnreadableFile, MappingError) as exc:
        path.unlink(missing_ok=True)
        raise Invalid(message_of(exc), field="file") from None


def register_upload(
    session: Session, *, prepared: Prepared, filename: str, actor: User
) -> ImportJob:
    """Record an inspected upload as a pending import, with the preview its page shows."""
    job = ImportJob(
        kind=prepared.spec.name,
        source="web",
        source_name=Path(filename).name[:255] or "upload",
        source_format=prepared.source.format,
        file_sha256=prepared.facts.sha256,
        fingerprint=prepared.fingerprint,
        status=JobStatus.PENDING,
        stored_path=str(prepared.path),
        created_by_user_id=actor.id,
    )
    job.options = access.owner_options(actor)
    store_preview(job, prepared)
    job.rows_read = job.inserted = job.updated = job.unchanged = job.quarantined = 0
    job.checkpoint_records = 0
    session.add(job)
    session.flush()
    return job


def create_upload(
    session: Session,
    *,
    settings: Settings,
    path: Path,
    filename: str,
    options: ImportOptions,
    actor: User,
) -> tuple[ImportJob, Prepared]:
    """Inspect and register an upload in one call (jobs and scripts; the page splits the
    two so that parsing happens outside its transaction)."""
    prepared = inspect_upload(settings, path=path, options=options)
    return register_upload(session, prepared=prepared, filename=filename, actor=actor), prepared


def store_preview(job: ImportJob, prepared: Prepared) -> None:
    """Keep how the file is read and its preview on the job: its page never re-parses."""
    options = {**prepared.describe(), "import_options": _options_json(prepared.options)}
    job.options = {**options, **access.recorded(job.options)}
    job.fingerprint = prepared.fingerprint
    job.preview = preview(prepared)


def _options_json(options: ImportOptions) -> dict[str, Any]:
    return {
        "kind": options.kind,
        "encoding": options.encoding,
        "delimiter": options.delimiter,
        "decimal": options.decimal,
        "date_format": options.date_format,
        "timezone": options.timezone,
        "sheet": options.sheet,
        "overrides": options.overrides,
    }


def stored_options(job: ImportJob) -> ImportOptions:
    """The reading options an uploaded job was created (or last previewed) with."""
    saved = dict(job.options.get("import_options") or {"kind": job.kind})
    return ImportOptions(**saved)


def reprepare(path: Path, options: ImportOptions, settings: Settings) -> Prepared:
    """Open an uploaded file again with changed options (mapping, formats); like
    `inspect_upload`, called outside any transaction."""
    if not path.is_file():
        raise Invalid(NO_LONGER_AVAILABLE)
    try:
        return prepare_file(path, options, settings=settings, strict=False)
    except (UnreadableFile, MappingError) as exc:
        raise Invalid(message_of(exc)) from None


def queue_upload(session: Session, job: ImportJob, prepared: Prepared | None = None) -> None:
    """Confirm a pending upload: it runs in the background worker."""
    if job.status != JobStatus.PENDING:
        raise Invalid(lazy("this import has already been started"))
    problem = prepared.problem if prepared else (job.preview or {}).get("problem")
    if problem:
        raise Invalid(shown(str(problem)))
    job.status = JobStatus.QUEUED
    jobs.enqueue(session, kind=RUN_JOB, payload={"job_id": job.id}, max_attempts=3)
    session.flush()


def run_upload(factory: SessionFactory, job_id: int, settings: Settings) -> Summary | None:
    """Run a confirmed upload (job handler or inline for small files), then delete it."""
    with factory() as session:
        job = session.get(ImportJob, job_id)
        if job is None or job.status == JobStatus.DONE or not job.stored_path:
            return None
        path = Path(job.stored_path)
        options = stored_options(job)
        actor_id = job.created_by_user_id
    prepared = prepare_file(path, options, settings=settings)
    try:
        summary = run_prepared(factory, prepared, actor_id=actor_id, source="web", job_id=job_id)
    except ImportBusy:
        return None  # the run in progress (inline, or another worker) finishes it
    path.unlink(missing_ok=True)
    with factory() as session:
        done = session.get(ImportJob, job_id)
        if done is not None:
            done.stored_path, done.preview = None, null()  # both hold the file's personal data
        session.commit()
    return summary


def factory_for(session: Session) -> SessionFactory:
    """Sessions on the same store as `session` (job handlers get a session, not a factory)."""
    bind = session.get_bind()
    if isinstance(bind, Connection):  # tests run everything inside one outer transaction
        return sessionmaker(bind=bind, join_transaction_mode="create_savepoint")
    return sessionmaker(bind=bind, expire_on_commit=False)


def purge(session: Session, *, now: Any = None) -> dict[str, int]:
    """Drop stale uploads, old quarantines and expired idempotency keys (privacy, space)."""
    now = now or utcnow()
    stale = list(
        session.scalars(
            select(ImportJob)
            .where(ImportJob.status == JobStatus.PENDING, ImportJob.created_at < now - UPLOAD_TTL)
            .options(defer(ImportJob.preview))
        )
    )
    for job in stale:
        if job.stored_path:
            Path(job.stored_path).unlink(missing_ok=True)
        job.status, job.stored_path = JobStatus.EXPIRED, None
    session.execute(  # a preview quotes the file's rows: none outlives its upload (these too)
        update(ImportJob)
        .where(ImportJob.created_at < now - UPLOAD_TTL, ImportJob.preview.is_not(None))
        .values(preview=null())
    )
    old = select(ImportJob.id).where(ImportJob.created_at < now - QUARANTINE_TTL)
    removed = session.execute(delete(QuarantineRow).where(QuarantineRow.job_id.in_(old)))
    keys = session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at < now))
    session.flush()
    return {
        "uploads": len(stale),
        "quarantine_rows": int(getattr(removed, "rowcount", 0) or 0),
        "idempotency_keys": int(getattr(keys, "rowcount", 0) or 0),
    }


def known_format(filename: str) -> bool:
    """Whether an uploaded file's name has an extension of a format we read."""
    return Path(filename).suffix.lower() in EXTENSIONS
