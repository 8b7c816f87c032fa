"""Marking a contact note or a case message as feedback, and taking the mark back.

A marked note or message becomes a feedback item of source `contact` or `case` with its
text, time and customer, linked to it (and to its case). The item points at what it was
marked from through a unique column, so marking twice returns the same item, also from two
requests at once (the loser of the race reads the winner's item). Only what the actor sees
can be marked; internal case notes cannot, as they are not the customer's conversation and
would show to a requesting department that may not read them.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.audit import service as audit
from centricity.cases import service as cases
from centricity.cases.models import CaseMessage
from centricity.feedback import service
from centricity.feedback.models import FeedbackItem
from centricity.interactions import service as interactions
from centricity.kit.errors import Invalid, NotFound, PermissionDenied
from centricity.kit.i18n import lazy
from centricity.kit.time import utcnow


def _may_mark(actor: User) -> None:
    if actor.role_enum is Role.VIEWER:
        raise PermissionDenied(lazy("viewers cannot mark feedback"))


def _marked(session: Session, column: str, record_id: int) -> FeedbackItem | None:
    return session.scalar(select(FeedbackItem).where(getattr(FeedbackItem, column) == record_id))


def _insert_once(session: Session, item: FeedbackItem, column: str, actor: User) -> FeedbackItem:
    """Insert the item unless the record is already marked (also by a concurrent request)."""
    record_id = getattr(item, column)
    existing = _marked(session, column, record_id)
    if existing is not None:
        return existing
    try:
        with session.begin_nested():
            item.created_at = utcnow()
            session.add(item)
    except IntegrityError:
        found = _marked(session, column, record_id)
        if found is None:
            raise
        return found
    audit.record(
        session, actor=actor, action="feedback.mark", entity=("feedback", item.id),
        details={"source": item.source},
    )  # fmt: skip
    return item


def mark_contact(session: Session, *, interaction_id: int, actor: User) -> FeedbackItem:
    """Mark a logged contact's note as the customer's feedback (agents and up)."""
    _may_mark(actor)
    contact = interactions.get(session, interaction_id, actor=actor)
    if not contact.note.strip():
        raise Invalid(lazy("the contact has no note to mark"), field="interaction_id")
    item = FeedbackItem(
        customer_id=contact.customer_id,
        source="contact",
        text=contact.note,
        language=service.resolve_language(None, contact.note),
        received_at=contact.started_at,
        interaction_id=contact.id,
        marked_interaction_id=contact.id,
        recorded_by_user_id=actor.id,
    )
    return _insert_once(session, item, "marked_interaction_id", actor)


def mark_case_message(session: Session, *, message_id: int, actor: User) -> FeedbackItem:
    """Mark a public message of a customer's case (theirs or a reply) as feedback."""
    _may_mark(actor)
    message = _visible_message(session, message_id, actor)
    case = cases.get(session, message.case_id, actor=actor)
    if case.customer_id is None:
        raise Invalid(lazy("an internal request has no customer"), field="message_id")
    item = FeedbackItem(
        customer_id=case.customer_id,
        source="case",
        text=message.body,
        language=service.resolve_language(None, message.body),
        received_at=message.created_at,
        case_id=case.id,
        marked_case_message_id=message.id,
        recorded_by_user_id=actor.id,
    )
    return _insert_once(session, item, "marked_case_message_id", actor)


def _visible_message(session: Session, message_id: int, actor: User) -> CaseMessage:
    """A public message of a case the actor sees (an internal note cannot be marked)."""
    message = session.get(CaseMessage, message_id)
    if message is None:
        raise NotFound(lazy("message not found"))
    cases.get(session, message.case_id, actor=actor)  # 404 for another department's case
    if not message.public:
        raise Invalid(lazy("internal notes cannot be marked as feedback"), field="message_id")
    return message


def unmark_contact(session: Session, *, interaction_id: int, actor: User) -> int:
    """Take back the mark of a contact's note: its feedback item is removed (nothing
    happens when it was not marked). Returns the contact's customer id."""
    _may_mark(actor)
    contact = interactions.get(session, interaction_id, actor=actor)
    _remove(session, "marked_interaction_id", interaction_id, actor)
    return contact.customer_id


def unmark_case_message(session: Session, *, message_id: int, actor: User) -> int:
    """Take back the mark of a case message: its feedback item is removed (nothing
    happens when it was not marked). Returns the message's case id."""
    _may_mark(actor)
    message = _visible_message(session, message_id, actor)
    _remove(session, "marked_case_message_id", message_id, actor)
    return message.case_id


def _remove(session: Session, column: str, record_id: int, actor: User) -> None:
    item = _marked(session, column, record_id)
    if item is None:
        return
    audit.record(session, actor=actor, action="feedback.unmark", entity=("feedback", item.id))
    session.execute(delete(FeedbackItem).where(FeedbackItem.id == item.id))
    session.expunge(item)
