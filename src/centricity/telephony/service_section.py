"""The phone section of the Service page: unanswered calls and call-backs by department and
tier for the page's period (`cases.service_page` hook), shown even in a period without
cases, since a phone line can be busy while no case was opened."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.cases import service_page
from centricity.cases.metrics import Period
from centricity.telephony import metrics


@service_page.register_section
def phone(session: Session, user: User, period: Period) -> tuple[str, dict[str, Any]]:
    """The period's phone figures (an empty section says no calls ended in it)."""
    return "telephony/_service_phone.html", metrics.phone_metrics(
        session, actor=user, period=period
    )
