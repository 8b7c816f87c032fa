"""REST API for customers: list/search, read, create, change, delete, timeline."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from centricity.accounts.models import Role, User
from centricity.customers import service, timeline
from centricity.customers.schemas import (
    ContactPersonCreate,
    ContactPersonRead,
    CustomerCreate,
    CustomerPage,
    CustomerRead,
    CustomerUpdate,
    Timeline,
)
from centricity.customers.timeline import CURSOR_MAX_LENGTH, CURSOR_PATTERN, read_cursor
from centricity.interactions import service as interaction_service
from centricity.kit.validation import UtcDatetime
from centricity.web.api import Limit, Offset, PathId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1/customers", "customers")


@router.get("", response_model=CustomerPage)
def list_customers(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    q: Annotated[str | None, Query(max_length=200, description="Name, e-mail, phone or id")] = None,
    segment: Annotated[str | None, Query(max_length=40, description="RFM segment")] = None,
    tier: Annotated[str | None, Query(max_length=40, description="Service tier")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> CustomerPage:
    """List customers by name, or search them by name, e-mail, phone or external id; filter
    by the RFM segment and service tier of the latest value run."""
    page = service.list(
        session, actor=user, q=q, segment=segment, tier=tier, limit=limit, offset=offset
    )
    items = [CustomerRead.model_validate(c) for c in page.items]
    return CustomerPage(items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.post("", response_model=CustomerRead, status_code=201)
def create_customer(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)], data: CustomerCreate
) -> CustomerRead:
    """Create a customer; 409 when the external id is taken."""
    return CustomerRead.model_validate(service.create(session, data=data, actor=user))


@router.get("/{customer_id}", response_model=CustomerRead)
def get_customer(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], customer_id: PathId
) -> CustomerRead:
    """Read one customer."""
    return CustomerRead.model_validate(service.get(session, customer_id, actor=user))


@router.patch("/{customer_id}", response_model=CustomerRead)
def update_customer(
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    customer_id: PathId,
    data: CustomerUpdate,
) -> CustomerRead:
    """Change the fields sent; others stay as they are."""
    customer = service.get(session, customer_id, actor=user)
    return CustomerRead.model_validate(
        service.update(session, customer=customer, data=data, actor=user)
    )


@router.delete("/{customer_id}", status_code=204)
def delete_customer(
    session: DbSession, user: Annotated[User, require_api(Role.MANAGER)], customer_id: PathId
) -> Response:
    """Delete a customer without orders or contacts the caller may not see (409 otherwise:
    erase the person instead); the contact log builds on customers, so this edge composes
    the two rules."""
    customer = service.get(session, customer_id, actor=user)
    interaction_service.refuse_hidden_on_delete(session, customer_id=customer.id, actor=user)
    service.delete(session, customer=customer, actor=user)
    return Response(status_code=204)


@router.get("/{customer_id}/timeline", response_model=Timeline)
def customer_timeline(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    customer_id: PathId,
    before: UtcDatetime | None = None,
    cursor: Annotated[
        str | None,
        Query(
            max_length=CURSOR_MAX_LENGTH,
            pattern=CURSOR_PATTERN,
            description="`next_cursor` of a page, as given (422 for anything else)",
        ),
    ] = None,
    limit: Limit = 50,
) -> Timeline:
    """Everything that happened with the customer, newest first; page with `cursor` (or a
    plain `before` time)."""
    customer = service.get(session, customer_id, actor=user)
    return timeline.build(
        session,
        customer=customer,
        actor=user,
        before=before,
        cursor=read_cursor(cursor),
        limit=limit,
    )


@router.get("/{customer_id}/contacts", response_model=list[ContactPersonRead])
def customer_contacts(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], customer_id: PathId
) -> list[ContactPersonRead]:
    """The people who act for a business customer."""
    customer = service.get(session, customer_id, actor=user)
    people = service.contact_people(session, customer=customer)
    return [ContactPersonRead.model_validate(p) for p in people]


@router.post("/{customer_id}/contacts", response_model=ContactPersonRead, status_code=201)
def add_customer_contact(
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    customer_id: PathId,
    data: ContactPersonCreate,
) -> ContactPersonRead:
    """Add a person who acts for a business customer."""
    customer = service.get(session, customer_id, actor=user)
    person = service.add_contact_person(session, customer=customer, data=data, actor=user)
    return ContactPersonRead.model_validate(person)
