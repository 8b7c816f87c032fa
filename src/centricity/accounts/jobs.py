"""Background jobs of the accounts domain."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from centricity.accounts import service
from centricity.jobs.registry import job_handler, schedule

logger = logging.getLogger(__name__)

PURGE_EXPIRED_SESSIONS = "accounts.purge_expired_sessions"


@job_handler(PURGE_EXPIRED_SESSIONS)
def purge_expired_sessions(session: Session, payload: dict[str, Any]) -> None:
    """Delete expired logins hourly, so the sessions table holds only live ones."""
    del payload
    removed = service.purge_expired_sessions(session)
    logger.info("purged %d expired session(s)", removed)


schedule(PURGE_EXPIRED_SESSIONS, every=timedelta(hours=1))
