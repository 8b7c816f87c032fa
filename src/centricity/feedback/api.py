"""REST API of feedback: list a customer's items, add one from another source, and mark
a contact note or a case message as feedback (or take the mark back)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Response

from centricity.accounts.models import Role, User
from centricity.feedback import case_section as _case_section  # noqa: F401  (case page)
from centricity.feedback import marking, service
from centricity.feedback import timeline as _timeline  # noqa: F401  (360 timeline)
from centricity.feedback.schemas import SOURCE_PATTERN, FeedbackCreate, FeedbackPage, FeedbackRead
from centricity.web.api import Limit, Offset, PathId, QueryId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "feedback")
SourceFilter = Annotated[str | None, Query(pattern=SOURCE_PATTERN, max_length=40)]


@router.get("/feedback", response_model=FeedbackPage)
def list_feedback(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    customer_id: QueryId = None,
    case_id: QueryId = None,
    source: SourceFilter = None,
    theme_id: QueryId = None,
    sentiment: Literal["negative", "neutral", "positive"] | None = None,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2,3}$")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> FeedbackPage:
    """Feedback items the caller may see, newest first, by customer, case, source, theme
    (`theme_id`), `sentiment` or `language`; each carries what the text analysis added
    (`language`, `sentiment`, `sentiment_probability`, `theme_id`; null until analysed)."""
    page = service.list(
        session,
        actor=user,
        customer_id=customer_id,
        case_id=case_id,
        source=source,
        theme_id=theme_id,
        sentiment=sentiment,
        language=language,
        limit=limit,
        offset=offset,
    )
    items = [FeedbackRead.model_validate(item) for item in page.items]
    return FeedbackPage(items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.post("/feedback", response_model=FeedbackRead, status_code=201)
def create_feedback(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)], data: FeedbackCreate
) -> FeedbackRead:
    """Add an item from another source (a review site, a chat tool): a score on its scale,
    the customer's words, or both; 409 when `source` + `external_id` exists."""
    return FeedbackRead.model_validate(service.create(session, data=data, actor=user))


@router.get("/feedback/{item_id}", response_model=FeedbackRead)
def get_feedback(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], item_id: PathId
) -> FeedbackRead:
    """One item (404 when the caller may not see it)."""
    return FeedbackRead.model_validate(service.get(session, item_id, actor=user))


@router.put("/interactions/{interaction_id}/feedback", response_model=FeedbackRead)
def mark_contact(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)], interaction_id: PathId
) -> FeedbackRead:
    """Mark a contact's note as feedback (source `contact`); marking again returns the
    same item."""
    item = marking.mark_contact(session, interaction_id=interaction_id, actor=user)
    return FeedbackRead.model_validate(item)


@router.delete("/interactions/{interaction_id}/feedback", status_code=204)
def unmark_contact(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)], interaction_id: PathId
) -> Response:
    """Take back the mark: the note's feedback item is removed."""
    marking.unmark_contact(session, interaction_id=interaction_id, actor=user)
    return Response(status_code=204)


@router.put("/case-messages/{message_id}/feedback", response_model=FeedbackRead)
def mark_case_message(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)], message_id: PathId
) -> FeedbackRead:
    """Mark a public case message (the customer's or a reply) as feedback (source
    `case`); marking again returns the same item."""
    item = marking.mark_case_message(session, message_id=message_id, actor=user)
    return FeedbackRead.model_validate(item)


@router.delete("/case-messages/{message_id}/feedback", status_code=204)
def unmark_case_message(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)], message_id: PathId
) -> Response:
    """Take back the mark: the message's feedback item is removed."""
    marking.unmark_case_message(session, message_id=message_id, actor=user)
    return Response(status_code=204)
