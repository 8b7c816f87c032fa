"""Background job: the daily value analysis (and one a manager queues from the Value page)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from centricity.config import get_settings
from centricity.jobs.registry import job_handler, schedule
from centricity.value import service


@job_handler("value.analyze")
def analyze(session: Session, payload: dict[str, Any]) -> None:
    """Score customer value as of the payload's date (default: CENTRICITY_VALUE_AS_OF, else
    today, UTC)."""
    as_of = payload.get("as_of")
    settings = get_settings()
    day = date.fromisoformat(as_of) if as_of else service.default_as_of(settings)
    service.analyze(session, as_of=day, settings=settings)


schedule("value.analyze", every=timedelta(days=1))
