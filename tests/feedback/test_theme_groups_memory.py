"""The themes by value tier are remembered per data version and value run: the same table
while nothing changed, a new one as soon as an item arrives."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.config import Settings
from centricity.feedback.analysis import segments
from centricity.feedback.models import FeedbackItem
from theme_data import analysed_store


def test_it_remembers_the_table_until_an_item_arrives(db: Session, settings: Settings) -> None:
    analysed_store(db, settings)
    first = segments.themes_by_group(db, language="en")
    assert segments.themes_by_group(db, language="en") is first
    row = first.rows[0]
    sample = db.scalar(select(FeedbackItem).where(FeedbackItem.theme_id == row.theme_id))
    assert sample is not None
    db.add(
        FeedbackItem(
            customer_id=sample.customer_id,
            source="review",
            text="Again late.",
            language="en",
            received_at=datetime.now(UTC),
            theme_id=row.theme_id,
        )
    )
    db.flush()
    after = segments.themes_by_group(db, language="en")
    assert after is not first
    totals = {r.theme_id: r.total for r in after.rows}
    assert totals[row.theme_id] == row.total + 1
    themed = db.scalar(select(func.count()).where(FeedbackItem.theme_id.is_not(None)))
    assert sum(totals.values()) == themed
