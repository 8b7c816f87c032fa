"""Personal data of the service desk: what a case and its conversation say about a person.

Erasure empties the subject, description, message bodies and the reasons a message added,
but keeps each case's channel, priority, status, department and clocks, so service-level
attainment and response-time statistics stay correct after a customer is erased.
Policies and targets name no person.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, false, or_, select, update
from sqlalchemy.orm import Session

from centricity.cases.models import Case, CaseInteraction, CaseMessage, SavedQueue
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE
ERASED_SUBJECT = "[erased]"

_CASE_FACTS = (
    "kind", "channel", "priority", "status", "tags", "tier", "opened_at",
    "first_responded_at", "solved_at", "closed_at", "reopened_count",
    "awaiting_reply_since", "created_at", "updated_at",
)  # fmt: skip

CLASSIFICATION: Tables = {
    "cases": {
        "id": S,
        "external_id": S,
        "customer_id": S,
        "requesting_department_id": S,
        "department_id": S,
        "assignee_id": S,
        "created_by_user_id": S,
        "policy_id": N,
        "subject": P,
        "description": P,
        **dict.fromkeys(_CASE_FACTS, S),
    },
    "case_messages": {
        "id": S,
        "case_id": S,
        "author_user_id": S,
        "from_customer": S,
        "public": N,
        "body": P,
        "created_at": S,
    },
    "case_events": {
        "id": S,
        "case_id": S,
        "actor_user_id": S,
        "at": S,
        "field": N,
        "old_value": S,
        "new_value": S,
        "reason": S,
    },
    "case_targets": {
        **dict.fromkeys(
            ("id", "case_id", "started_at", "running_since", "due_at", "achieved_at"), S
        ),
        **dict.fromkeys(
            ("breached_at", "warn_at", "warned_at", "counted_seconds", "achieved_minutes"), S
        ),
        **dict.fromkeys(("kind", "cycle", "policy_id", "calendar_id", "minutes", "state"), N),
    },
    "sla_policies": dict.fromkeys(
        (
            "id",
            "name",
            "position",
            "conditions",
            "calendar_id",
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
            "waiting_minutes",
            "pause_statuses",
            "is_active",
            "created_at",
            "updated_at",
            "escalate_to_department_id",
            "escalate_raise_priority",
        ),
        N,
    )
    | {"escalate_to_user_id": S},
    # A saved view's name and filters are a staff member's own words (a search may name a
    # customer): exported with and erased with the member of staff.
    "saved_queues": {"id": S, "user_id": S, "name": P, "query": P, "created_at": S},
    # Links name only rows; the contact's own note is erased with the contact log.
    "case_interactions": dict.fromkeys(
        ("id", "case_id", "interaction_id", "linked_by_user_id", "linked_at"), S
    ),
}


def _cases_of(person: PersonRef) -> ColumnElement[bool]:
    if not person.customer_ids:
        return false()
    return Case.customer_id.in_(person.customer_ids)


def _messages_of(person: PersonRef) -> ColumnElement[bool]:
    conditions = [CaseMessage.case_id.in_(select(Case.id).where(_cases_of(person)))]
    if person.user_ids:
        conditions.append(CaseMessage.author_user_id.in_(person.user_ids))
    return or_(*conditions)


def export(session: Session, person: PersonRef) -> Export:
    """The person's cases and every message of them (and messages a staff member wrote)."""
    cases = session.scalars(select(Case).where(_cases_of(person)).order_by(Case.id))
    messages = session.scalars(
        select(CaseMessage).where(_messages_of(person)).order_by(CaseMessage.id)
    )
    links = session.scalars(
        select(CaseInteraction)
        .where(CaseInteraction.case_id.in_(select(Case.id).where(_cases_of(person))))
        .order_by(CaseInteraction.id)
    )
    views = session.scalars(
        select(SavedQueue).where(SavedQueue.user_id.in_(person.user_ids)).order_by(SavedQueue.id)
    )
    return {
        "cases": to_rows(cases, CLASSIFICATION["cases"]),
        "case_messages": to_rows(messages, CLASSIFICATION["case_messages"]),
        "saved_queues": to_rows(views, CLASSIFICATION["saved_queues"]),
        "case_interactions": to_rows(links, CLASSIFICATION["case_interactions"]),
    }


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Empty what the person's cases say; the cases stay for service statistics. Messages
    a member of staff wrote keep their text (it is about the customer, not the author);
    a member of staff's saved views go."""
    cases = session.execute(
        update(Case)
        .where(_cases_of(person))
        .values(subject=ERASED_SUBJECT, description="")
        .execution_options(synchronize_session="fetch")
    )
    in_cases = CaseMessage.case_id.in_(select(Case.id).where(_cases_of(person)))
    messages = session.execute(
        update(CaseMessage)
        .where(in_cases, CaseMessage.body != "")
        .values(body="")
        .execution_options(synchronize_session="fetch")
    )
    views = session.execute(delete(SavedQueue).where(SavedQueue.user_id.in_(person.user_ids)))
    return {
        "cases": int(getattr(cases, "rowcount", 0) or 0),
        "case_messages": int(getattr(messages, "rowcount", 0) or 0),
        "saved_queues": int(getattr(views, "rowcount", 0) or 0),
    }
