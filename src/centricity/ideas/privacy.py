"""Personal data of the idea board: which customers asked for what, how much it mattered
to them, and where they said it.

Ideas themselves are the organisation's words (a title, a description), not a person's,
and stay. Erasure removes the person's requester links and every request under them (the
store cascades), so the idea no longer counts them; the merge records lose the moved
requests with them, and undoing such a merge simply has fewer requests to move back.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, false, select
from sqlalchemy.orm import Session

from centricity.ideas.models import IdeaRequest, IdeaRequester
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

S = Classification.PSEUDONYMOUS
N = Classification.NONE

CLASSIFICATION: Tables = {
    "ideas": {
        **dict.fromkeys(("id", "title", "description", "status", "merged_into_id"), N),
        **dict.fromkeys(("created_at", "updated_at"), N),
        "created_by_user_id": S,
    },
    "idea_requesters": dict.fromkeys(
        ("id", "idea_id", "customer_id", "importance", "first_requested_at"), S
    ),
    "idea_requests": {
        **dict.fromkeys(("id", "requester_id", "importance", "case_id", "interaction_id"), S),
        **dict.fromkeys(("feedback_id", "added_by_user_id", "created_at"), S),
    },
    "idea_status_changes": {
        **dict.fromkeys(("id", "idea_id", "from_status", "to_status", "changed_at"), N),
        "changed_by_user_id": S,
    },
    "idea_merges": {
        **dict.fromkeys(("id", "duplicate_id", "survivor_id", "merged_at", "undone_at"), N),
        **dict.fromkeys(("merged_by_user_id", "undone_by_user_id"), S),
    },
    "idea_merge_moves": dict.fromkeys(("id", "merge_id", "request_id"), S),
}


def _requesters_of(person: PersonRef) -> ColumnElement[bool]:
    if not person.customer_ids:
        return false()
    return IdeaRequester.customer_id.in_(person.customer_ids)


def export(session: Session, person: PersonRef) -> Export:
    """The person's requester links and every request under them."""
    requesters = session.scalars(
        select(IdeaRequester).where(_requesters_of(person)).order_by(IdeaRequester.id)
    )
    requests = session.scalars(
        select(IdeaRequest)
        .where(IdeaRequest.requester_id.in_(select(IdeaRequester.id).where(_requesters_of(person))))
        .order_by(IdeaRequest.id)
    )
    return {
        "idea_requesters": to_rows(requesters, CLASSIFICATION["idea_requesters"]),
        "idea_requests": to_rows(requests, CLASSIFICATION["idea_requests"]),
    }


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Remove the person's requester links (their requests go with them); ideas stay."""
    result = session.execute(
        delete(IdeaRequester)
        .where(_requesters_of(person))
        .execution_options(synchronize_session="fetch")
    )
    return {"idea_requesters": int(getattr(result, "rowcount", 0) or 0)}
