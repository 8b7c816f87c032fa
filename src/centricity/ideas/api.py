"""REST API of the idea board: file ideas, link the customers who asked, rank by demand,
decide the status, merge duplicates and undo a merge."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from centricity.accounts.models import Role, User
from centricity.ideas import merges, reading, requesters, service
from centricity.ideas.models import IdeaStatus
from centricity.ideas.schemas import (
    IdeaCreate,
    IdeaPage,
    IdeaRead,
    IdeaSort,
    IdeaUpdate,
    MergeCreate,
    RequesterCreate,
)
from centricity.web.api import Limit, Offset, PathId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "ideas")


@router.get("/ideas", response_model=IdeaPage)
def list_ideas(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    sort: Annotated[IdeaSort, Query(description="newest, value or customers")] = IdeaSort.NEWEST,
    status: IdeaStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> IdeaPage:
    """Ideas not merged away, newest first, or ranked by the value or the number of the
    distinct customers behind them; each item has plain and weighted demand."""
    page = service.list(
        session,
        actor=user,
        sort=sort,
        status=status.value if status else None,
        limit=limit,
        offset=offset,
    )
    items = [reading.summary(idea, figures) for idea, figures in page.items]
    return IdeaPage(items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.post("/ideas", response_model=IdeaRead, status_code=201)
def create_idea(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)], data: IdeaCreate
) -> IdeaRead:
    """File an idea (status `under_review`)."""
    idea = service.create(session, data=data, actor=user)
    return reading.idea_read(session, idea, actor=user)


@router.get("/ideas/{idea_id}", response_model=IdeaRead)
def get_idea(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], idea_id: PathId
) -> IdeaRead:
    """One idea with its requesters, status history and merges; a merged idea's id
    answers its survivor with `merged_into` set to the survivor's id."""
    return reading.read_following_merges(session, idea_id, actor=user)


@router.patch("/ideas/{idea_id}", response_model=IdeaRead)
def update_idea(
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    idea_id: PathId,
    data: IdeaUpdate,
) -> IdeaRead:
    """Change the title or description, or (managers and admins) the `status`; `done`
    queues a notice to each customer who asked (409 for a merged idea)."""
    idea = service.get(session, idea_id, actor=user)
    service.update(session, idea=idea, data=data, actor=user)
    return reading.idea_read(session, idea, actor=user)


@router.post("/ideas/{idea_id}/requesters", response_model=IdeaRead, status_code=201)
def add_requester(
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    idea_id: PathId,
    data: RequesterCreate,
) -> IdeaRead:
    """Link a customer who asked (optionally from a case, a contact or a feedback item);
    a customer already linked counts once and keeps the highest importance."""
    idea = service.get(session, idea_id, actor=user)
    requesters.add(session, idea=idea, data=data, actor=user)
    return reading.idea_read(session, idea, actor=user)


@router.post("/ideas/{idea_id}/merge", response_model=IdeaRead)
def merge_idea(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    idea_id: PathId,
    data: MergeCreate,
) -> IdeaRead:
    """Merge this idea into `into_id`; answers the survivor."""
    duplicate = service.get(session, idea_id, actor=user)
    survivor = service.get(session, data.into_id, actor=user)
    merges.merge(session, duplicate=duplicate, survivor=survivor, actor=user)
    return reading.idea_read(session, survivor, actor=user)


@router.delete("/ideas/{idea_id}/merge", response_model=IdeaRead)
def undo_merge(
    session: DbSession, user: Annotated[User, require_api(Role.MANAGER)], idea_id: PathId
) -> IdeaRead:
    """Undo this idea's merge: the requests it brought go back; answers the idea."""
    duplicate = service.get(session, idea_id, actor=user)
    merges.undo(session, duplicate=duplicate, actor=user)
    return reading.idea_read(session, duplicate, actor=user)
