"""Background work of imports: run confirmed uploads, scan for duplicate customers, purge.

Handlers get the worker's session; an import commits batch by batch in its own sessions
(see `load/runner.py`), so the handler only hands over a factory for the same store.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from centricity.config import get_settings
from centricity.imports import service
from centricity.imports.review import duplicates
from centricity.jobs.registry import job_handler, schedule

logger = logging.getLogger(__name__)

PURGE = "imports.purge"


@job_handler(service.RUN_JOB)
def run_import(session: Session, payload: dict[str, Any]) -> None:
    """Run an upload confirmed on the import page (resumes after a crash)."""
    summary = service.run_upload(service.factory_for(session), int(payload["job_id"]),
                                 get_settings())  # fmt: skip
    if summary is not None:
        logger.info("import job %s: %s", summary.job_id, summary.counts.line())


@job_handler(service.SCAN_DUPLICATES)
def scan_duplicates(session: Session, payload: dict[str, Any]) -> None:
    """Refresh the duplicate pairs after customers were imported."""
    del payload
    logger.info("%d likely duplicate customer pair(s) to review", duplicates.scan(session))


@job_handler(PURGE)
def purge(session: Session, payload: dict[str, Any]) -> None:
    """Delete stale uploads, old quarantined rows and expired idempotency keys."""
    del payload
    logger.info("import purge: %s", service.purge(session))


schedule(PURGE, every=timedelta(hours=6))
