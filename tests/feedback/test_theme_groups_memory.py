"""The Voice page's company figures are remembered per data version: a new item that the
analysis has not reached yet leaves them (and their version) as they were, so a manager
opening the page while customers keep answering is not made to wait for a recount; an
analysed item, a stored model or an edited theme gives new ones. `voice_section.prepare`
computes them after an analysis so the page then reads no grouped figure from the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.config import Settings
from centricity.feedback.analysis import insights, segments, voice_section
from centricity.feedback.analysis.models import TextModel, Theme
from centricity.feedback.models import FeedbackItem
from theme_data import analysed_store, grouped_reads


def _new_item(db: Session, theme_id: int | None, *, analysed: bool) -> FeedbackItem:
    sample = db.scalar(select(FeedbackItem).where(FeedbackItem.theme_id.is_not(None)).limit(1))
    assert sample is not None
    later = datetime.now(UTC) + timedelta(seconds=5)
    item = FeedbackItem(
        customer_id=sample.customer_id,
        source="review",
        text="Again late.",
        language="en",
        score=2,
        scale="nps",
        received_at=datetime.now(UTC),
        theme_id=theme_id,
        analysed_at=later if analysed else None,
        sentiment="negative" if analysed else None,
    )
    db.add(item)
    db.flush()
    return item


def test_a_new_item_leaves_the_figures_until_it_is_analysed(
    db: Session, settings: Settings
) -> None:
    analysed_store(db, settings)
    insights._MEMORY.clear()
    first = segments.themes_by_group(db, language="en")
    drivers = insights.drivers(db, metric="nps", language="en")
    version = insights.data_version(db)
    row = first.rows[0]

    _new_item(db, None, analysed=False)  # as a survey answer or the API stores it
    assert insights.data_version(db) == version
    with grouped_reads(db) as seen:
        assert segments.themes_by_group(db, language="en") == first
        assert insights.drivers(db, metric="nps", language="en") == drivers
    assert seen == []

    _new_item(db, row.theme_id, analysed=True)  # as the analysis leaves it
    assert insights.data_version(db) != version
    after = segments.themes_by_group(db, language="en")
    totals = {r.theme_id: r.total for r in after.rows}
    assert totals[row.theme_id] == row.total + 1
    themed = db.scalar(select(func.count()).where(FeedbackItem.theme_id.is_not(None)))
    assert sum(totals.values()) == themed
    rescored = insights.drivers(db, metric="nps", language="en")
    assert rescored.n_items == drivers.n_items + 1


def test_drivers_and_spikes_count_analysed_items_only(db: Session, settings: Settings) -> None:
    analysed_store(db, settings)
    scored = select(func.count()).where(
        FeedbackItem.scale == "nps",
        FeedbackItem.score.is_not(None),
        FeedbackItem.analysed_at.is_not(None),
    )
    before = db.scalar(scored)
    _new_item(db, None, analysed=False)
    insights._MEMORY.clear()
    assert insights.drivers(db, metric="nps", language="en").n_items == before
    # The spike windows end at the hour after the last analysis, not at the newest item.
    version = insights.data_version(db)
    end = insights.figures_end(version)
    assert version[0] < end <= version[0] + timedelta(hours=1)


def test_a_stored_model_or_an_edited_theme_moves_the_version(
    db: Session, settings: Settings
) -> None:
    analysed_store(db, settings)
    version = insights.data_version(db)
    latest = db.scalar(select(TextModel).order_by(TextModel.id.desc()).limit(1))
    assert latest is not None
    db.add(
        TextModel(
            kind=latest.kind,
            embedder=latest.embedder,
            version=latest.version,
            state=latest.state,
            arrays=latest.arrays,
        )
    )
    db.flush()
    moved = insights.data_version(db)
    assert moved != version
    theme = db.scalar(select(Theme).where(Theme.status == "active").limit(1))
    assert theme is not None
    theme.keywords = ["zpoždění"]
    db.flush()
    assert insights.data_version(db) != moved


def test_labels_follow_the_viewer_from_one_remembered_table(
    db: Session, settings: Settings
) -> None:
    analysed_store(db, settings)
    insights._MEMORY.clear()
    english = segments.themes_by_group(db, language="en")
    with grouped_reads(db) as seen:
        czech = segments.themes_by_group(db, language="cs")
    assert seen == []
    themes = {t.id: t for t in db.scalars(select(Theme))}
    assert [r.label for r in czech.rows] == [
        insights.title_in(themes[r.theme_id], "cs") for r in english.rows
    ]
    assert [r.cells for r in czech.rows] == [r.cells for r in english.rows]


def test_prepare_leaves_the_page_nothing_to_group(
    db: Session, settings: Settings, personas: Any
) -> None:
    analysed_store(db, settings)
    insights._MEMORY.clear()
    voice_section.prepare(db)
    with grouped_reads(db) as seen:
        shown = voice_section.section(db, personas.admin, language="sv", metric="csat")
    assert seen == []
    assert shown["themes"] and shown["tier_table"].rows
    assert shown["unthemed_share"] is not None
