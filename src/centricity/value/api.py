"""REST API for customer value: one customer's scores, segments, tiers, customers at risk."""

from __future__ import annotations

from typing import Annotated

from centricity.accounts.models import Role, User
from centricity.customers import service as customer_service
from centricity.value import queries
from centricity.value.schemas import (
    AtRiskList,
    AtRiskRead,
    CustomerValueRead,
    GroupList,
    GroupRead,
)
from centricity.web.api import Limit, PathId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "value")


@router.get("/customers/{customer_id}/value", response_model=CustomerValueRead)
def customer_value(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], customer_id: PathId
) -> CustomerValueRead:
    """The customer's value scores in the latest finished run (`scored: false` if none).
    `contacts_count` counts the contacts the caller may see; cost to serve and profit are
    company figures over every department's contacts."""
    customer = customer_service.get(session, customer_id, actor=user)
    row = queries.for_customer(session, customer.id)
    if row is None:
        return CustomerValueRead(customer_id=customer.id, scored=False)
    read = CustomerValueRead.model_validate(row)
    read.contacts_count = queries.visible_contacts(session, customer_id=customer.id, actor=user)
    return read


def _groups(session: DbSession, kind: str) -> GroupList:
    run = queries.latest_run(session)
    if run is None:
        return GroupList(items=[], total=0, run_id=None, as_of_date=None)
    if kind == "segment":
        rows = queries.segments(session, run)
    else:
        rows = queries.tiers(session, run, queries.tier_order(run))
    items = [GroupRead.model_validate(r) for r in rows]
    return GroupList(items=items, total=len(items), run_id=run.id, as_of_date=run.as_of_date)


@router.get("/value/segments", response_model=GroupList)
def value_segments(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)]
) -> GroupList:
    """RFM segments of the latest finished run: customers, revenue and lifetime value."""
    del user
    return _groups(session, "segment")


@router.get("/value/tiers", response_model=GroupList)
def value_tiers(session: DbSession, user: Annotated[User, require_api(Role.VIEWER)]) -> GroupList:
    """Service tiers of the latest finished run, best first."""
    del user
    return _groups(session, "tier")


@router.get("/value/at-risk", response_model=AtRiskList)
def value_at_risk(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    limit: Limit = 50,
) -> AtRiskList:
    """Valuable customers whose probability of still being active is falling."""
    del user
    run = queries.latest_run(session)
    if run is None:
        return AtRiskList(items=[], total=0, run_id=None, as_of_date=None)
    items = [AtRiskRead.model_validate(r) for r in queries.at_risk(session, run, limit)]
    return AtRiskList(items=items, total=len(items), run_id=run.id, as_of_date=run.as_of_date)
