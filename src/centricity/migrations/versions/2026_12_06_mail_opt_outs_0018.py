"""Customers' refusals of optional mail (survey invitations, idea notices), one row per
customer and topic.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 20:18:55.008812
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import centricity.db

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the mail opt-outs table."""
    op.create_table(
        "mail_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=30), nullable=False),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_mail_opt_outs_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_opt_outs")),
        sa.UniqueConstraint("customer_id", "topic", name=op.f("uq_mail_opt_outs_customer_id")),
    )


def downgrade() -> None:
    """Drop the mail opt-outs table."""
    op.drop_table("mail_opt_outs")
