"""Who may read an import job and its quarantined rows.

A job holds a file's rows (preview, quarantine), so it belongs to its uploader and the
department they uploaded it for (recorded with the job's options; for older jobs, the
uploader's department); admins see every job. Jobs started from the command line have
no uploader: only admins see them on the pages. Quarantined rows of confidential contacts
follow the contact log's rule (`interactions.service.visibility`): only that department
and admins read them (a user without a department, only their own), so an uploader who
moved to another department keeps their job but not its confidential rows, and their
new department does not inherit it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.imports import registry
from centricity.imports.kinds import choice_key
from centricity.imports.models import ImportJob
from centricity.kit.errors import NotFound
from centricity.kit.i18n import lazy

CONFIDENTIAL_KIND, CONFIDENTIAL_FIELD = "interactions", "confidential"
DEPARTMENT = "department_id"  # key of `ImportJob.options`: the department owning the job


def recorded(options: dict[str, Any] | None) -> dict[str, Any]:
    """The ownership keys of a job's options, kept when the options are rewritten."""
    found = (options or {}).get(DEPARTMENT)
    return {} if found is None else {DEPARTMENT: found}


def owner_options(actor: User) -> dict[str, Any]:
    """Ownership to record with a new job of `actor`."""
    return {} if actor.department_id is None else {DEPARTMENT: actor.department_id}


def _department_column() -> ColumnElement[Any]:
    uploader = select(User.department_id).where(User.id == ImportJob.created_by_user_id)
    return func.coalesce(ImportJob.options[DEPARTMENT].as_integer(), uploader.scalar_subquery())


def visible_jobs(actor: User) -> ColumnElement[bool]:
    """The jobs `actor` may read: their own and their department's (admins: all)."""
    if actor.role_enum is Role.ADMIN:
        return true()
    mine = ImportJob.created_by_user_id == actor.id
    if actor.department_id is None:
        return mine
    return or_(mine, _department_column() == actor.department_id)


def job_department(session: Session, job: ImportJob) -> int | None:
    """The department a job belongs to (recorded, else its uploader's)."""
    found = recorded(job.options).get(DEPARTMENT)
    if found is not None:
        return int(found)
    uploader = session.get(User, job.created_by_user_id) if job.created_by_user_id else None
    return uploader.department_id if uploader is not None else None


def get_job(session: Session, job_id: int, *, actor: User) -> ImportJob:
    """One job `actor` may read; NotFound alike for a missing and a foreign job, so
    another department cannot even learn that it exists."""
    query = select(ImportJob).where(ImportJob.id == job_id, visible_jobs(actor))
    job = session.scalar(query)
    if job is None:
        raise NotFound(lazy("import not found"))
    return job


def sees_confidential(session: Session, job: ImportJob, actor: User | None) -> bool:
    """May `actor` read the job's confidential rows? None is the operator on the
    server's command line, who reads the store directly anyway."""
    if actor is None or actor.role_enum is Role.ADMIN:
        return True
    department = job_department(session, job)
    if actor.department_id is None:  # as for contacts: only one's own
        return department is None and job.created_by_user_id == actor.id
    return department == actor.department_id


def confidential_row(job: ImportJob) -> Any:
    """A test telling whether a quarantined row of `job` records a confidential contact.

    Anything but a blank or a recognised "no" counts as confidential, and so does a
    ragged row (its cells may have shifted): when in doubt, the row stays hidden."""
    header = list(job.options.get("header") or [])
    columns = job.options.get("columns") or {}
    names = [h for h in header if columns.get(h) == CONFIDENTIAL_FIELD]
    if job.kind != CONFIDENTIAL_KIND or not names:
        return lambda _data: False
    index = header.index(names[0])
    spec = registry.get(CONFIDENTIAL_KIND).field(CONFIDENTIAL_FIELD)
    no = {key for key, value in (spec.choices or {}).items() if value == "false"}

    def confidential(data: Any) -> bool:
        if isinstance(data, dict):
            value = data.get(names[0])
        elif isinstance(data, list) and len(data) == len(header):
            value = data[index]
        else:
            return True
        text = "" if value is None else str(value)
        return bool(text.strip()) and choice_key(text) not in no

    return confidential
