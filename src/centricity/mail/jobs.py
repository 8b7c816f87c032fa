"""Background job: read the IMAP mailboxes every minute (when any is configured)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from centricity.config import get_settings
from centricity.jobs.registry import job_handler, schedule
from centricity.mail import imap, mailboxes


@job_handler("mail.fetch")
def fetch(session: Session, payload: dict[str, Any]) -> None:
    """Import new mail from every mailbox with an `imap_url`; each message commits in its
    own transaction on a session of the job's engine, so the job's own stays short."""
    del payload
    settings = get_settings()
    boxes = [box for box in mailboxes.load(settings) if box.imap_url]
    if not boxes:
        return
    sessions = sessionmaker(bind=session.get_bind(), expire_on_commit=False)
    imap.fetch_all(sessions, boxes, settings)


schedule("mail.fetch", every=timedelta(minutes=1))
