"""Background jobs of the accounts domain."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from centricity.accounts import request_counts, service, throttle
from centricity.jobs.registry import job_handler, schedule
from centricity.kit.time import utcnow

logger = logging.getLogger(__name__)

PURGE_EXPIRED_SESSIONS = "accounts.purge_expired_sessions"


@job_handler(PURGE_EXPIRED_SESSIONS)
def purge_expired_sessions(session: Session, payload: dict[str, Any]) -> None:
    """Delete expired logins, and failed sign-ins and public request counts older than any
    throttle window, hourly, so these tables hold only what can still matter."""
    del payload
    removed = service.purge_expired_sessions(session)
    before = utcnow() - throttle.LONGEST_WINDOW
    failures = throttle.purge_expired(session, before=before)
    counts = request_counts.purge_expired(session, before=before)
    logger.info(
        "purged %d expired session(s), %d old login failure(s), %d old public request count(s)",
        removed,
        failures,
        counts,
    )


schedule(PURGE_EXPIRED_SESSIONS, every=timedelta(hours=1))
