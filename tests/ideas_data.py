"""Shared arrangements of the idea tests: customers with and without value scores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from centricity.analytics.models import AnalyticsRun
from centricity.customers import service as customers
from centricity.customers.models import Customer
from centricity.customers.schemas import CustomerCreate
from centricity.feedback import service as feedback
from centricity.feedback.schemas import FeedbackCreate
from centricity.orders.models import Order
from centricity.value.models import CustomerValue


@dataclass
class Shop:
    """Four customers: Anna scored (CLV 1000 in the latest finished run), Bert unscored
    with 250 of completed orders (a cancelled 999 does not count), Cecilie with nothing,
    Dmitri unscored with 100 of orders."""

    anna: Customer
    bert: Customer
    cecilie: Customer
    dmitri: Customer


def value_run(db: Session, day: int, status: str, scores: dict[int, float | None]) -> None:
    """A value run of the given status with these customers' CLV."""
    run = AnalyticsRun(
        kind="value",
        as_of_date=date(2026, 3, day),
        params_key=f"ideas-{day}",
        status=status,
        params={},
    )
    db.add(run)
    db.flush()
    for customer_id, clv in scores.items():
        db.add(score(run.id, customer_id, clv))
    db.flush()


def score(run_id: int, customer_id: int, clv: float | None) -> CustomerValue:
    """A customer's row in a value run; only the CLV matters here."""
    ones = dict.fromkeys(
        ("orders_count", "frequency", "recency_days", "tenure_days", "days_since_last_order"), 1
    )
    money = dict.fromkeys(("revenue", "margin", "monetary_value", "cost_to_serve"), 1.0)
    return CustomerValue(
        run_id=run_id,
        customer_id=customer_id,
        as_of_date=date(2026, 3, 1),
        r_score=1,
        f_score=1,
        m_score=1,
        segment="Loyal",
        contacts_count=0,
        historic_profit=0.0,
        tier="gold",
        clv=clv,
        **ones,
        **money,
    )


def order(db: Session, customer_id: int, amount: str, status: str = "completed") -> None:
    """One order of the customer."""
    db.add(
        Order(
            customer_id=customer_id,
            ordered_at=datetime(2026, 2, 1, tzinfo=UTC),
            currency="EUR",
            total_amount=Decimal(amount),
            status=status,
        )
    )


def customer(db: Session, name: str, **fields: Any) -> Customer:
    """A customer created through the service."""
    return customers.create(db, data=CustomerCreate(name=name, **fields), actor=None)


@pytest.fixture()
def shop(db: Session) -> Shop:
    """The four customers and their value (see `Shop`)."""
    anna = customer(db, "Anna Svensson", email="anna@example.se", preferred_language="sv")
    bert = customer(db, "Bert Nowak", email="bert@example.pl", preferred_language="pl")
    cecilie = customer(db, "Cecílie Dvořáková", email="cecilie@example.cz", preferred_language="cs")
    dmitri = customer(db, "Дмитрий Орлов", preferred_language="ru")
    value_run(db, 1, "done", {anna.id: 400.0})  # older: not read
    value_run(db, 2, "done", {anna.id: 1000.0, cecilie.id: None})  # latest finished
    value_run(db, 3, "started", {anna.id: 7.0, bert.id: 7.0})  # unfinished: not read
    order(db, bert.id, "200.00")
    order(db, bert.id, "50.00")
    order(db, bert.id, "999.00", status="cancelled")
    order(db, dmitri.id, "100.00")
    db.commit()
    return Shop(anna, bert, cecilie, dmitri)


def feedback_item(db: Session, customer_id: int, actor: Any, text: str = "Mörkt läge!") -> int:
    """A review of the customer's, recorded by `actor`: a real source for a request."""
    data = FeedbackCreate(customer_id=customer_id, source="review", text=text)
    item = feedback.create(db, data=data, actor=actor)
    db.commit()
    return item.id
