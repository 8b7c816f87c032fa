"""Personal data of the orders domain: purchase history, linked to a customer by id.

Orders are accounting records: erasure leaves them untouched (totals per currency stay
exact); once the customer record is anonymised they point at nobody.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.orders.models import Order, OrderLine
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

S = Classification.PSEUDONYMOUS
N = Classification.NONE

CLASSIFICATION: Tables = {
    "product_categories": {"id": N, "name": N, "parent_id": N},
    "products": {
        "id": N,
        "external_id": N,
        "name": N,
        "category_id": N,
        "unit_price": N,
        "unit_cost": N,
        "currency": N,
    },
    "orders": {
        "id": S,
        "external_id": S,
        "customer_id": S,
        "ordered_at": S,
        "currency": N,
        "total_amount": S,
        "cost": S,
        "status": N,
        "created_at": S,
    },
    "order_lines": {
        "id": S,
        "order_id": S,
        "product_id": S,
        "quantity": S,
        "unit_price": N,
        "amount": S,
        "cost": S,
    },
}


def export(session: Session, person: PersonRef) -> Export:
    """The person's orders and their lines, oldest first."""
    if not person.customer_ids:
        return {"orders": [], "order_lines": []}
    orders = list(
        session.scalars(
            select(Order)
            .where(Order.customer_id.in_(person.customer_ids))
            .order_by(Order.ordered_at, Order.id)
        )
    )
    lines = session.scalars(
        select(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.customer_id.in_(person.customer_ids))
        .order_by(OrderLine.order_id, OrderLine.id)
    )
    return {
        "orders": to_rows(orders, CLASSIFICATION["orders"]),
        "order_lines": to_rows(lines, CLASSIFICATION["order_lines"]),
    }


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Change nothing: orders hold no personal values, only the (anonymised) customer id."""
    del session, person
    return {}
