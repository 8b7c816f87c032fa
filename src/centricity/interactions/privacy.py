"""Personal data of the contact log: the free-text notes about a person.

Erasure empties the notes but keeps channel, direction and timing, so waiting-time and
service-level statistics stay correct after a customer is erased.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, update
from sqlalchemy.orm import Session

from centricity.interactions.models import Interaction
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE

CLASSIFICATION: Tables = {
    "interactions": {
        "id": S,
        "external_id": S,
        "customer_id": S,
        "contact_person_id": S,
        "channel": N,
        "direction": N,
        "user_id": S,
        "department_id": S,
        "started_at": S,
        "waiting_seconds": S,
        "duration_seconds": S,
        "note": P,
        "confidential": N,
        "created_at": S,
    },
}


def _about(person: PersonRef) -> ColumnElement[bool]:
    conditions = []
    if person.customer_ids:
        conditions.append(Interaction.customer_id.in_(person.customer_ids))
    if person.contact_person_ids:
        conditions.append(Interaction.contact_person_id.in_(person.contact_person_ids))
    return or_(*conditions) if conditions else false()


def export(session: Session, person: PersonRef) -> Export:
    """Every contact with the person, notes included, oldest first."""
    query = select(Interaction).where(_about(person))
    rows = session.scalars(query.order_by(Interaction.started_at, Interaction.id))
    return {"interactions": to_rows(rows, CLASSIFICATION["interactions"])}


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Empty the notes of the person's contacts; the contact itself stays for statistics."""
    statement = (
        update(Interaction)
        .where(_about(person), Interaction.note != "")
        .values(note="")
        .execution_options(synchronize_session="fetch")
    )
    result = session.execute(statement)
    return {"interactions": int(getattr(result, "rowcount", 0) or 0)}
