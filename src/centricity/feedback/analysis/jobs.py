"""Background jobs: the text analysis of new feedback every hour (new items are embedded
and given a theme and sentiment within the hour of arriving; with nothing new it returns
without loading a model), and the weekly full run that fits the themes and the sentiment
model again on everything (themes keep their ids). Each ends by computing the Voice page's
company figures (`voice_section.prepare`), so no manager waits for them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from centricity.config import get_settings
from centricity.feedback.analysis import notices, run, voice_section
from centricity.jobs.registry import job_handler, schedule

ANALYZE_JOB = "voice.analyze"
REFIT_JOB = "voice.refit"


@job_handler(ANALYZE_JOB)
def analyze(session: Session, payload: dict[str, Any]) -> None:
    """Analyse the feedback not analysed yet (`{"full": true}`: fit everything again),
    committing batch by batch so a stopped run resumes without embedding twice; then tell
    the owners of themes that rose."""
    run.analyze(
        session,
        settings=get_settings(),
        full=bool(payload.get("full")),
        checkpoint=session.commit,
    )
    notices.notify_spikes(session)
    voice_section.prepare(session)


@job_handler(REFIT_JOB)
def refit(session: Session, payload: dict[str, Any]) -> None:
    """Fit the themes and sentiment again on every item; new items are analysed too."""
    del payload
    run.analyze(session, settings=get_settings(), full=True, checkpoint=session.commit)
    notices.notify_spikes(session)
    voice_section.prepare(session)


schedule(ANALYZE_JOB, every=timedelta(hours=1))
schedule(REFIT_JOB, every=timedelta(days=7))
