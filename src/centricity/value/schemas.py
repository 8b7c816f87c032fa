"""Value shapes for the API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

COMPANY_FIGURE = (
    "A company figure: priced over every department's contacts with the customer up to "
    "`as_of_date`, including confidential ones the caller may not see."
)


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
    contacts_count: int | None = Field(
        None,
        description="The customer's contacts the caller may see (as `GET /api/v1/interactions"
        "?customer_id=` lists them), counted now.",
    )
    cost_to_serve: float | None = Field(None, description=COMPANY_FIGURE)
    historic_profit: float | None = Field(
        None, description="Margin so far minus cost to serve. " + COMPANY_FIGURE
    )
    predicted_profit: float | None = Field(
        None, description="Lifetime value minus expected cost to serve. " + COMPANY_FIGURE
    )
    tier: str | None = None


class GroupRead(BaseModel):
    """Customers, revenue and value of one segment or tier."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    customers: int
    revenue: float
    average_clv: float | None
    total_clv: float | None
    average_cost_to_serve: float = Field(description=COMPANY_FIGURE)
    average_predicted_profit: float | None = Field(description=COMPANY_FIGURE)


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
