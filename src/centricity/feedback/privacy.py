"""Personal data of feedback: what a customer said or scored, in their own words.

Export gives every item of the person. Erasure keeps each item's score, scale, source,
language and time, so NPS, CSAT and CES figures and response counts over past periods do
not change when someone is erased, but detaches it from the person: the customer, the text,
the external id (another tool's answer id identifies the person there) and every link that
leads back to them (the case, contact, order and marked note or message, all of which name
the customer) are removed. Keeping the anonymised customer's id instead would leave the
score joinable to the person's orders and value; a separate anonymous table would split
every figure's query in two. `survey_response_id` stays: the surveys domain detaches its
own responses when it erases the person.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, update
from sqlalchemy.orm import Session

from centricity.feedback.models import FeedbackItem
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE

CLASSIFICATION: Tables = {
    "feedback_items": {
        **dict.fromkeys(("id", "customer_id", "case_id", "interaction_id", "order_id"), S),
        **dict.fromkeys(("survey_response_id", "marked_interaction_id"), S),
        **dict.fromkeys(("marked_case_message_id", "recorded_by_user_id", "created_at"), S),
        # Kept after erasure, detached from the person, for the figures.
        **dict.fromkeys(("source", "score", "scale", "language", "received_at"), S),
        "text": P,
        "external_id": P,
    },
}


def _items_of(person: PersonRef) -> ColumnElement[bool]:
    if not person.customer_ids:
        return false()
    return FeedbackItem.customer_id.in_(person.customer_ids)


def export(session: Session, person: PersonRef) -> Export:
    """Every feedback item of the person, with its text as written."""
    items = session.scalars(select(FeedbackItem).where(_items_of(person)).order_by(FeedbackItem.id))
    return {"feedback_items": to_rows(items, CLASSIFICATION["feedback_items"])}


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Detach the person's items: the score stays for the figures, the person goes."""
    result = session.execute(
        update(FeedbackItem)
        .where(_items_of(person))
        .values(
            customer_id=None,
            text="",
            external_id=None,
            case_id=None,
            interaction_id=None,
            order_id=None,
            marked_interaction_id=None,
            marked_case_message_id=None,
        )
        .execution_options(synchronize_session="fetch")
    )
    return {"feedback_items": int(getattr(result, "rowcount", 0) or 0)}
