"""`customers.service.named_in_form`: the customer a form's `customer_id` names, or None;
the orders the 360 page lists."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.orders import service as orders
from centricity.orders.schemas import OrderCreate


def test_a_form_names_a_customer_only_by_a_plain_id_in_range(db: Session, personas: Any) -> None:
    jana = customers.create(db, data=CustomerCreate(name="Jana"), actor=None)
    bob = personas.bob
    assert customers.named_in_form(db, str(jana.id), actor=bob) is jana
    assert customers.named_in_form(db, jana.id, actor=bob) is jana
    for value in (None, "", "abc", "²", "-1", "99999999999999999999", str(jana.id + 1000)):
        assert customers.named_in_form(db, value, actor=bob) is None, value


def test_the_360_page_lists_the_customers_newest_orders_only(db: Session, personas: Any) -> None:
    """`orders.newest_for`: the customer's own orders, newest first (ties by id), cut at
    the limit; another customer's orders never appear."""
    jana = customers.create(db, data=CustomerCreate(name="Jana"), actor=None)
    other = customers.create(db, data=CustomerCreate(name="Petr"), actor=None)
    days = [3, 1, 4, 1, 5, 9, 2, 6]
    made = [
        orders.create(
            db,
            data=OrderCreate(
                customer_id=jana.id,
                ordered_at=datetime(2026, 11, day, tzinfo=UTC),
                currency="CZK",
                total_amount=Decimal(100 + n),
            ),
            actor=None,
        )
        for n, day in enumerate(days)
    ]
    orders.create(
        db,
        data=OrderCreate(
            customer_id=other.id,
            ordered_at=datetime(2026, 11, 30, tzinfo=UTC),
            currency="CZK",
            total_amount=Decimal(1),
        ),
        actor=None,
    )
    expected = sorted(made, key=lambda o: (o.ordered_at, o.id), reverse=True)
    assert orders.newest_for(db, customer_id=jana.id, limit=5) == expected[:5]
    assert orders.newest_for(db, customer_id=jana.id, limit=50) == expected
