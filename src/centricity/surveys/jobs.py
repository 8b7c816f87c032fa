"""Background jobs of survey campaigns: the invitation for one event, the batches of an
audience send, and the daily days-after-first-purchase run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from centricity.jobs.registry import job_handler, schedule
from centricity.surveys import campaign_runs
from centricity.surveys.schemas import InvitationCreate


@job_handler(campaign_runs.INVITE_JOB)
def campaign_invite(session: Session, payload: dict[str, Any]) -> None:
    """Invite the customer of one solved case, logged contact or done delivery."""
    about = InvitationCreate(
        customer_id=int(payload["customer_id"]),
        case_id=payload.get("case_id"),
        interaction_id=payload.get("interaction_id"),
    )
    campaign_runs.invite_for_event(session, campaign_id=int(payload["campaign_id"]), about=about)


@job_handler(campaign_runs.SEND_JOB)
def campaign_send(session: Session, payload: dict[str, Any]) -> None:
    """One batch of an audience send (the next batch is queued while customers wait)."""
    campaign_id = int(payload["campaign_id"])
    campaign_runs.send_step(session, campaign_id=campaign_id, filled=bool(payload.get("filled")))


@job_handler(campaign_runs.DAILY_JOB)
def campaign_daily(session: Session, payload: dict[str, Any]) -> None:
    """Invite the customers whose first purchase is the campaign's number of days old."""
    del payload
    campaign_runs.run_daily(session)


schedule(campaign_runs.DAILY_JOB, every=timedelta(days=1))
