"""The customer 360 timeline: one list of everything that happened, newest first.

Each source (orders, contacts; later cases and feedback) yields its newest rows before a
cursor; the lists are merged and cut, so a page costs one indexed query per source.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, User
from centricity.customers.models import Customer
from centricity.customers.schemas import Timeline, TimelineItem
from centricity.interactions import service as interaction_service
from centricity.interactions.models import Interaction
from centricity.orders.models import Order

TimelineSource = Callable[[Session, Customer, User, datetime | None, int], list[TimelineItem]]


def _order_items(
    session: Session, customer: Customer, _actor: User, before: datetime | None, limit: int
) -> list[TimelineItem]:
    query = select(Order).where(Order.customer_id == customer.id)
    if before is not None:
        query = query.where(Order.ordered_at < before)
    rows = session.scalars(query.order_by(Order.ordered_at.desc()).limit(limit))
    return [
        TimelineItem(
            kind="order",
            id=o.id,
            at=o.ordered_at,
            title=f"Order {o.external_id or o.id}",
            detail=o.status,
            amount=f"{o.total_amount:.2f}",
            currency=o.currency,
        )
        for o in rows
    ]


def _interaction_items(
    session: Session, customer: Customer, actor: User, before: datetime | None, limit: int
) -> list[TimelineItem]:
    query = (
        interaction_service.visible_to(actor)
        .where(Interaction.customer_id == customer.id)
        .add_columns(User.name, Department.name)
        .outerjoin(User, User.id == Interaction.user_id)
        .outerjoin(Department, Department.id == Interaction.department_id)
    )
    if before is not None:
        query = query.where(Interaction.started_at < before)
    rows = session.execute(query.order_by(Interaction.started_at.desc()).limit(limit))
    return [
        TimelineItem(
            kind="interaction",
            id=i.id,
            at=i.started_at,
            title=f"{i.direction.capitalize()} {i.channel}",
            detail=i.note,
            channel=i.channel,
            direction=i.direction,
            staff_name=staff,
            department=dept,
            confidential=i.confidential,
        )
        for i, staff, dept in rows
    ]


SOURCES: list[TimelineSource] = [_order_items, _interaction_items]


def register_source(source: TimelineSource) -> None:
    """Let a later domain (cases, feedback) add its events to every customer's timeline."""
    if source not in SOURCES:
        SOURCES.append(source)


def build(
    session: Session,
    *,
    customer: Customer,
    actor: User,
    before: datetime | None = None,
    limit: int = 50,
) -> Timeline:
    """Merge every source's newest events before `before` into one page."""
    limit = max(1, min(limit, 200))
    items: list[TimelineItem] = []
    for source in SOURCES:
        items.extend(source(session, customer, actor, before, limit + 1))
    items.sort(key=lambda item: (item.at, item.id), reverse=True)
    page = items[:limit]
    next_before = page[-1].at if len(items) > limit and page else None
    return Timeline(items=page, next_before=next_before)
