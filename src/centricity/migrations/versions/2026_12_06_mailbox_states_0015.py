"""How reading each configured mailbox goes: failures in a row, the last error, the last
good fetch (an admin is told when a mailbox keeps failing).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 16:17:23.459413
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import centricity.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the table of mailbox states."""
    op.create_table(
        "mail_mailbox_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("failing_since", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("last_success_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_mailbox_states")),
        sa.UniqueConstraint("mailbox", name=op.f("uq_mail_mailbox_states_mailbox")),
    )


def downgrade() -> None:
    """Drop the table of mailbox states."""
    op.drop_table("mail_mailbox_states")
