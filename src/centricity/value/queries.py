"""Read the latest finished value run: one customer, segments, tiers, CLV spread, at risk."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from centricity.accounts.models import User
from centricity.analytics import runs
from centricity.analytics.models import AnalyticsRun
from centricity.customers.models import Customer
from centricity.interactions import service as interaction_service
from centricity.interactions.models import Interaction
from centricity.value.models import CustomerValue

RUN_KIND = "value"
AT_RISK_MIN_DROP = 0.10
AT_RISK_MAX_ALIVE = 0.5
# The CLV chart folds this share of the highest values into its last bar.
CLV_FOLDED_SHARE = 0.01


def latest_run(session: Session) -> AnalyticsRun | None:
    """The newest finished value run (pages read only finished runs)."""
    return runs.latest_done(session, RUN_KIND)


def previous_run(session: Session, latest: AnalyticsRun) -> AnalyticsRun | None:
    """The finished value run before `latest`, to show what changed."""
    query = (
        select(AnalyticsRun)
        .where(
            AnalyticsRun.kind == RUN_KIND,
            AnalyticsRun.status == "done",
            AnalyticsRun.id != latest.id,
            AnalyticsRun.as_of_date <= latest.as_of_date,
        )
        .order_by(AnalyticsRun.as_of_date.desc(), AnalyticsRun.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def for_customer(session: Session, customer_id: int) -> CustomerValue | None:
    """The customer's scores in the latest finished run, if they were scored."""
    run = latest_run(session)
    if run is None:
        return None
    query = select(CustomerValue).where(
        CustomerValue.run_id == run.id, CustomerValue.customer_id == customer_id
    )
    return session.scalar(query)


def visible_contacts(session: Session, *, customer_id: int, actor: User) -> int:
    """How many of the customer's contacts the actor may see: the count shown beside their
    value. The run's own `contacts_count` includes other departments' confidential
    contacts (cost to serve is a company figure), so showing it would reveal them."""
    query = interaction_service.visible_to(actor).where(Interaction.customer_id == customer_id)
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


@dataclass(frozen=True)
class GroupRow:
    """Customers, revenue and value of one segment or tier."""

    name: str
    customers: int
    revenue: float
    average_clv: float | None
    total_clv: float | None
    average_cost_to_serve: float
    average_predicted_profit: float | None


def _grouped(session: Session, run_id: int, column: str) -> list[GroupRow]:
    key = getattr(CustomerValue, column)
    query = (
        select(
            key,
            func.count(),
            func.sum(CustomerValue.revenue),
            func.avg(CustomerValue.clv),
            func.sum(CustomerValue.clv),
            func.avg(CustomerValue.cost_to_serve),
            func.avg(CustomerValue.predicted_profit),
        )
        .where(CustomerValue.run_id == run_id)
        .group_by(key)
        .order_by(func.sum(CustomerValue.revenue).desc())
    )
    return [
        GroupRow(
            str(r[0]),
            int(r[1]),
            float(r[2] or 0),
            _num(r[3]),
            _num(r[4]),
            float(r[5] or 0),
            _num(r[6]),
        )
        for r in session.execute(query)
    ]


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def segments(session: Session, run: AnalyticsRun) -> list[GroupRow]:
    """Segment sizes, revenue and value in a run, biggest revenue first."""
    return _grouped(session, run.id, "segment")


def tier_order(run: AnalyticsRun) -> list[str]:
    """The tier names of a run, best first, as configured when it ran."""
    return [str(tier[0]) for tier in run.params.get("tiers", [])]


def tiers(session: Session, run: AnalyticsRun, order: list[str]) -> list[GroupRow]:
    """The tier table of a run, in the configured tier order."""
    rows = {row.name: row for row in _grouped(session, run.id, "tier")}
    return [rows[name] for name in order if name in rows]


def clv_histogram(
    session: Session, run: AnalyticsRun, bins: int = 30
) -> tuple[list[float], list[int]]:
    """Bin edges (left) and counts of CLV in a run, for the distribution chart."""
    values = np.array(
        [
            v
            for (v,) in session.execute(
                select(CustomerValue.clv).where(
                    CustomerValue.run_id == run.id, CustomerValue.clv.is_not(None)
                )
            )
        ],
        dtype=np.float64,
    )
    if values.size == 0:
        return [], []
    top = float(np.quantile(values, 1 - CLV_FOLDED_SHARE)) or float(values.max()) or 1.0
    counts, edges = np.histogram(values.clip(max=top), bins=bins)
    return [round(float(e), 2) for e in edges[:-1]], [int(c) for c in counts]


@dataclass(frozen=True)
class AtRisk:
    """A valuable customer whose probability of still being active is falling."""

    customer_id: int
    name: str
    revenue: float
    clv: float | None
    probability_alive: float | None
    previous_probability_alive: float | None
    days_since_last_order: int
    tier: str
    segment: str


AtRiskQuery = Select[int, str, float, float | None, float | None, float | None, int, str, str]


def at_risk(session: Session, run: AnalyticsRun, limit: int = 50) -> list[AtRisk]:
    """Top-value customers (M score 4–5) slipping away, by revenue at risk.

    Slipping: probability alive fell by at least 0.10 since the previous run or, without a
    previous run, is below 0.5.
    """
    query = _at_risk_query(session, run).limit(limit)
    return [AtRisk(*row) for row in session.execute(query)]


def at_risk_count(session: Session, run: AnalyticsRun) -> int:
    """How many valuable customers are slipping away in a run (all of them, not a page)."""
    query = _at_risk_query(session, run).order_by(None)
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _at_risk_query(session: Session, run: AnalyticsRun) -> AtRiskQuery:
    current = CustomerValue
    before = aliased(CustomerValue)
    previous = previous_run(session, run)
    query = (
        select(
            current.customer_id,
            Customer.name,
            current.revenue,
            current.clv,
            current.probability_alive,
            before.probability_alive,
            current.days_since_last_order,
            current.tier,
            current.segment,
        )
        .join(Customer, Customer.id == current.customer_id)
        .outerjoin(
            before,
            and_(
                before.customer_id == current.customer_id,
                before.run_id == (previous.id if previous else -1),
            ),
        )
        .where(
            current.run_id == run.id, current.m_score >= 4, current.probability_alive.is_not(None)
        )
    )
    if previous is None:
        query = query.where(current.probability_alive < AT_RISK_MAX_ALIVE)
    else:
        query = query.where(
            current.probability_alive <= before.probability_alive - AT_RISK_MIN_DROP
        )
    value_at_risk = current.revenue * (1 - current.probability_alive)
    return query.order_by(value_at_risk.desc(), current.customer_id)


def filter_customers(
    query: Select[Customer], session: Session, *, segment: str | None, tier: str | None
) -> Select[Customer]:
    """Restrict a customer query to a segment and/or tier of the latest finished run."""
    if not segment and not tier:
        return query
    run = latest_run(session)
    scored = select(CustomerValue.customer_id).where(
        CustomerValue.run_id == (run.id if run else -1)
    )
    if segment:
        scored = scored.where(CustomerValue.segment == segment)
    if tier:
        scored = scored.where(CustomerValue.tier == tier)
    return query.where(Customer.id.in_(scored))
