"""REST API of the text analysis: themes (read; managers rename, own, give keyword rules,
merge and split), the drivers of NPS or CSAT, and the themes rising now."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal

from fastapi import Query
from sqlalchemy import select

from centricity.accounts.models import Role, User
from centricity.feedback.analysis import edits, insights
from centricity.feedback.analysis.models import Theme
from centricity.feedback.analysis.schemas import (
    DriverPage,
    DriverRead,
    QuoteRead,
    SpikeRead,
    ThemeMerge,
    ThemePage,
    ThemeRead,
    ThemeUpdate,
)
from centricity.kit import i18n
from centricity.web.api import PathId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "voice themes")
From = Annotated[date | None, Query(alias="from")]
To = Annotated[date | None, Query(alias="to")]


def period(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Days `from` to `to` (UTC, both included) as instants: [start, end + 1 day)."""
    begin = datetime.combine(start, time(), UTC) if start else None
    finish = datetime.combine(end, time(), UTC) + timedelta(days=1) if end else None
    return begin, finish


def _read(view: insights.ThemeView) -> ThemeRead:
    return ThemeRead(
        id=view.id,
        label=view.label,
        name=view.name,
        owner_user_id=view.owner_user_id,
        keywords=view.keywords,
        size=view.size,
        languages=view.languages,
        sentiments=view.sentiments,
        average_score=view.average_score,
        weekly=view.weekly,
        trend=view.trend,
        examples=[QuoteRead(id=q.id, text=q.text, language=q.language) for q in view.examples],
    )


def unthemed_share(session: DbSession) -> float | None:
    """The share of analysed, analysable items that are in no theme."""
    return insights.unthemed_share(session)


@router.get("/voice/themes", response_model=ThemePage)
def list_themes(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    start: From = None,
    end: To = None,
) -> ThemePage:
    """Every active theme, the largest first: `label` in the caller's language (a name
    staff gave wins), `size` and counts per language (`languages`) and `sentiments` of its
    items received from `from` to `to` (days, UTC; default all time), `average_score` on a
    0–10 scale, `weekly` counts of the last eight weeks with their `trend`, and up to three
    `examples` in the customers' own words (only items the caller may see)."""
    begin, finish = period(start, end)
    views = insights.themes(
        session, actor=user, language=i18n.current().language, start=begin, end=finish
    )
    return ThemePage(items=[_read(v) for v in views], unthemed_share=unthemed_share(session))


@router.get("/voice/themes/{theme_id}", response_model=ThemeRead)
def get_theme(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], theme_id: PathId
) -> ThemeRead:
    """One theme (retired and merged ones too, with their last figures)."""
    theme = edits.get(session, theme_id)
    views = insights.themes(
        session, actor=user, language=i18n.current().language, include_retired=True
    )
    found = next((v for v in views if v.id == theme.id), None)
    assert found is not None
    return _read(found)


@router.patch("/voice/themes/{theme_id}", response_model=ThemeRead)
def update_theme(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    theme_id: PathId,
    data: ThemeUpdate,
) -> ThemeRead:
    """Rename the theme (`name`; null: the automatic label again), give it an owner (who
    is told of its spikes; null: none) or keyword rules (an item with every word of a
    phrase belongs to the theme, whatever its meaning vector says)."""
    given = data.model_fields_set
    edits.update_theme(
        session,
        theme=edits.get(session, theme_id),
        actor=user,
        name=data.name,
        clear_name="name" in given and data.name is None,
        owner_user_id=data.owner_user_id,
        clear_owner="owner_user_id" in given and data.owner_user_id is None,
        keywords=data.keywords,
        keyword_language=data.keyword_language or i18n.current().language,
    )
    return get_theme(session, user, theme_id)


@router.post("/voice/themes/{theme_id}/merge", response_model=ThemeRead)
def merge_theme(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    theme_id: PathId,
    data: ThemeMerge,
) -> ThemeRead:
    """Merge this theme into `into`: its items and rules move; this one stays as merged."""
    keep = edits.merge(
        session,
        keep=edits.get(session, data.into),
        absorb=edits.get(session, theme_id),
        actor=user,
    )
    return get_theme(session, user, keep.id)


@router.post("/voice/themes/{theme_id}/split", response_model=ThemeRead, status_code=201)
def split_theme(
    session: DbSession, user: Annotated[User, require_api(Role.MANAGER)], theme_id: PathId
) -> ThemeRead:
    """Split the theme in two by meaning; answers the new theme (this one keeps its name)."""
    new_theme = edits.split(session, theme=edits.get(session, theme_id), actor=user)
    return get_theme(session, user, new_theme.id)


@router.get("/voice/drivers", response_model=DriverPage)
def list_drivers(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    metric: Literal["nps", "csat"] = "nps",
    start: From = None,
    end: To = None,
) -> DriverPage:
    """Which themes pull NPS (0–10 answers) or CSAT (1–5) down most: `effect` in score
    points per item against items in no theme of the same channel (source), 95 % interval
    (`ci_low`, `ci_high`, robust HC3 errors), `significant` when the interval excludes 0
    (others are listed, marked, not zeroed), relative importance (`relative_weight`,
    `shapley`: shares of `r_squared`)."""
    del user
    begin, finish = period(start, end)
    found = insights.drivers(
        session, metric=metric, language=i18n.current().language, start=begin, end=finish
    )
    items = [DriverRead(**vars(driver)) for driver in found.items]
    return DriverPage(
        metric=found.metric, r_squared=found.r_squared, n_items=found.n_items, items=items
    )


@router.get("/voice/spikes", response_model=list[SpikeRead])
def list_spikes(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)]
) -> list[SpikeRead]:
    """Themes rising significantly now: the last day against the 7 before, the last week
    against the 28 before, by their share of all items (one-sided exact test, at least 5
    items, Benjamini–Hochberg across themes)."""
    del user
    titles = {
        t.id: insights.title_in(t, i18n.current().language) for t in session.scalars(select(Theme))
    }
    return [
        SpikeRead(label=titles.get(s.theme_id, ""), **vars(s)) for s in insights.spikes(session)
    ]
