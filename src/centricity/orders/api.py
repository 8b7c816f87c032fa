"""REST API for orders and the product catalogue."""

from __future__ import annotations

from typing import Annotated

from centricity.accounts.models import Role, User
from centricity.kit.validation import UtcDatetime
from centricity.orders import service
from centricity.orders.models import Order
from centricity.orders.schemas import (
    OrderCreate,
    OrderDetail,
    OrderLineRead,
    OrderPage,
    OrderRead,
    ProductCreate,
    ProductPage,
    ProductRead,
)
from centricity.web.api import Limit, Offset, PathId, QueryId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "orders")


@router.get("/orders", response_model=OrderPage)
def list_orders(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    customer_id: QueryId = None,
    since: UtcDatetime | None = None,
    until: UtcDatetime | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> OrderPage:
    """List orders, newest first, filtered by customer and time."""
    page = service.list(
        session,
        actor=user,
        customer_id=customer_id,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    items = [OrderRead.model_validate(o) for o in page.items]
    return OrderPage(items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.post("/orders", response_model=OrderDetail, status_code=201)
def create_order(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)], data: OrderCreate
) -> OrderDetail:
    """Record an order with optional lines; the total defaults to the lines' sum."""
    order = service.create(session, data=data, actor=user)
    return _detail(session, order)


@router.get("/orders/{order_id}", response_model=OrderDetail)
def get_order(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], order_id: PathId
) -> OrderDetail:
    """Read one order with its lines."""
    return _detail(session, service.get(session, order_id, actor=user))


def _detail(session: DbSession, order: Order) -> OrderDetail:
    lines = [OrderLineRead.model_validate(line) for line in service.lines(session, order=order)]
    return OrderDetail(**OrderRead.model_validate(order).model_dump(), lines=lines)


@router.get("/products", response_model=ProductPage)
def list_products(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    limit: Limit = 50,
    offset: Offset = 0,
) -> ProductPage:
    """List catalogue products by name."""
    del user
    page = service.list_products(session, limit=limit, offset=offset)
    items = [ProductRead.model_validate(p) for p in page.items]
    return ProductPage(items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.post("/products", response_model=ProductRead, status_code=201)
def create_product(
    session: DbSession, user: Annotated[User, require_api(Role.MANAGER)], data: ProductCreate
) -> ProductRead:
    """Add a product to the catalogue."""
    return ProductRead.model_validate(service.create_product(session, data=data, actor=user))
