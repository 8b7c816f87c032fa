"""Sections that later domains add to the case page (feedback: the items about the case).

Cases never import the domains built on them; such a domain registers a section here and
the case page shows each one that has something to show, below the conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.cases.models import Case

# The section's template and context for the viewer and the case, or None to show nothing.
CaseSection = Callable[[Session, User, Case], tuple[str, dict[str, Any]] | None]
SECTIONS: list[CaseSection] = []


def register_section(section: CaseSection) -> CaseSection:
    """Let a domain that builds on cases show its records on the case page."""
    if section not in SECTIONS:
        SECTIONS.append(section)
    return section


def shown(session: Session, user: User, case: Case) -> list[tuple[str, dict[str, Any]]]:
    """Every registered section with something to show, in registration order."""
    return [found for section in SECTIONS if (found := section(session, user, case)) is not None]
