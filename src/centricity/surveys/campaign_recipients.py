"""Whom a campaign takes on, and in what order it works through them.

Each set-based fill is one `INSERT … SELECT … ON CONFLICT DO NOTHING` into
`survey_campaign_recipients`: the (campaign, customer) uniqueness constraint keeps a
customer from being taken on twice however often a send or a daily run repeats, and two
workers racing on one campaign cannot both add the same person.
"""

from __future__ import annotations

import builtins
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from centricity.customers.models import Customer
from centricity.db import UTCDateTime
from centricity.kit.time import utcnow
from centricity.orders.models import Order
from centricity.surveys.campaign_models import SurveyCampaign, SurveyCampaignRecipient
from centricity.value import queries as value_queries
from centricity.value.models import CustomerValue

# A daily run also takes on customers whose day it missed (the server was down) up to
# this many days late; older first purchases are left alone rather than surveyed weeks
# after the moment the campaign was meant for.
CATCH_UP_DAYS = 7
_COLUMNS = ["campaign_id", "customer_id", "created_at"]


def _insert(session: Session) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(SurveyCampaignRecipient)


def add(session: Session, campaign_id: int, customer_ids: builtins.list[int]) -> None:
    """Take on listed customers (those already taken on stay as they are)."""
    now = utcnow()
    rows = [
        {"campaign_id": campaign_id, "customer_id": cid, "outcome": None, "created_at": now}
        for cid in customer_ids
    ]
    for start in range(0, len(rows), 500):
        statement = _insert(session).values(rows[start : start + 500])
        session.execute(
            statement.on_conflict_do_nothing(index_elements=["campaign_id", "customer_id"])
        )


def _fill(session: Session, campaign_id: int, customer_ids: Any, now: datetime) -> int:
    chosen = select(
        literal(campaign_id), customer_ids.c.customer_id, literal(now, type_=UTCDateTime())
    ).where(customer_ids.c.customer_id.is_not(None))
    statement = _insert(session).from_select(_COLUMNS, chosen)
    statement = statement.on_conflict_do_nothing(index_elements=["campaign_id", "customer_id"])
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)


def fill_audience(session: Session, campaign: SurveyCampaign, now: datetime | None = None) -> int:
    """Take on the customers of the campaign's segment or tier in the value engine's
    latest run (a listed audience was taken on when it was given); returns how many."""
    run = value_queries.latest_run(session)
    if run is None or not (campaign.segment or campaign.tier):
        return 0
    column = CustomerValue.segment if campaign.segment else CustomerValue.tier
    members = (
        select(CustomerValue.customer_id.label("customer_id"))
        .join(Customer, Customer.id == CustomerValue.customer_id)
        .where(
            CustomerValue.run_id == run.id,
            column == (campaign.segment or campaign.tier),
            Customer.erased_at.is_(None),
        )
        .subquery()
    )
    return _fill(session, campaign.id, members, now or utcnow())


def fill_first_purchase(session: Session, campaign: SurveyCampaign, now: datetime) -> int:
    """Take on the customers whose first order (cancelled ones aside) is `days` old,
    catching up to CATCH_UP_DAYS missed days; returns how many were new."""
    days = campaign.days or 0
    newest = now - timedelta(days=days)
    oldest = newest - timedelta(days=CATCH_UP_DAYS)
    first = func.min(Order.ordered_at)
    buyers = (
        select(Order.customer_id.label("customer_id"))
        .join(Customer, Customer.id == Order.customer_id)
        .where(Order.status != "cancelled", Customer.erased_at.is_(None))
        .group_by(Order.customer_id)
        .having(first > oldest, first <= newest)
        .subquery()
    )
    return _fill(session, campaign.id, buyers, now)


def waiting(
    session: Session, campaign_id: int, limit: int
) -> builtins.list[SurveyCampaignRecipient]:
    """The next customers the campaign has taken on but not yet invited or skipped."""
    query = select(SurveyCampaignRecipient).where(
        SurveyCampaignRecipient.campaign_id == campaign_id,
        SurveyCampaignRecipient.outcome.is_(None),
    )
    return builtins.list(session.scalars(query.order_by(SurveyCampaignRecipient.id).limit(limit)))


def waiting_count(session: Session, campaign_id: int) -> int:
    """How many customers the campaign has still to deal with."""
    query = select(func.count(SurveyCampaignRecipient.id)).where(
        SurveyCampaignRecipient.campaign_id == campaign_id,
        SurveyCampaignRecipient.outcome.is_(None),
    )
    return int(session.scalar(query) or 0)
