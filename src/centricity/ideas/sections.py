"""The ideas sections of the case page and of the customer 360 page: the ideas the
customer asked for and, for agents and up, a small form that adds this case's (or this
customer's) request to an open idea or to a new one (`page_sections` hooks)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.cases import page_sections as case_sections
from centricity.cases.models import Case
from centricity.customers import page_sections as customer_sections
from centricity.customers.models import Customer
from centricity.ideas import attach, service
from centricity.ideas.models import Importance


def _context(
    session: Session, user: User, customer_id: int, hidden: dict[str, Any]
) -> dict[str, Any]:
    writes = service.can_write(user)
    return {
        "asked": attach.ideas_of(session, customer_id, actor=user),
        "can_link": writes,
        "open_ideas": attach.open_ideas(session, actor=user) if writes else [],
        "importances": [i.value for i in Importance],
        "hidden": hidden,
    }


@case_sections.register_section
def case_ideas(session: Session, user: User, case: Case) -> tuple[str, dict[str, Any]] | None:
    """The customer's ideas and the add-to-idea form, on a customer's case (None for an
    internal request: nobody to link)."""
    if case.customer_id is None:
        return None
    hidden = {"case_id": case.id, "next": f"/cases/{case.id}#ideas"}
    return "ideas/section.html", _context(session, user, case.customer_id, hidden)


@customer_sections.register_section
def customer_ideas(
    session: Session, user: User, customer: Customer
) -> tuple[str, dict[str, Any]] | None:
    """The customer's ideas and the add-to-idea form, on their 360 page."""
    hidden = {"customer_id": customer.id, "next": f"/customers/{customer.id}#ideas"}
    return "ideas/section.html", _context(session, user, customer.id, hidden)
