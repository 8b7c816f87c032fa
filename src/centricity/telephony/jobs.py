"""Background job: close live calls whose hang-up never arrived, every minute."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from centricity.jobs.registry import job_handler, schedule
from centricity.telephony import live


@job_handler("telephony.close_stale")
def close_stale(session: Session, payload: dict[str, Any]) -> None:
    """End calls still ringing or talking past their time limit (see `live.close_stale`),
    so a lost hang-up event still gives the caller a call-back task."""
    del payload
    live.close_stale(session)


schedule("telephony.close_stale", every=timedelta(minutes=1))
