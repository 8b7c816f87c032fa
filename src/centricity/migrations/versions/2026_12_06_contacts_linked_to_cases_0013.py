"""Contacts linked to cases: the calls and messages of the contact log that belong to a case.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 13:15:34.399547
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import centricity.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the table linking contacts to cases."""
    op.create_table(
        "case_interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("linked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("linked_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_interactions_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_case_interactions_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_user_id"],
            ["users.id"],
            name=op.f("fk_case_interactions_linked_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_interactions")),
        sa.UniqueConstraint("case_id", "interaction_id", name=op.f("uq_case_interactions_case_id")),
    )
    with op.batch_alter_table("case_interactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_interactions_interaction_id", ["interaction_id"], unique=False
        )


def downgrade() -> None:
    """Drop the table linking contacts to cases."""
    with op.batch_alter_table("case_interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_case_interactions_interaction_id")
    op.drop_table("case_interactions")
