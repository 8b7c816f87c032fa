"""Merging duplicate ideas, and undoing a merge exactly.

A merge moves every request of the duplicate under the survivor's requester of the same
customer (created when the customer is new to the survivor), so a customer on both counts
once, with the higher importance, and keeps every source. Each moved request is recorded
(`idea_merge_moves`); undo moves exactly those back under the duplicate and recomputes
both sides, so requests added to the survivor meanwhile stay where they are and each
customer's importance is again what it was. A merge whose survivor was merged on since
is undone after the later one (the requests are no longer on its survivor).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.ideas import requesters, service
from centricity.ideas.models import Idea, IdeaMerge, IdeaMergeMove, IdeaRequest, IdeaRequester
from centricity.kit.errors import Conflict, Invalid, NotFound, PermissionDenied
from centricity.kit.i18n import lazy
from centricity.kit.time import utcnow


def merge(session: Session, *, duplicate: Idea, survivor: Idea, actor: User) -> IdeaMerge:
    """Merge `duplicate` into `survivor`: its requests move, it redirects there."""
    if not service.can_decide(actor):
        raise PermissionDenied(lazy("only managers merge ideas"))
    if duplicate.id == survivor.id:
        raise Invalid(lazy("an idea cannot be merged into itself"), field="into_id")
    if duplicate.merged_into_id is not None or survivor.merged_into_id is not None:
        raise Conflict(lazy("one of the ideas is already merged"), field="into_id")
    now = utcnow()
    record = IdeaMerge(
        duplicate_id=duplicate.id,
        survivor_id=survivor.id,
        merged_by_user_id=actor.id,
        merged_at=now,
    )
    session.add(record)
    session.flush()
    for requester in _requesters(session, duplicate.id):
        target = requesters.requester_for(session, survivor.id, requester.customer_id, now=now)
        for request in _requests(session, requester.id):
            request.requester_id = target.id
            session.add(IdeaMergeMove(merge_id=record.id, request_id=request.id))
        session.flush()
        requesters.refresh(session, requester)  # now empty: removed
        requesters.refresh(session, target)
    duplicate.merged_into_id, duplicate.updated_at = survivor.id, now
    survivor.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="idea.merge",
        entity=("idea", duplicate.id),
        details={"into": survivor.id, "merge_id": record.id},
    )
    return record


def current_merge(session: Session, duplicate: Idea) -> IdeaMerge:
    """The merge that made `duplicate` redirect, or NotFound when it is not merged."""
    found = session.scalar(
        select(IdeaMerge)
        .where(IdeaMerge.duplicate_id == duplicate.id, IdeaMerge.undone_at.is_(None))
        .order_by(IdeaMerge.id.desc())
    )
    if found is None or duplicate.merged_into_id is None:
        raise NotFound(lazy("the idea is not merged"))
    return found


def undo(session: Session, *, duplicate: Idea, actor: User) -> Idea:
    """Undo the merge of `duplicate`: the requests it brought go back, it shows again."""
    if not service.can_decide(actor):
        raise PermissionDenied(lazy("only managers undo merges"))
    record = current_merge(session, duplicate)
    survivor = session.get(Idea, record.survivor_id)
    if survivor is not None and survivor.merged_into_id is not None:
        raise Conflict(lazy("the survivor was merged on since; undo that merge first"))
    now = utcnow()
    touched: dict[int, IdeaRequester] = {}
    for request in _moved(session, record):
        before = session.get(IdeaRequester, request.requester_id)
        if before is not None:
            touched[before.id] = before
        back = requesters.requester_for(session, duplicate.id, _customer_of(before), now=now)
        request.requester_id = back.id
        touched[back.id] = back
    session.flush()
    for requester in touched.values():
        requesters.refresh(session, requester)
    record.undone_at, record.undone_by_user_id = now, actor.id
    duplicate.merged_into_id, duplicate.updated_at = None, now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="idea.merge.undo",
        entity=("idea", duplicate.id),
        details={"merge_id": record.id},
    )
    return duplicate


def _customer_of(requester: IdeaRequester | None) -> int:
    if requester is None:  # a request always has its requester (ON DELETE CASCADE)
        raise Conflict(lazy("the merge cannot be undone"))
    return requester.customer_id


def merges_into(session: Session, survivor: Idea) -> list[IdeaMerge]:
    """The merges into this idea that stand (not undone), newest first."""
    query = select(IdeaMerge).where(
        IdeaMerge.survivor_id == survivor.id, IdeaMerge.undone_at.is_(None)
    )
    return list(session.scalars(query.order_by(IdeaMerge.id.desc())))


def _requesters(session: Session, idea_id: int) -> list[IdeaRequester]:
    query = select(IdeaRequester).where(IdeaRequester.idea_id == idea_id)
    return list(session.scalars(query.order_by(IdeaRequester.id)))


def _requests(session: Session, requester_id: int) -> list[IdeaRequest]:
    query = select(IdeaRequest).where(IdeaRequest.requester_id == requester_id)
    return list(session.scalars(query.order_by(IdeaRequest.id)))


def _moved(session: Session, record: IdeaMerge) -> list[IdeaRequest]:
    """The requests the merge moved that still exist (erasure may have removed some)."""
    query = (
        select(IdeaRequest)
        .join(IdeaMergeMove, IdeaMergeMove.request_id == IdeaRequest.id)
        .where(IdeaMergeMove.merge_id == record.id)
    )
    return list(session.scalars(query.order_by(IdeaRequest.id)))
