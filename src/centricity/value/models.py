"""Per-customer value scores, written under the analytics run that produced them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base


class CustomerValue(Base):
    """What one customer has been worth and will be worth, as of one run (history kept)."""

    __tablename__ = "customer_values"
    __table_args__ = (
        UniqueConstraint("run_id", "customer_id"),
        Index("ix_customer_values_customer_id_run_id", "customer_id", "run_id"),
        Index("ix_customer_values_run_id_segment", "run_id", "segment"),
        Index("ix_customer_values_run_id_tier", "run_id", "tier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analytics_runs.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    as_of_date: Mapped[date] = mapped_column(Date)
    orders_count: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[int] = mapped_column(Integer)
    recency_days: Mapped[int] = mapped_column(Integer)
    tenure_days: Mapped[int] = mapped_column(Integer)
    days_since_last_order: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[float] = mapped_column(Float)
    margin: Mapped[float] = mapped_column(Float)
    monetary_value: Mapped[float] = mapped_column(Float)
    r_score: Mapped[int] = mapped_column(Integer)
    f_score: Mapped[int] = mapped_column(Integer)
    m_score: Mapped[int] = mapped_column(Integer)
    segment: Mapped[str] = mapped_column(String(40))
    probability_alive: Mapped[float | None] = mapped_column(Float)
    expected_purchases_90d: Mapped[float | None] = mapped_column(Float)
    expected_spend: Mapped[float | None] = mapped_column(Float)
    clv: Mapped[float | None] = mapped_column(Float)
    contacts_count: Mapped[int] = mapped_column(Integer)
    cost_to_serve: Mapped[float] = mapped_column(Float)
    historic_profit: Mapped[float] = mapped_column(Float)
    predicted_profit: Mapped[float | None] = mapped_column(Float)
    tier: Mapped[str] = mapped_column(String(40))
