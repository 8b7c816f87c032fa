"""The events' section of the Service page: the share of events whose notices were given
before the event, by department, for the page's period (`cases.service_page` hook)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.cases import service_page
from centricity.cases.metrics import Period
from centricity.events import metrics


@service_page.register_section
def notices_in_time(
    session: Session, user: User, period: Period
) -> tuple[str, dict[str, Any]] | None:
    """The figures of the events that started in the period (None: there were none)."""
    rows = metrics.done_before(session, actor=user, period=period)
    if not rows:
        return None
    return "events/service_section.html", {"rows": rows}
