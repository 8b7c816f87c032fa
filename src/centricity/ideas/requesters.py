"""The customers behind an idea: link one who asked, keep them counted once, list them.

One requester row per (idea, customer), unique in the store; every time they asked is a
request under it with its own importance and source (a case, a contact, a feedback item,
or by hand). The requester's importance is the highest of its requests. A customer is
linked only by someone who may see them; a case or contact only by someone who may see it
(another department's is not found, 404), and it must be that customer's (422); so must
a feedback item named as the source.
"""

from __future__ import annotations

import builtins
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.cases import service as cases
from centricity.customers import service as customers
from centricity.customers.models import Customer
from centricity.db import insert_or_ignore
from centricity.feedback import service as feedback
from centricity.ideas import service
from centricity.ideas.models import IMPORTANCE_RANK, Idea, IdeaRequest, IdeaRequester
from centricity.ideas.schemas import RequesterCreate
from centricity.interactions import service as interactions
from centricity.kit.errors import Invalid, PermissionDenied
from centricity.kit.i18n import lazy
from centricity.kit.time import utcnow


def add(session: Session, *, idea: Idea, data: RequesterCreate, actor: User) -> IdeaRequester:
    """Record that a customer asked for the idea. A customer already behind it stays one
    requester: the request is kept beside their others and the importance rises to the
    highest given."""
    if not service.can_write(actor):
        raise PermissionDenied(lazy("viewers cannot link customers to ideas"))
    service.refuse_merged(idea)
    customer = customers.get(session, data.customer_id, actor=actor)
    _check_source(session, data, customer.id, actor)
    now = utcnow()
    requester = requester_for(session, idea.id, customer.id, now=now)
    request = IdeaRequest(
        requester_id=requester.id,
        importance=data.importance.value,
        case_id=data.case_id,
        interaction_id=data.interaction_id,
        feedback_id=data.feedback_id,
        added_by_user_id=actor.id,
        created_at=now,
    )
    session.add(request)
    session.flush()
    refresh(session, requester)
    audit.record(
        session,
        actor=actor,
        action="idea.requester.add",
        entity=("idea", idea.id),
        details={"customer_id": customer.id, "request_id": request.id},
    )
    return requester


def _check_source(session: Session, data: RequesterCreate, customer_id: int, actor: User) -> None:
    """A case, contact or feedback item named as the source must be one the actor sees, of
    this customer (an item about another department's case is not found)."""
    if data.case_id is not None:
        case = cases.get(session, data.case_id, actor=actor)
        if case.customer_id != customer_id:
            raise Invalid(lazy("the case is another customer's"), field="case_id")
    if data.interaction_id is not None:
        contact = interactions.get(session, data.interaction_id, actor=actor)
        if contact.customer_id != customer_id:
            raise Invalid(lazy("the contact is another customer's"), field="interaction_id")
    if data.feedback_id is not None:
        item = feedback.get(session, data.feedback_id, actor=actor)
        if item.customer_id != customer_id:
            raise Invalid(lazy("the feedback item is another customer's"), field="feedback_id")


def find_customer(session: Session, typed: str, *, actor: User) -> int | None:
    """The customer a form names by number, customer id or e-mail, among those the actor
    may see (None: nobody matches)."""
    typed = typed.strip()
    if not typed or len(typed) > 254:
        return None
    visible = customers.accessible_customers(actor).with_only_columns(Customer.id)
    if typed.isascii() and typed.isdigit() and len(typed) < 10:
        found = session.scalar(visible.where(Customer.id == int(typed)))
        if found is not None:
            return int(found)
    by_key = visible.where(
        (Customer.external_id == typed) | (func.lower(Customer.email) == typed.lower())
    )
    return session.scalars(by_key.order_by(Customer.id).limit(1)).first()


def requester_for(
    session: Session, idea_id: int, customer_id: int, *, now: datetime
) -> IdeaRequester:
    """The customer's requester row on the idea, created when they are new to it: the
    store's uniqueness constraint decides (INSERT … ON CONFLICT DO NOTHING), so two people
    linking the same customer at once still make one row."""
    values = {"idea_id": idea_id, "customer_id": customer_id, "first_requested_at": now}
    statement = insert_or_ignore(session, IdeaRequester, values, unique=["idea_id", "customer_id"])
    session.execute(statement)
    found = session.scalar(
        select(IdeaRequester).where(
            IdeaRequester.idea_id == idea_id, IdeaRequester.customer_id == customer_id
        )
    )
    assert found is not None
    return found


def refresh(session: Session, requester: IdeaRequester) -> bool:
    """Make a requester agree with its requests: the highest importance, the earliest
    time; one left without requests is removed (False then)."""
    requests = builtins.list(
        session.scalars(select(IdeaRequest).where(IdeaRequest.requester_id == requester.id))
    )
    if not requests:
        session.delete(requester)
        session.flush()
        return False
    requester.importance = max((r.importance for r in requests), key=IMPORTANCE_RANK.__getitem__)
    requester.first_requested_at = min(r.created_at for r in requests)
    session.flush()
    return True


def of_idea(session: Session, idea: Idea, *, actor: User) -> builtins.list[IdeaRequester]:
    """The requesters of the idea whose customers the actor may see, earliest first."""
    visible = customers.accessible_customers(actor).with_only_columns(Customer.id)
    query = select(IdeaRequester).where(
        IdeaRequester.idea_id == idea.id, IdeaRequester.customer_id.in_(visible)
    )
    order = (IdeaRequester.first_requested_at, IdeaRequester.id)
    return builtins.list(session.scalars(query.order_by(*order)))


def requests_of(
    session: Session, requester_ids: builtins.list[int]
) -> dict[int, builtins.list[IdeaRequest]]:
    """The requests of the listed requesters, oldest first, in one query."""
    found: dict[int, builtins.list[IdeaRequest]] = {rid: [] for rid in requester_ids}
    if not requester_ids:
        return found
    query = select(IdeaRequest).where(IdeaRequest.requester_id.in_(requester_ids))
    for request in session.scalars(query.order_by(IdeaRequest.created_at, IdeaRequest.id)):
        found[request.requester_id].append(request)
    return found
