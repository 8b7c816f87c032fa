"""Background job: deliver the outbox every minute."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from centricity.config import get_settings
from centricity.jobs.registry import job_handler, schedule
from centricity.notifications import mailer


@job_handler("notifications.send")
def send(session: Session, payload: dict[str, Any]) -> None:
    """Send the queued e-mail that is due (retries included)."""
    del payload
    mailer.deliver(session, get_settings())


schedule("notifications.send", every=timedelta(minutes=1))
