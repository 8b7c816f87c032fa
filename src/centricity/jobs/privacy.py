"""Personal data in the job queue: payloads carry ids only, but erasure checks anyway.

A payload value equal to the person's e-mail (an integration may have put one there) is
removed from every job, and the address is blanked in error texts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, false, func, or_, select
from sqlalchemy.orm import Session

from centricity.jobs.models import Job
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

S = Classification.PSEUDONYMOUS
N = Classification.NONE

CLASSIFICATION: Tables = {
    "jobs": {
        "id": N,
        "kind": N,
        "payload": S,
        "status": N,
        "run_at": N,
        "attempts": N,
        "max_attempts": N,
        "last_error": N,
        "worker_id": N,
        "created_at": N,
        "started_at": N,
        "finished_at": N,
    },
    "job_schedules": {"name": N, "last_enqueued_at": N},
}

ERASED = "[erased]"


def _needles(person: PersonRef) -> set[str]:
    needles = set(person.all_emails)
    needles |= {json.dumps(email)[1:-1] for email in person.all_emails}
    ids = (*person.customer_ids, *person.contact_person_ids, *person.user_ids)
    return needles | {str(i) for i in ids}


def _prefilter(person: PersonRef) -> ColumnElement[bool]:
    """A cheap text match so only jobs that might mention the person are decoded."""
    if not person.found:
        return false()
    payload = func.lower(cast(Job.payload, Text))
    error = func.lower(func.coalesce(Job.last_error, ""))
    return or_(
        *(payload.contains(n, autoescape=True) for n in _needles(person)),
        *(error.contains(e, autoescape=True) for e in person.all_emails),
    )


def _scalars(value: Any, key: str | None = None) -> Iterator[tuple[str | None, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _scalars(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _scalars(v, key)
    else:
        yield key, value


def _is_email(value: Any, person: PersonRef) -> bool:
    return isinstance(value, str) and value.strip().lower() in person.all_emails


def _mentions(job: Job, person: PersonRef) -> bool:
    ids = {
        "customer_id": {str(i) for i in person.customer_ids},
        "contact_person_id": {str(i) for i in person.contact_person_ids},
        "user_id": {str(i) for i in person.user_ids},
    }
    for key, value in _scalars(job.payload):
        if _is_email(value, person) or str(value) in ids.get(key or "", set()):
            return True
    return any(e in (job.last_error or "").lower() for e in person.all_emails)


def _candidates(session: Session, person: PersonRef) -> list[Job]:
    jobs = session.scalars(select(Job).where(_prefilter(person)).order_by(Job.id))
    return [job for job in jobs if _mentions(job, person)]


def export(session: Session, person: PersonRef) -> Export:
    """Jobs whose payload names the person's ids or e-mail (queued or finished)."""
    return {"jobs": to_rows(_candidates(session, person), CLASSIFICATION["jobs"])}


def _without(value: Any, person: PersonRef) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, person) for k, v in value.items() if not _is_email(v, person)}
    if isinstance(value, list):
        return [_without(v, person) for v in value if not _is_email(v, person)]
    return value


def _scrub_error(text: str | None, person: PersonRef) -> str | None:
    for email in person.all_emails:
        text = re.sub(re.escape(email), ERASED, text, flags=re.IGNORECASE) if text else text
    return text


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Remove the person's e-mail from payloads and error texts; ids stay (they are ids)."""
    changed = 0
    for job in _candidates(session, person):
        payload, error = _without(job.payload, person), _scrub_error(job.last_error, person)
        if payload != job.payload or error != job.last_error:
            job.payload, job.last_error = payload, error
            changed += 1
    session.flush()
    return {"jobs": changed}
