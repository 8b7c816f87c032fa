"""Personal data in the audit log: entries about a person and labels naming them.

Erasure keeps every entry (who did what, when, to which id) but scrubs its details:
they should only ever hold field names, and erasure makes sure of it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from centricity.audit.models import AuditEntry
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE

CLASSIFICATION: Tables = {
    "audit_log": {
        "id": N,
        "at": S,
        "actor_user_id": S,
        "actor_label": S,
        "action": N,
        "entity_type": N,
        "entity_id": S,
        "details": P,
    },
}

ERASED_LABEL = "erased"


def _entities(person: PersonRef) -> dict[str, tuple[int, ...]]:
    return {
        "customer": person.customer_ids,
        "contact_person": person.contact_person_ids,
        "user": person.user_ids,
    }


def _about(person: PersonRef) -> ColumnElement[bool]:
    conditions = [
        and_(AuditEntry.entity_type == kind, AuditEntry.entity_id.in_([str(i) for i in ids]))
        for kind, ids in _entities(person).items()
        if ids
    ]
    return or_(*conditions) if conditions else false()


def _by(person: PersonRef) -> ColumnElement[bool]:
    if not person.found:
        return false()
    return or_(
        AuditEntry.actor_user_id.in_(person.user_ids),
        func.lower(AuditEntry.actor_label).in_(person.all_emails),
    )


def export(session: Session, person: PersonRef) -> Export:
    """Audit entries about the person's records and actions taken by them as staff."""
    query = select(AuditEntry).where(or_(_about(person), _by(person)))
    rows = session.scalars(query.order_by(AuditEntry.at, AuditEntry.id))
    return {"audit_log": to_rows(rows, CLASSIFICATION["audit_log"])}


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Keep action, time and ids of entries about the person; drop details and labels."""
    changed = set()
    for entry in session.scalars(select(AuditEntry).where(_about(person))):
        if entry.details:
            entry.details = {}
            changed.add(entry.id)
    labelled = func.lower(AuditEntry.actor_label).in_(person.all_emails)
    for entry in session.scalars(select(AuditEntry).where(labelled)):
        entry.actor_label = ERASED_LABEL
        changed.add(entry.id)
    session.flush()
    return {"audit_log": len(changed)}
