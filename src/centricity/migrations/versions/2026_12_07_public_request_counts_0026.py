"""The public pages' request counts per address and time slice, instead of one
`login_failures` row per request.

Counting one row per request made the public limit read every request of the address in
its window: at 100 survey answers/s from one address (a company's proxy, the benchmark's
load generator) 7,500 index entries and their rows per answer, 2-3 ms of PostgreSQL's CPU
each time. A count per five-second slice is at most 13 rows to sum.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import centricity.db

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the counts table; the public requests counted the old way are dropped (they
    only ever counted for the minute of their window)."""
    op.create_table(
        "public_request_counts",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("slice_start", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", "slice_start", name=op.f("pk_public_request_counts")),
    )
    op.create_index(
        op.f("ix_public_request_counts_slice_start"), "public_request_counts", ["slice_start"]
    )
    op.execute("DELETE FROM login_failures WHERE scope = 'public'")


def downgrade() -> None:
    """Drop the counts table (the old code counts afresh from its next request)."""
    op.drop_index(op.f("ix_public_request_counts_slice_start"), table_name="public_request_counts")
    op.drop_table("public_request_counts")
