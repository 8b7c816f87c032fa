"""Sections that later domains add to the customer 360 page (ideas: what the customer asked
for, with the form that adds a request).

Customers never import the domains built on them; such a domain registers a section here
and the 360 page shows each one that has something to show, below the timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.customers.models import Customer

# The section's template and context for the viewer and the customer, or None.
CustomerSection = Callable[[Session, User, Customer], tuple[str, dict[str, Any]] | None]
SECTIONS: list[CustomerSection] = []


def register_section(section: CustomerSection) -> CustomerSection:
    """Let a domain that builds on customers show its records on the 360 page."""
    if section not in SECTIONS:
        SECTIONS.append(section)
    return section


def shown(session: Session, user: User, customer: Customer) -> list[tuple[str, dict[str, Any]]]:
    """Every registered section with something to show, in registration order."""
    found = (section(session, user, customer) for section in SECTIONS)
    return [section for section in found if section is not None]
