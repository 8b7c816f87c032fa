"""Demand behind ideas: distinct customers and the sum of what they are worth.

A customer's value is their predicted lifetime value (CLV) in the value engine's latest
finished run; a customer that run did not score (or gave no CLV) counts with their
historic revenue, the sum of their completed orders as the value engine sums it (amounts
in the reporting currency). Each customer counts once per idea (one requester row per
idea and customer), weighted by the highest importance they gave (`IMPORTANCE_WEIGHTS`).
Totals count every requester, also those a viewer may not see in detail: the ranking is a
company figure, like the value engine's segment totals.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Float, Select, case, cast, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from centricity.analytics import runs
from centricity.ideas.models import IMPORTANCE_WEIGHTS, IdeaRequester
from centricity.orders.models import Order
from centricity.value.models import CustomerValue

VALUE_RUN_KIND = "value"  # the value engine's run kind (value.queries.RUN_KIND)


@dataclass(frozen=True)
class Demand:
    """The plain and weighted demand behind one idea."""

    customers: int = 0
    value: float = 0.0
    weighted_customers: float = 0.0
    weighted_value: float = 0.0


def weight() -> ColumnElement[float]:
    """The importance weight of a requester row, as SQL."""
    whens = [(IdeaRequester.importance == code, w) for code, w in IMPORTANCE_WEIGHTS.items()]
    return case(*whens, else_=1.0)


def customer_value(session: Session, customers: Select[int]) -> Subquery:
    """Per customer among `customers`: CLV of the latest finished value run, else historic
    revenue of completed orders (columns `customer_id`, `value`)."""
    run = runs.latest_done(session, VALUE_RUN_KIND)
    clv = (
        select(CustomerValue.customer_id, CustomerValue.clv)
        .where(CustomerValue.run_id == (run.id if run else -1))
        .where(CustomerValue.customer_id.in_(customers))
        .subquery("clv")
    )
    revenue = (
        select(Order.customer_id, func.sum(Order.total_amount).label("revenue"))
        .where(Order.status == "completed", Order.customer_id.in_(customers))
        .group_by(Order.customer_id)
        .subquery("revenue")
    )
    ids = customers.subquery("asked")
    value = func.coalesce(clv.c.clv, cast(revenue.c.revenue, Float), literal(0.0))
    query = (
        select(ids.c.customer_id, cast(value, Float).label("value"))
        .outerjoin(clv, clv.c.customer_id == ids.c.customer_id)
        .outerjoin(revenue, revenue.c.customer_id == ids.c.customer_id)
    )
    return query.subquery("customer_value")


def per_idea(session: Session) -> Subquery:
    """Per idea with requesters: `customers`, `value`, `weighted_customers`,
    `weighted_value` (ideas without requesters have no row)."""
    asked = select(IdeaRequester.customer_id).distinct()
    values = customer_value(session, asked)
    value = func.coalesce(values.c.value, literal(0.0))
    query = (
        select(
            IdeaRequester.idea_id,
            func.count(IdeaRequester.id).label("customers"),
            func.sum(value).label("value"),
            func.sum(weight()).label("weighted_customers"),
            func.sum(weight() * value).label("weighted_value"),
        )
        .outerjoin(values, values.c.customer_id == IdeaRequester.customer_id)
        .group_by(IdeaRequester.idea_id)
    )
    return query.subquery("demand")


def of_customers(session: Session, customer_ids: list[int]) -> dict[int, float]:
    """Each listed customer's value (the detail page's requester rows)."""
    if not customer_ids:
        return {}
    asked = select(IdeaRequester.customer_id).where(IdeaRequester.customer_id.in_(customer_ids))
    values = customer_value(session, asked.distinct())
    return {int(cid): float(v or 0) for cid, v in session.execute(select(values))}
