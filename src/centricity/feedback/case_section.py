"""The feedback section of the case page: the items about the case (survey answers after
it, reviews naming it, its messages marked as feedback), each with its score and the
customer's words in their own language (`cases.page_sections` hook)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.cases import page_sections
from centricity.cases.models import Case
from centricity.feedback import service


@page_sections.register_section
def case_feedback(session: Session, user: User, case: Case) -> tuple[str, dict[str, Any]] | None:
    """The case's feedback the viewer may see (None for an internal request: no customer)."""
    if case.customer_id is None:
        return None
    items = service.for_case(session, case, actor=user)
    return "feedback/case_section.html", {"items": items}
