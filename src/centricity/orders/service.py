"""Order and catalogue use cases: record orders, list them, summarise a customer's buying."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.customers import service as customer_service
from centricity.kit.errors import Conflict, Invalid, NotFound
from centricity.kit.i18n import lazy
from centricity.kit.money import to_money
from centricity.kit.pagination import MAX_LIMIT, Page
from centricity.orders.models import Order, OrderLine, Product, ProductCategory
from centricity.orders.schemas import OrderCreate, ProductCreate


def list(
    session: Session,
    *,
    actor: User,
    customer_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Order]:
    """A page of orders, newest first, filtered by customer and time.

    Every employee sees every customer (and so their orders); a named customer must exist.
    """
    query = select(Order)
    if customer_id is not None:
        customer_service.get(session, customer_id, actor=actor)
        query = query.where(Order.customer_id == customer_id)
    if since is not None:
        query = query.where(Order.ordered_at >= since)
    if until is not None:
        query = query.where(Order.ordered_at < until)
    limit = max(1, min(limit, MAX_LIMIT))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(Order.ordered_at.desc(), Order.id.desc())
    return Page(
        items=[*session.scalars(ordered.limit(limit).offset(offset))],
        total=int(total),
        limit=limit,
        offset=offset,
    )


def newest_for(session: Session, *, customer_id: int, limit: int) -> builtins.list[Order]:
    """The customer's newest orders for the 360 page, whose caller has already loaded the
    customer for the viewer: one query, without `list`'s count and second look-up of the
    customer (two of the page's twenty statements)."""
    query = (
        select(Order)
        .where(Order.customer_id == customer_id)
        .order_by(Order.ordered_at.desc(), Order.id.desc())
        .limit(max(1, min(limit, MAX_LIMIT)))
    )
    return [*session.scalars(query)]


def get(session: Session, order_id: int, *, actor: User) -> Order:
    """Load one order of a customer the actor may see, or raise NotFound."""
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound(lazy("order not found"))
    customer_service.get(session, order.customer_id, actor=actor)
    return order


def lines(session: Session, *, order: Order) -> builtins.list[OrderLine]:
    """The lines of an order in entry order."""
    query = select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)
    return [*session.scalars(query)]


def _build_lines(session: Session, data: OrderCreate) -> builtins.list[OrderLine]:
    built = []
    for line in data.lines:
        if line.product_id is not None and session.get(Product, line.product_id) is None:
            raise Invalid(lazy("product %(id)s does not exist", id=line.product_id), field="lines")
        amount = to_money(line.quantity * line.unit_price)
        built.append(
            OrderLine(
                product_id=line.product_id,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=amount,
                cost=line.cost,
            )
        )
    return built


def create(session: Session, *, data: OrderCreate, actor: User | None) -> Order:
    """Record an order; without a total, the lines' amounts are summed."""
    if actor is not None:
        customer_service.get(session, data.customer_id, actor=actor)
    if data.external_id and session.scalar(
        select(Order.id).where(Order.external_id == data.external_id)
    ):
        raise Conflict(lazy("another order has this external_id"), field="external_id")
    built = _build_lines(session, data)
    total = data.total_amount
    if total is None:
        if not built:
            raise Invalid(lazy("give total_amount or at least one line"), field="total_amount")
        total = sum((line.amount for line in built), Decimal(0))
    order = Order(
        external_id=data.external_id,
        customer_id=data.customer_id,
        ordered_at=data.ordered_at,
        currency=data.currency,
        total_amount=to_money(total),
        cost=data.cost,
        status=data.status,
    )
    session.add(order)
    session.flush()
    for line in built:
        line.order_id = order.id
    session.add_all(built)
    session.flush()
    audit.record(session, actor=actor, action="order.create", entity=("order", order.id))
    return order


@dataclass(frozen=True)
class CustomerTotals:
    """What a customer has bought: order count, revenue per currency, first and last order."""

    order_count: int
    revenue: dict[str, Decimal]
    first_order_at: datetime | None
    last_order_at: datetime | None


def totals_for(session: Session, *, customer_id: int) -> CustomerTotals:
    """Summarise a customer's completed orders for the 360 page."""
    query = (
        select(
            Order.currency,
            func.count(),
            func.sum(Order.total_amount),
            func.min(Order.ordered_at),
            func.max(Order.ordered_at),
        )
        .where(Order.customer_id == customer_id, Order.status == "completed")
        .group_by(Order.currency)
    )
    rows = session.execute(query).all()
    firsts = [r[3] for r in rows if r[3] is not None]
    lasts = [r[4] for r in rows if r[4] is not None]
    return CustomerTotals(
        order_count=sum(int(r[1]) for r in rows),
        revenue={r[0]: to_money(r[2] or 0) for r in rows},
        first_order_at=min(firsts) if firsts else None,
        last_order_at=max(lasts) if lasts else None,
    )


def get_or_create_category(session: Session, name: str) -> ProductCategory:
    """Find a product category by name or create it."""
    category = session.scalar(select(ProductCategory).where(ProductCategory.name == name))
    if category is None:
        category = ProductCategory(name=name)
        session.add(category)
        session.flush()
    return category


def list_products(session: Session, *, limit: int = 50, offset: int = 0) -> Page[Product]:
    """A page of catalogue products by name."""
    limit = max(1, min(limit, MAX_LIMIT))
    total = session.scalar(select(func.count()).select_from(Product)) or 0
    rows = session.scalars(
        select(Product).order_by(Product.name, Product.id).limit(limit).offset(offset)
    )
    return Page(items=[*rows], total=int(total), limit=limit, offset=offset)


def create_product(session: Session, *, data: ProductCreate, actor: User | None) -> Product:
    """Add a product to the catalogue, creating its category when new."""
    if data.external_id and session.scalar(
        select(Product.id).where(Product.external_id == data.external_id)
    ):
        raise Conflict(lazy("another product has this external_id"), field="external_id")
    category = get_or_create_category(session, data.category) if data.category else None
    product = Product(
        **data.model_dump(exclude={"category"}), category_id=category.id if category else None
    )
    session.add(product)
    session.flush()
    audit.record(session, actor=actor, action="product.create", entity=("product", product.id))
    return product
