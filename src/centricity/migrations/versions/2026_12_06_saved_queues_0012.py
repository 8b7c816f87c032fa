"""Saved case views: the queue filters a member of staff keeps under a name.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 12:50:53.103671
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import centricity.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the table of saved queue filters."""
    op.create_table(
        "saved_queues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("query", sa.String(length=1000), nullable=False),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_saved_queues_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_queues")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_saved_queues_user_id")),
    )


def downgrade() -> None:
    """Drop the table of saved queue filters."""
    op.drop_table("saved_queues")
