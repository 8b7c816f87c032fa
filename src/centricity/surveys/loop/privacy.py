"""Personal data of the closed loop: the follow-up record of a customer's follow-up task.

The record is about the customer of its task; its only words are the note staff left
when closing it, which may describe the person: erasure empties the note and keeps the
outcome, root cause and times, which feed the closed-loop figures without the person.
The root-cause list holds no personal data.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, update
from sqlalchemy.orm import Session

from centricity.cases.models import Case
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows
from centricity.surveys.loop.models import FollowUp

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE

CLASSIFICATION: Tables = {
    "follow_up_root_causes": dict.fromkeys(("id", "names", "position", "active", "created_at"), N),
    "follow_ups": {
        **dict.fromkeys(("id", "case_id", "response_id", "survey_id", "opened_at"), S),
        **dict.fromkeys(("first_closed_at", "outcome", "root_cause_id", "closed_by_user_id"), S),
        **dict.fromkeys(("recorded_at", "recovery_invitation_id", "recovery_asked_at"), S),
        **dict.fromkeys(("recovery_skip_reason", "recovery_answered_at", "recovery_resolved"), S),
        "note": P,
    },
}


def _records_of(person: PersonRef) -> ColumnElement[bool]:
    if not person.customer_ids:
        return false()
    tasks = select(Case.id).where(Case.customer_id.in_(person.customer_ids))
    return FollowUp.case_id.in_(tasks)


def export(session: Session, person: PersonRef) -> Export:
    """The follow-up records of the person's follow-up tasks."""
    records = session.scalars(select(FollowUp).where(_records_of(person)).order_by(FollowUp.id))
    return {"follow_ups": to_rows(records, CLASSIFICATION["follow_ups"])}


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Empty the notes about the person; the outcomes stay in the figures."""
    notes = session.execute(
        update(FollowUp)
        .where(_records_of(person), FollowUp.note.is_not(None))
        .values(note=None)
        .execution_options(synchronize_session="fetch")
    )
    return {"follow_ups": int(getattr(notes, "rowcount", 0) or 0)}
