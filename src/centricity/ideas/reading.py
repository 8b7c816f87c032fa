"""An idea as the API and the idea page show it, to one viewer.

Requesters are listed only for customers the viewer may see, and a request's case or
contact only when the viewer may see it (another department's confidential contact or
case reads as null): the source stays recorded, the link is not shown. Demand figures
count every requester (see `demand`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.cases import service as cases
from centricity.cases.models import Case
from centricity.customers.models import Customer
from centricity.ideas import demand, merges, requesters, service
from centricity.ideas.models import IMPORTANCE_WEIGHTS, Idea, IdeaRequest
from centricity.ideas.schemas import (
    IdeaRead,
    IdeaSummary,
    MergeRead,
    RequesterRead,
    RequestRead,
    StatusChangeRead,
)
from centricity.interactions import service as interactions
from centricity.interactions.models import Interaction


@dataclass(frozen=True)
class Sources:
    """The cases and contacts among some requests that the viewer may see."""

    case_ids: set[int]
    interaction_ids: set[int]


def summary(idea: Idea, figures: demand.Demand) -> IdeaSummary:
    """An idea in the list, with its plain and weighted demand."""
    return IdeaSummary(
        id=idea.id,
        title=idea.title,
        status=idea.status,
        customers=figures.customers,
        value=figures.value,
        weighted_customers=figures.weighted_customers,
        weighted_value=figures.weighted_value,
        created_at=idea.created_at,
    )


def visible_sources(session: Session, requests: list[IdeaRequest], *, actor: User) -> Sources:
    """Which of the requests' cases and contacts the viewer may see (two queries)."""
    case_ids = {r.case_id for r in requests if r.case_id is not None}
    contact_ids = {r.interaction_id for r in requests if r.interaction_id is not None}
    seen_cases = cases.visible_cases(actor).with_only_columns(Case.id).where(Case.id.in_(case_ids))
    seen_contacts = (
        interactions.visible_to(actor)
        .with_only_columns(Interaction.id)
        .where(Interaction.id.in_(contact_ids))
    )
    return Sources(
        case_ids=set(session.scalars(seen_cases)) if case_ids else set(),
        interaction_ids=set(session.scalars(seen_contacts)) if contact_ids else set(),
    )


def request_read(request: IdeaRequest, sources: Sources) -> RequestRead:
    """One request, its source nulled where the viewer may not see it."""
    read = RequestRead.model_validate(request)
    if read.case_id is not None and read.case_id not in sources.case_ids:
        read.case_id, read.source_hidden = None, True
    if read.interaction_id is not None and read.interaction_id not in sources.interaction_ids:
        read.interaction_id, read.source_hidden = None, True
    return read


def requesters_read(session: Session, idea: Idea, *, actor: User) -> list[RequesterRead]:
    """The requesters the viewer may see, with their value and requests."""
    rows = requesters.of_idea(session, idea, actor=actor)
    by_requester = requesters.requests_of(session, [r.id for r in rows])
    sources = visible_sources(session, [q for qs in by_requester.values() for q in qs], actor=actor)
    ids = [r.customer_id for r in rows]
    found = session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids)))
    names = {int(customer_id): str(name) for customer_id, name in found}
    values = demand.of_customers(session, ids)
    return [
        RequesterRead(
            customer_id=r.customer_id,
            customer_name=str(names.get(r.customer_id, "")),
            importance=r.importance,
            weight=IMPORTANCE_WEIGHTS.get(r.importance, 1.0),
            value=round(values.get(r.customer_id, 0.0), 2),
            first_requested_at=r.first_requested_at,
            requests=[request_read(q, sources) for q in by_requester[r.id]],
        )
        for r in rows
    ]


def idea_read(
    session: Session, idea: Idea, *, actor: User, merged_into: int | None = None
) -> IdeaRead:
    """The whole idea as the viewer may see it."""
    base = summary(idea, service.demand_of(session, idea))
    return IdeaRead(
        **base.model_dump(),
        description=idea.description,
        created_by_user_id=idea.created_by_user_id,
        updated_at=idea.updated_at,
        merged_into=merged_into,
        weights=dict(IMPORTANCE_WEIGHTS),
        requesters=requesters_read(session, idea, actor=actor),
        status_history=[
            StatusChangeRead.model_validate(c) for c in service.status_history(session, idea)
        ],
        merges=[MergeRead.model_validate(m) for m in merges.merges_into(session, idea)],
    )


def read_following_merges(session: Session, idea_id: int, *, actor: User) -> IdeaRead:
    """The idea by id; a merged one reads as its survivor with `merged_into` set."""
    idea = service.get(session, idea_id, actor=actor)
    survivor = service.survivor_of(session, idea)
    merged_into = survivor.id if survivor.id != idea.id else None
    return idea_read(session, survivor, actor=actor, merged_into=merged_into)
