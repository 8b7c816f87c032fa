"""Personal data kept by imports.

* Quarantined rows hold a source file's original values (names, e-mails, phones):
  personal. Exported and deleted for the person when a cell holds one of their e-mails,
  customer ids or phone numbers; a row naming them only by name cannot be told from a
  namesake's, so it waits for the 30-day purge of all quarantined rows.
* A merge keeps a snapshot of the duplicate record: personal. Exported, and blanked on
  erasure (ids, time and moved counts stay: they explain where the history came from).
* Duplicate pairs only link two customer ids (pseudonymous); erasure deletes the
  person's pairs, as they would point reviewers at an erased record.
* An import job's preview (the first rows of an uploaded file, shown on its page) quotes
  the file: personal. It is cleared once the import ran or the upload expired (a day);
  until then it is exported and cleared for a person it names, like a quarantined row,
  and left out of a staff member's export of the imports they started.
* An upload waiting for its import (at most a day) is a file on disk that no query can
  search for a person (XLSX and Parquet are compressed): an erasure discards every such
  upload, whoever it names; the uploader uploads it again.
* Otherwise import jobs, natural keys and idempotency keys hold ids, hashes, counts and
  reasons that never quote a value: no personal values, nothing to erase. (Stored ingest
  answers hold counts and reasons only, by design.)

This module runs before the customers module on erasure, so the person's external ids
are still known when their quarantined rows are searched.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, delete, false, func, null, or_, select
from sqlalchemy.orm import Session

from centricity.customers.models import Customer
from centricity.imports.models import (
    CustomerMerge,
    DuplicatePair,
    ImportJob,
    JobStatus,
    QuarantineRow,
)
from centricity.kit.text import digits
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE
PHONE_DIGITS = 7  # fewer digits are not a phone number worth matching

CLASSIFICATION: Tables = {
    "import_jobs": {
        "id": N,
        "kind": N,
        "source": N,
        # A file name chosen by staff ("orders-2025.csv"); kept with the job's counts.
        "source_name": S,
        "source_format": N,
        "file_sha256": N,
        "fingerprint": N,
        "options": N,
        "status": N,
        "rows_read": N,
        "inserted": N,
        "updated": N,
        "unchanged": N,
        "quarantined": N,
        "checkpoint_records": N,
        "owner": N,
        "heartbeat_at": N,
        "stored_path": N,
        "error": N,
        "preview": P,
        "created_by_user_id": S,
        "created_at": S,
        "started_at": N,
        "finished_at": N,
    },
    "import_quarantine": {"id": N, "job_id": S, "line": N, "reason": N, "data": P},
    "import_record_keys": {"id": N, "kind": N, "key_hash": S, "record_id": S},
    "import_idempotency_keys": {
        "id": N,
        "token_id": S,
        "key": S,
        "request_hash": S,
        "status": N,
        "response_status": N,
        "response_body": S,
        "created_at": S,
        "expires_at": N,
    },
    "customer_merges": {
        "id": S,
        "survivor_id": S,
        "duplicate_id": S,
        "duplicate_external_id": P,
        "snapshot": P,
        "moved": N,
        "merged_by_user_id": S,
        "merged_at": S,
    },
    "customer_duplicate_pairs": {
        "id": N,
        "customer_a_id": S,
        "customer_b_id": S,
        "reason": N,
        "score": N,
        "found_at": N,
        "dismissed_at": N,
        "dismissed_by_user_id": S,
    },
}


def phone_key(value: str | None) -> str | None:
    """The last nine digits of a phone number (as the duplicate scan compares them), or
    None when the value has too few digits to be one."""
    number = digits(value).removeprefix("00")
    return number[-9:] if len(number) >= PHONE_DIGITS else None


def _needles(session: Session, person: PersonRef) -> tuple[set[str], set[str]]:
    """Values that identify the person inside quarantined rows: e-mails and customer ids
    (whole cells), and phone numbers (by their last nine digits, whatever the spacing)."""
    needles = {e.lower() for e in person.all_emails}
    phones: set[str] = set()
    if person.customer_ids:
        query = select(Customer.external_id, Customer.phone).where(
            Customer.id.in_(person.customer_ids)
        )
        for external_id, phone in session.execute(query):
            if external_id:
                needles.add(str(external_id).lower())
            if key := phone_key(phone):
                phones.add(key)
    return needles, phones


def _mentions(data: Any, needles: set[str], phones: set[str]) -> bool:
    values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    cells = [v.strip() for v in values if isinstance(v, str)]
    return any(c.lower() in needles or phone_key(c) in phones for c in cells)


def _hints(needles: set[str], phones: set[str]) -> set[str]:
    # A phone is written with any spacing; its last three digits are (almost) always
    # together, so they narrow the rows that Python then compares digit by digit.
    return {json.dumps(n)[1:-1] for n in needles} | needles | {p[-3:] for p in phones}


Needles = tuple[set[str], set[str]]  # whole-cell values and phone keys, see `_needles`


def _prefilter(column: Any, found: Needles) -> ColumnElement[bool]:
    """Rows whose JSON text may mention the person (Python then checks cell by cell)."""
    text = func.lower(cast(column, Text))
    return or_(*(text.contains(n, autoescape=True) for n in _hints(*found)))


def _quarantined(session: Session, person: PersonRef, found: Needles) -> list[QuarantineRow]:
    if not person.found or not any(found):
        return []
    rows = session.execute(
        select(QuarantineRow)
        .where(_prefilter(QuarantineRow.data, found))
        .order_by(QuarantineRow.id)
        .execution_options(yield_per=1000)
    ).scalars()
    return [row for row in rows if _mentions(row.data, *found)]


def _previews(session: Session, person: PersonRef, found: Needles) -> list[ImportJob]:
    """Jobs whose stored preview quotes a row naming the person."""
    if not person.found or not any(found):
        return []
    query = select(ImportJob).where(_prefilter(ImportJob.preview, found)).order_by(ImportJob.id)
    return [
        job
        for job in session.scalars(query)
        if any(_mentions(row, *found) for row in (job.preview or {}).get("rows", []))
    ]


def _merges(session: Session, person: PersonRef) -> list[CustomerMerge]:
    if not person.found:
        return []
    snapshot = func.lower(cast(CustomerMerge.snapshot, Text))
    conditions = [snapshot.contains(e, autoescape=True) for e in person.all_emails]
    if person.customer_ids:
        conditions.append(CustomerMerge.survivor_id.in_(person.customer_ids))
        conditions.append(CustomerMerge.duplicate_id.in_(person.customer_ids))
    rows = session.scalars(select(CustomerMerge).where(or_(*conditions)).order_by(CustomerMerge.id))
    emails = set(person.all_emails)
    return [
        m
        for m in rows
        if m.survivor_id in person.customer_ids
        or m.duplicate_id in person.customer_ids
        or str((m.snapshot or {}).get("email") or "").lower() in emails
    ]


def _pairs_about(person: PersonRef) -> ColumnElement[bool]:
    if not person.customer_ids:
        return false()
    return or_(
        DuplicatePair.customer_a_id.in_(person.customer_ids),
        DuplicatePair.customer_b_id.in_(person.customer_ids),
    )


def export(session: Session, person: PersonRef) -> Export:
    """Quarantined rows and import previews naming the person, merges into or of their
    records, their pairs, and the imports they started as staff (without the previews,
    which quote other people's rows)."""
    pairs = session.scalars(select(DuplicatePair).where(_pairs_about(person)))
    found = _needles(session, person)
    jobs: list[ImportJob] = []
    if person.user_ids:
        query = select(ImportJob).where(ImportJob.created_by_user_id.in_(person.user_ids))
        jobs = list(session.scalars(query.order_by(ImportJob.id)))
    return {
        "import_quarantine": to_rows(
            _quarantined(session, person, found), CLASSIFICATION["import_quarantine"]
        ),
        "customer_merges": to_rows(_merges(session, person), CLASSIFICATION["customer_merges"]),
        "customer_duplicate_pairs": to_rows(pairs, CLASSIFICATION["customer_duplicate_pairs"]),
        "import_jobs": [
            {k: v for k, v in row.items() if k != "preview"}
            for row in to_rows(jobs, CLASSIFICATION["import_jobs"])
        ],
        "import_job_previews": [
            {"job_id": job.id, "preview": job.preview} for job in _previews(session, person, found)
        ],
    }


def _discard_pending_uploads(session: Session) -> int:
    """Delete the files of uploads not yet imported and expire their jobs (the file may be
    removed before the transaction commits: an upload can always be sent again)."""
    pending = [
        job
        for job in session.scalars(select(ImportJob).where(ImportJob.status == JobStatus.PENDING))
        if job.stored_path
    ]
    for job in pending:
        Path(job.stored_path or "").unlink(missing_ok=True)
        job.status, job.stored_path, job.preview = JobStatus.EXPIRED, None, null()
    return len(pending)


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Delete quarantined rows naming the person and their pairs; clear previews quoting
    them; blank merge snapshots."""
    found = _needles(session, person)
    quarantined = _quarantined(session, person, found)
    for row in quarantined:
        session.delete(row)
    previews = _previews(session, person, found)
    for job in previews:
        job.preview = null()
    pending = _discard_pending_uploads(session)
    merges = _merges(session, person)
    for merge in merges:
        merge.snapshot, merge.duplicate_external_id = {}, None
    pairs = session.execute(
        delete(DuplicatePair)
        .where(_pairs_about(person))
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return {
        "import_quarantine": len(quarantined),
        "import_jobs": len(previews) + pending,  # previews cleared, uploads discarded
        "customer_merges": len(merges),
        "customer_duplicate_pairs": int(getattr(pairs, "rowcount", 0) or 0),
    }
