"""Import bookkeeping: jobs with checkpoints, quarantined rows, natural keys, idempotency
keys of the ingest API, and the record of merged duplicate customers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base, JSONType, UTCDateTime
from centricity.kit.i18n import pnoop
from centricity.kit.time import utcnow


class JobStatus(StrEnum):
    """Life of an import: uploaded (web) → queued → running → done; interrupted resumes."""

    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    INTERRUPTED = "interrupted"
    DONE = "done"
    EXPIRED = "expired"


# Each status's label for the catalog; pages show `job.status|status`.
STATUS_LABELS = (
    pnoop("status", "pending"),
    pnoop("status", "queued"),
    pnoop("status", "running"),
    pnoop("status", "interrupted"),
    pnoop("status", "done"),
    pnoop("status", "expired"),
)


class ImportJob(Base):
    """One import of one file; batches commit together with `checkpoint_records`."""

    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_fingerprint_status", "fingerprint", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(10), default="cli")
    source_name: Mapped[str] = mapped_column(String(255))
    source_format: Mapped[str] = mapped_column(String(10))
    file_sha256: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.RUNNING.value)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    checkpoint_records: Mapped[int] = mapped_column(Integer, default=0)
    owner: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stored_path: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
    # The mapping preview shown on the import page, stored so a view never re-parses.
    preview: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QuarantineRow(Base):
    """A row that could not be imported: its original values, line and the reason."""

    __tablename__ = "import_quarantine"
    __table_args__ = (Index("ix_import_quarantine_job_id_line", "job_id", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"))
    line: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    data: Mapped[Any] = mapped_column(JSONType)


class RecordKey(Base):
    """Natural key (hashed) → record id, for kinds whose table has no external id column."""

    __tablename__ = "import_record_keys"
    __table_args__ = (UniqueConstraint("kind", "key_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    key_hash: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)


class IdempotencyKey(Base):
    """An ingest request remembered for 24 hours per API token, with its stored answer."""

    __tablename__ = "import_idempotency_keys"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="running")
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class CustomerMerge(Base):
    """A duplicate customer folded into a survivor; keeps what the duplicate looked like."""

    __tablename__ = "customer_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    duplicate_id: Mapped[int] = mapped_column(Integer)
    duplicate_external_id: Mapped[str | None] = mapped_column(String(100), index=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    moved: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    merged_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DuplicatePair(Base):
    """Two customers that look like the same person, waiting for a merge or a dismissal."""

    __tablename__ = "customer_duplicate_pairs"
    __table_args__ = (UniqueConstraint("customer_a_id", "customer_b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_a_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    customer_b_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float, default=1.0)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
