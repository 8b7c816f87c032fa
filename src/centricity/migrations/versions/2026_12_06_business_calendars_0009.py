"""business calendars, with the 24/7 calendar every installation has

Service-level targets count working time in a calendar: working intervals per weekday, an
IANA time zone, public holidays of one country by category, custom closed and open dates.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import centricity.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _json() -> sa.JSON:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    """Create the calendars table and the default 24/7 calendar."""
    calendars = op.create_table(
        "calendars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column(
            "hours",
            _json(),
            nullable=False,
        ),
        sa.Column("holiday_country", sa.String(length=8), nullable=True),
        sa.Column(
            "holiday_categories",
            _json(),
            nullable=False,
        ),
        sa.Column(
            "closed_dates",
            _json(),
            nullable=False,
        ),
        sa.Column(
            "open_dates",
            _json(),
            nullable=False,
        ),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendars")),
        sa.UniqueConstraint("name", name=op.f("uq_calendars_name")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        calendars,
        [
            {
                "name": "24/7",
                "time_zone": "UTC",
                "hours": {day: [["00:00", "24:00"]] for day in WEEKDAYS},
                "holiday_country": None,
                "holiday_categories": ["public"],
                "closed_dates": [],
                "open_dates": [],
                "created_at": now,
                "updated_at": now,
            }
        ],
    )


def downgrade() -> None:
    """Drop the calendars table."""
    op.drop_table("calendars")
