"""Idea use cases: file an idea, change its text or status, and list the board ranked by
demand (linking the customers who asked: `requesters`; merging: `merges`).

Who: every active member of staff reads the board (ideas are company-wide, like the
customers they come from); agents, managers and admins file ideas and link customers;
managers and admins decide the status and merge duplicates.
"""

from __future__ import annotations

import builtins
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.audit import service as audit
from centricity.ideas import demand, notices
from centricity.ideas.models import Idea, IdeaStatus, IdeaStatusChange
from centricity.ideas.schemas import IdeaCreate, IdeaSort, IdeaUpdate
from centricity.kit.errors import Conflict, NotFound, PermissionDenied
from centricity.kit.i18n import lazy
from centricity.kit.pagination import MAX_LIMIT, Page
from centricity.kit.time import utcnow

# Merges chain at most this deep before a read gives up (a loop would be a bug).
MAX_MERGE_HOPS = 50


def visible_ideas(actor: User) -> Select[Idea]:
    """The only door to the ideas table for a member of staff: every active one."""
    query = select(Idea)
    if not actor.is_active:
        query = query.where(Idea.id.is_(None))
    return query


def get(session: Session, idea_id: int, *, actor: User) -> Idea:
    """One idea as stored (also a merged one), or NotFound."""
    idea = session.scalar(visible_ideas(actor).where(Idea.id == idea_id))
    if idea is None:
        raise NotFound(lazy("idea not found"))
    return idea


def survivor_of(session: Session, idea: Idea) -> Idea:
    """The idea a merged idea now lives in (following merges of merges); itself if none."""
    for _hop in range(MAX_MERGE_HOPS):
        if idea.merged_into_id is None:
            return idea
        following = session.get(Idea, idea.merged_into_id)
        if following is None:
            return idea
        idea = following
    raise Conflict(lazy("the idea's merges form a loop"))


def can_write(actor: User) -> bool:
    """Whether the actor files ideas and links customers (agents and up)."""
    return actor.is_active and actor.role_enum.rank >= Role.AGENT.rank


def can_decide(actor: User) -> bool:
    """Whether the actor sets statuses and merges ideas (managers and admins)."""
    return actor.is_active and actor.role_enum.rank >= Role.MANAGER.rank


def list(
    session: Session,
    *,
    actor: User,
    sort: IdeaSort = IdeaSort.NEWEST,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[tuple[Idea, demand.Demand]]:
    """Ideas that are not merged away, with their demand, newest first or ranked by
    value or by distinct customers (ties: the other figure, then newest)."""
    limit = max(1, min(limit, MAX_LIMIT))
    per = demand.per_idea(session)
    query = visible_ideas(actor).where(Idea.merged_into_id.is_(None))
    if status:
        query = query.where(Idea.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    customers_, value = func.coalesce(per.c.customers, 0), func.coalesce(per.c.value, 0.0)
    order = {
        IdeaSort.VALUE: [value.desc(), customers_.desc()],
        IdeaSort.CUSTOMERS: [customers_.desc(), value.desc()],
        IdeaSort.NEWEST: [],
    }[sort]
    rows = session.execute(
        query.add_columns(per.c.customers, per.c.value)
        .add_columns(per.c.weighted_customers, per.c.weighted_value)
        .outerjoin(per, per.c.idea_id == Idea.id)
        .order_by(*order, Idea.created_at.desc(), Idea.id.desc())
        .limit(limit)
        .offset(offset)
    )
    items = [(row[0], _demand(row[1:])) for row in rows]
    return Page(items=items, total=int(total), limit=limit, offset=offset, order=sort.value)


def _demand(row: tuple[object, ...]) -> demand.Demand:
    customers_, value, weighted_customers, weighted_value = (v or 0 for v in row)
    return demand.Demand(
        customers=int(customers_),  # type: ignore[call-overload]
        value=round(float(value), 2),  # type: ignore[arg-type]
        weighted_customers=float(weighted_customers),  # type: ignore[arg-type]
        weighted_value=round(float(weighted_value), 2),  # type: ignore[arg-type]
    )


def demand_of(session: Session, idea: Idea) -> demand.Demand:
    """The demand behind one idea (zero without requesters)."""
    per = demand.per_idea(session)
    row = session.execute(
        select(per.c.customers, per.c.value, per.c.weighted_customers, per.c.weighted_value)
        .where(per.c.idea_id == idea.id)
    ).first()  # fmt: skip
    return _demand(tuple(row)) if row else demand.Demand()


def create(session: Session, *, data: IdeaCreate, actor: User) -> Idea:
    """File an idea, under review."""
    if not can_write(actor):
        raise PermissionDenied(lazy("viewers cannot file ideas"))
    now = utcnow()
    idea = Idea(
        title=data.title,
        description=data.description,
        status=IdeaStatus.UNDER_REVIEW.value,
        created_by_user_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(idea)
    session.flush()
    audit.record(session, actor=actor, action="idea.create", entity=("idea", idea.id))
    return idea


def refuse_merged(idea: Idea) -> None:
    """Refuse changing a merged idea: its survivor is the one to change."""
    if idea.merged_into_id is not None:
        raise Conflict(lazy("the idea is merged into another; change that one"))


def update(
    session: Session, *, idea: Idea, data: IdeaUpdate, actor: User, now: datetime | None = None
) -> Idea:
    """Change the title or description (agents and up) or the status (managers and up);
    a status change is recorded, and `done` queues the notice to the customers who asked."""
    if not can_write(actor):
        raise PermissionDenied(lazy("viewers cannot change ideas"))
    refuse_merged(idea)
    now = now or utcnow()
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for name in ("title", "description"):
        if name in changes:
            setattr(idea, name, changes[name])
    if "status" in changes and changes["status"] != idea.status:
        _set_status(session, idea, str(changes["status"]), actor=actor, now=now)
    idea.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="idea.update",
        entity=("idea", idea.id),
        details={"fields": sorted(changes)},
    )
    return idea


def _set_status(session: Session, idea: Idea, status: str, *, actor: User, now: datetime) -> None:
    if not can_decide(actor):
        raise PermissionDenied(lazy("only managers change an idea's status"))
    change = IdeaStatusChange(
        idea_id=idea.id,
        from_status=idea.status,
        to_status=status,
        changed_by_user_id=actor.id,
        changed_at=now,
    )
    session.add(change)
    idea.status = status
    session.flush()
    if status == IdeaStatus.DONE.value:
        notices.queue_done(session, idea, actor=actor, now=now)


def staff_names(session: Session, user_ids: builtins.list[int | None]) -> dict[int, str]:
    """The names of the members of staff behind a history (one query)."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {int(user_id): str(name) for user_id, name in rows}


def status_history(session: Session, idea: Idea) -> builtins.list[IdeaStatusChange]:
    """The idea's status changes, oldest first."""
    query = select(IdeaStatusChange).where(IdeaStatusChange.idea_id == idea.id)
    return builtins.list(session.scalars(query.order_by(IdeaStatusChange.id)))
