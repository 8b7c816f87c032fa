"""Which department owns a call: the line it used (`CENTRICITY_PHONE_LINES`), else the
installation's phone department, else the reporting member of staff's own department.

A member of staff's token reports only their own department's calls; an admin's, any."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, Role, User
from centricity.accounts.service import get_or_create_department
from centricity.config import get_settings
from centricity.kit.errors import PermissionDenied
from centricity.telephony.phones import default_region, parse_lines

FALLBACK = "Customer Service"


def line_departments(session: Session) -> dict[str, int]:
    """Each configured line (E.164) → the id of the department that owns its calls; a line
    naming no existing department is left out (calls fall back to the default owner)."""
    lines = parse_lines(get_settings().phone_lines, default_region())
    if not lines:
        return {}
    ids = dict(session.execute(select(Department.name, Department.id)).all())
    return {number: ids[name] for number, name in lines.items() if name in ids}


def default_department(session: Session, actor: User | None) -> int:
    """Who owns a call no line names: `CENTRICITY_PHONE_DEPARTMENT` (created when it does
    not exist yet, as an import may name a department), else the reporting member of
    staff's own department, else the first department; a store without any department
    gets `FALLBACK`, so a first call record import never fails for want of one."""
    name = get_settings().phone_department.strip()
    if name:
        return get_or_create_department(session, name).id
    if actor is not None and actor.department_id is not None:
        return actor.department_id
    first = session.scalar(select(func.min(Department.id)))
    if first is not None:
        return int(first)
    return get_or_create_department(session, FALLBACK).id


def department_for(session: Session, line_e164: str | None, actor: User | None) -> int:
    """The department that owns a call on `line_e164`, as `actor` may report it: a member
    of staff's token reports only their own department's calls."""
    owner = line_departments(session).get(line_e164 or "")
    if actor is None or actor.role == Role.ADMIN:
        return owner if owner is not None else default_department(session, actor)
    if actor.department_id is None:
        raise PermissionDenied("only an admin or a member of a department reports calls")
    if owner is not None and owner != actor.department_id:
        raise PermissionDenied("this line belongs to another department")
    return actor.department_id
