"""Background job: the service-level breach check, every minute."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from centricity.cases import breach, due_times, service
from centricity.jobs.registry import job_handler, schedule


@job_handler("cases.sla_check")
def sla_check(session: Session, payload: dict[str, Any]) -> None:
    """Warn, breach and escalate the targets that are due (idempotent)."""
    del payload
    breach.check(session)


@job_handler("cases.recompute_due")
def recompute_due(session: Session, payload: dict[str, Any]) -> None:
    """Recompute the due times of the running targets of a calendar that changed."""
    due_times.recompute_due(session, calendar_id=int(payload["calendar_id"]))


@job_handler("cases.retier")
def retier(session: Session, payload: dict[str, Any]) -> None:
    """Re-evaluate open cases whose customer changed tier in the latest value analysis."""
    del payload
    service.retier(session)


schedule("cases.sla_check", every=timedelta(minutes=1))
