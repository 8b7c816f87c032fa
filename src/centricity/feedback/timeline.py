"""Feedback on the customer 360 timeline, at the time it was received: the score on its
scale, the source, and the customer's words in their own language."""

from __future__ import annotations

from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.customers import timeline
from centricity.customers.models import Customer
from centricity.customers.schemas import TimelineItem
from centricity.feedback import service
from centricity.feedback.models import FeedbackItem
from centricity.kit.i18n import lazy, noop

TITLE = noop("Feedback")


def feedback_items(
    session: Session, customer: Customer, actor: User, cursor: timeline.Cursor | None, limit: int
) -> list[TimelineItem]:
    """The customer's feedback items the actor may see, newest first."""
    query = service.visible_items(actor).where(FeedbackItem.customer_id == customer.id)
    if cursor is not None:
        query = query.where(cursor.before("feedback", FeedbackItem.received_at, FeedbackItem.id))
    ordered = query.order_by(FeedbackItem.received_at.desc(), FeedbackItem.id.desc())
    return [
        TimelineItem(
            kind="feedback",
            id=item.id,
            at=item.received_at,
            title=lazy(TITLE),
            detail=item.text,
            score=float(item.score) if item.score is not None else None,
            scale=item.scale,
            source=item.source,
            language=item.language,
            interaction_id=item.marked_interaction_id,
        )
        for item in session.scalars(ordered.limit(limit))
    ]


timeline.register_source("feedback", feedback_items)
