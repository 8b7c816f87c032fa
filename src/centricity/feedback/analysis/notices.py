"""Spike notices: the owner of a theme that rises significantly is told, once per theme,
window and day, with a link to the theme's page (`voice.spike`). Called at the end of the
analysis jobs and of `centricity voice analyze`, so a spike is noticed the day it happens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.feedback.analysis import insights
from centricity.feedback.analysis.models import Theme
from centricity.kit.i18n import noop, pnoop, register_labels
from centricity.kit.time import utcnow
from centricity.notifications import service as notifications
from centricity.notifications.service import NoticeKind

KIND = "voice.spike"
register_labels("notice kind", {KIND: pnoop("notice kind", "A theme of feedback is rising")})
SPIKE = notifications.register_kind(
    NoticeKind(
        kind=KIND,
        title=noop("Theme “%(theme)s” is rising"),
        body=noop(
            "%(window)s — items about “%(theme)s”: %(count)s, ×%(ratio)s the theme's usual "
            "share of all feedback. Read what customers said on the theme's page."
        ),
    )
)


def notify_spikes(session: Session, as_of: datetime | None = None) -> int:
    """Tell each spiking theme's owner (an active user) about the spike, once per theme,
    window and UTC day (the outbox's dedupe key), and answer how many notices were new."""
    as_of = as_of or utcnow()
    found = insights.spikes(session, as_of=as_of)
    if not found:
        return 0
    themes = {
        theme.id: theme
        for theme in session.scalars(
            select(Theme).where(Theme.id.in_({spike.theme_id for spike in found}))
        )
    }
    given = 0
    for spike in found:
        theme = themes.get(spike.theme_id)
        owner = session.get(User, theme.owner_user_id) if theme and theme.owner_user_id else None
        if theme is None or owner is None or not owner.is_active or theme.status != "active":
            continue
        notice = notifications.notify(
            session,
            user=owner,
            kind=KIND,
            params={
                "theme": theme.title,
                "count": spike.recent_count,
                "window": {"label": ["spike window", spike.window]},
                "ratio": round(spike.ratio, 1) if spike.ratio is not None else "-",
            },
            dedupe_key=f"{KIND}:{theme.id}:{spike.window}:{as_of.date().isoformat()}",
            link=f"/voice/themes/{theme.id}",
            now=as_of if as_of <= utcnow() else None,
        )
        given += notice is not None
    return given
