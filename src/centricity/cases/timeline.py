"""Cases on the customer 360 timeline: each case opened and each message of its conversation
that the customer saw or wrote (internal notes stay on the case)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, User
from centricity.cases import service
from centricity.cases.models import Case, CaseMessage
from centricity.customers import timeline
from centricity.customers.models import Customer
from centricity.customers.schemas import TimelineItem
from centricity.kit.i18n import lazy, noop

CASE_OPENED = noop("Case opened: %(subject)s")
STAFF_REPLY = noop("Reply on case: %(subject)s")
CUSTOMER_MESSAGE = noop("Customer wrote on case: %(subject)s")


def case_items(
    session: Session, customer: Customer, actor: User, cursor: timeline.Cursor | None, limit: int
) -> list[TimelineItem]:
    """The customer's cases the actor may see, newest first."""
    query = (
        service.visible_cases(actor)
        .where(Case.customer_id == customer.id)
        .add_columns(Department.name)
        .join(Department, Department.id == Case.department_id)
    )
    if cursor is not None:
        query = query.where(cursor.before("case", Case.opened_at, Case.id))
    rows = session.execute(query.order_by(Case.opened_at.desc(), Case.id.desc()).limit(limit))
    return [
        TimelineItem(
            kind="case",
            id=case.id,
            at=case.opened_at,
            title=lazy(CASE_OPENED, subject=case.subject),
            detail=case.status,
            channel=case.channel,
            department=department,
        )
        for case, department in rows
    ]


def message_items(
    session: Session, customer: Customer, actor: User, cursor: timeline.Cursor | None, limit: int
) -> list[TimelineItem]:
    """Public replies and customer messages of the customer's cases the actor may see."""
    query = (
        select(CaseMessage, Case.subject, User.name)
        .join(Case, Case.id == CaseMessage.case_id)
        .outerjoin(User, User.id == CaseMessage.author_user_id)
        .where(Case.customer_id == customer.id, CaseMessage.public.is_(True))
        .where(service.visibility(actor))
    )
    if cursor is not None:
        query = query.where(cursor.before("case_message", CaseMessage.created_at, CaseMessage.id))
    ordered = query.order_by(CaseMessage.created_at.desc(), CaseMessage.id.desc())
    return [
        TimelineItem(
            kind="case_message",
            id=message.id,
            at=message.created_at,
            title=lazy(CUSTOMER_MESSAGE if message.from_customer else STAFF_REPLY, subject=subject),
            detail=message.body,
            staff_name=None if message.from_customer else author,
            direction="inbound" if message.from_customer else "outbound",
        )
        for message, subject, author in session.execute(ordered.limit(limit))
    ]


timeline.register_source("case", case_items)
timeline.register_source("case_message", message_items)
