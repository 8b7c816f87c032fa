"""Adding what a customer asked for to an idea from where it was heard: a case, a feedback
item, or the customer's 360 page, choosing an open idea or filing a new one in one step.

The customer comes from the source, never from the form: a case's customer for a case, the
item's customer for a feedback item. The source is loaded through its domain's only door
(`cases.get`, `feedback.get`), so another department's case, or an item about it, is not
found (404) and nobody is linked. The link itself is `requesters.add`, with its rules.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.cases import service as cases
from centricity.customers import service as customers
from centricity.customers.models import Customer
from centricity.feedback import service as feedback
from centricity.ideas import requesters, service
from centricity.ideas.models import Idea, IdeaRequester, IdeaStatus, Importance
from centricity.ideas.schemas import IdeaCreate, RequesterCreate
from centricity.kit.errors import Invalid, PermissionDenied
from centricity.kit.i18n import lazy

# The open ideas offered in the form's list (the newest first when there are more).
MAX_CHOICES = 300
OPEN_STATUSES = (IdeaStatus.UNDER_REVIEW.value, IdeaStatus.PLANNED.value)


@dataclass(frozen=True)
class Source:
    """Where the request was heard: the customer it names and the record, if any."""

    customer: Customer
    case_id: int | None = None
    feedback_id: int | None = None


def source(
    session: Session,
    *,
    actor: User,
    customer_id: int | None = None,
    case_id: int | None = None,
    feedback_id: int | None = None,
) -> Source:
    """Resolve the source the form names (a feedback item, else a case, else a customer)
    through the actor's visibility; what they may not see is not found."""
    if feedback_id is not None:
        item = feedback.get(session, feedback_id, actor=actor)
        if item.customer_id is None:
            raise Invalid(lazy("this feedback has no customer any more"), field="feedback_id")
        customer = customers.get(session, item.customer_id, actor=actor)
        return Source(customer=customer, feedback_id=item.id)
    if case_id is not None:
        case = cases.get(session, case_id, actor=actor)
        if case.customer_id is None:
            raise Invalid(lazy("an internal request has no customer to link"), field="case_id")
        return Source(
            customer=customers.get(session, case.customer_id, actor=actor), case_id=case.id
        )
    if customer_id is None:
        raise Invalid(
            lazy("Name a customer: their number, e-mail or customer id."), field="customer"
        )
    return Source(customer=customers.get(session, customer_id, actor=actor))


def open_ideas(session: Session, *, actor: User) -> builtins.list[Idea]:
    """The ideas a request can be added to: not merged away, under review or planned,
    by title."""
    query = (
        service.visible_ideas(actor)
        .where(Idea.merged_into_id.is_(None), Idea.status.in_(OPEN_STATUSES))
        .order_by(Idea.created_at.desc(), Idea.id.desc())
        .limit(MAX_CHOICES)
    )
    return sorted(session.scalars(query), key=lambda idea: idea.title.casefold())


def ideas_of(session: Session, customer_id: int, *, actor: User) -> builtins.list[tuple[Idea, str]]:
    """The ideas the customer asked for, with the importance they gave (newest first)."""
    query = (
        select(Idea, IdeaRequester.importance)
        .join(IdeaRequester, IdeaRequester.idea_id == Idea.id)
        .where(
            IdeaRequester.customer_id == customer_id,
            Idea.id.in_(service.visible_ideas(actor).with_only_columns(Idea.id)),
        )
        .order_by(IdeaRequester.first_requested_at.desc(), Idea.id.desc())
        .limit(50)
    )
    return [(idea, str(importance)) for idea, importance in session.execute(query)]


def add(
    session: Session,
    *,
    actor: User,
    heard: Source,
    importance: Importance,
    idea_id: int | None = None,
    title: str | None = None,
) -> Idea:
    """Link the source's customer to the chosen idea (a merged one's survivor), or to a
    new idea filed under `title`; the request keeps the case or feedback item it came from."""
    if not service.can_write(actor):
        raise PermissionDenied(lazy("viewers cannot link customers to ideas"))
    if idea_id is not None:
        idea = service.survivor_of(session, service.get(session, idea_id, actor=actor))
    elif title and title.strip():
        idea = service.create(session, data=IdeaCreate(title=title), actor=actor)
    else:
        raise Invalid(lazy("Choose an idea or give a new one a title."), field="idea_id")
    data = RequesterCreate(
        customer_id=heard.customer.id,
        importance=importance,
        case_id=heard.case_id,
        feedback_id=heard.feedback_id,
    )
    requesters.add(session, idea=idea, data=data, actor=actor)
    return idea
