"""Value shapes for the API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class CustomerValueRead(BaseModel):
    """A customer's value scores in the latest finished run (`scored` false: not scored yet)."""

    model_config = ConfigDict(from_attributes=True)

    customer_id: int
    scored: bool = True
    run_id: int | None = None
    as_of_date: date | None = None
    orders_count: int | None = None
    frequency: int | None = None
    recency_days: int | None = None
    tenure_days: int | None = None
    days_since_last_order: int | None = None
    revenue: float | None = None
    margin: float | None = None
    monetary_value: float | None = None
    r_score: int | None = None
    f_score: int | None = None
    m_score: int | None = None
    segment: str | None = None
    probability_alive: float | None = None
    expected_purchases_90d: float | None = None
    expected_spend: float | None = None
    clv: float | None = None
    contacts_count: int | None = None
    cost_to_serve: float | None = None
    historic_profit: float | None = None
    predicted_profit: float | None = None
    tier: str | None = None


class GroupRead(BaseModel):
    """Customers, revenue and value of one segment or tier."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    customers: int
    revenue: float
    average_clv: float | None
    total_clv: float | None
    average_cost_to_serve: float
    average_predicted_profit: float | None


class GroupList(BaseModel):
    """Segments or tiers of the latest finished run."""

    items: list[GroupRead]
    total: int
    run_id: int | None
    as_of_date: date | None


class AtRiskRead(BaseModel):
    """A valuable customer slipping away."""

    model_config = ConfigDict(from_attributes=True)

    customer_id: int
    name: str
    revenue: float
    clv: float | None
    probability_alive: float
    previous_probability_alive: float | None
    days_since_last_order: int
    tier: str
    segment: str


class AtRiskList(BaseModel):
    """At-risk valuable customers of the latest finished run, by revenue at risk."""

    items: list[AtRiskRead]
    total: int
    run_id: int | None
    as_of_date: date | None
