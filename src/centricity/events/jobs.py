"""Background job: the notices before events, every minute (plan, withdraw, remind)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from centricity.config import get_settings
from centricity.events import notices
from centricity.jobs.registry import job_handler, schedule
from centricity.kit.time import utcnow


@job_handler("events.notify")
def notify(session: Session, payload: dict[str, Any]) -> None:
    """Plan missing notices, withdraw those a customer's reply cancels, and queue the
    reminder e-mails that are due; a re-run gives nothing twice."""
    del payload
    notices.run(session, now=utcnow(), settings=get_settings())


schedule("events.notify", every=timedelta(minutes=1))
