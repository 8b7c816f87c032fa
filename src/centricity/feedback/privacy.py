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

The text analysis (`feedback/analysis`) adds language, sentiment and theme beside each item:
kept after erasure like the score. Each item's embedding is computed from the person's
words, so it is personal: exported with the items and deleted on erasure. Themes, their
labels and the stored models describe many customers' words together, not a person: the
labels are the most distinctive base forms of whole groups of comments, and the models
hold centroids, language means and classifier weights. The classic sentiment model
(`CENTRICITY_TEXT_EMBEDDER=none`) keeps its TF-IDF vocabulary of word base forms.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, false, select, update
from sqlalchemy.orm import Session

from centricity.feedback.analysis.models import FeedbackEmbedding
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
        # What the text analysis added: kept with the score for the figures.
        **dict.fromkeys(("sentiment", "sentiment_probability", "theme_id"), S),
        **dict.fromkeys(("analysed_at", "not_analysable"), S),
    },
    "feedback_embeddings": {
        **dict.fromkeys(("feedback_item_id", "model", "created_at"), S),
        # Both are computed from the person's words: the text and its base forms.
        **dict.fromkeys(("vector", "topic_vector"), P),
    },
    "feedback_themes": {
        **dict.fromkeys(("id", "label", "labels", "name", "keywords", "status"), N),
        **dict.fromkeys(("merged_into_id", "centroid", "size", "created_at"), N),
        **dict.fromkeys(("updated_at", "retired_at"), N),
        # The staff member told of the theme's spikes.
        "owner_user_id": S,
    },
    "feedback_text_models": dict.fromkeys(
        ("id", "kind", "version", "embedder", "state", "arrays", "note", "created_at"), N
    ),
}


def _items_of(person: PersonRef) -> ColumnElement[bool]:
    if not person.customer_ids:
        return false()
    return FeedbackItem.customer_id.in_(person.customer_ids)


def export(session: Session, person: PersonRef) -> Export:
    """Every feedback item of the person, with its text as written, what the analysis
    added, and each item's embedding."""
    items = session.scalars(select(FeedbackItem).where(_items_of(person)).order_by(FeedbackItem.id))
    vectors = session.scalars(
        select(FeedbackEmbedding)
        .where(
            FeedbackEmbedding.feedback_item_id.in_(select(FeedbackItem.id).where(_items_of(person)))
        )
        .order_by(FeedbackEmbedding.feedback_item_id)
    )
    return {
        "feedback_items": to_rows(items, CLASSIFICATION["feedback_items"]),
        "feedback_embeddings": to_rows(vectors, CLASSIFICATION["feedback_embeddings"]),
    }


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Detach the person's items: the score stays for the figures, the person goes; the
    embeddings of their words are deleted."""
    vectors = session.execute(
        delete(FeedbackEmbedding)
        .where(
            FeedbackEmbedding.feedback_item_id.in_(select(FeedbackItem.id).where(_items_of(person)))
        )
        .execution_options(synchronize_session=False)
    )
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
    return {
        "feedback_items": int(getattr(result, "rowcount", 0) or 0),
        "feedback_embeddings": int(getattr(vectors, "rowcount", 0) or 0),
    }
