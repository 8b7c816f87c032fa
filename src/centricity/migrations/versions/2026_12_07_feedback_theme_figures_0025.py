"""An index the theme figures of the Voice page read without touching the table: per theme,
its items' language, sentiment, scale, score and customer.

At a million analysed items SQLite counted items by theme and language through the
`(theme_id, received_at)` index and a table read per item: 2.4 s each for the counts by
language and by sentiment; from this index they are a scan of its entries.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 09:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["theme_id", "language", "sentiment", "scale", "score", "customer_id"]


def upgrade() -> None:
    """Add the theme figures' covering index."""
    op.create_index(op.f("ix_feedback_items_theme_figures"), "feedback_items", COLUMNS)


def downgrade() -> None:
    """Remove it."""
    op.drop_index(op.f("ix_feedback_items_theme_figures"), table_name="feedback_items")
