"""Feedback items from every source: score on its scale, text as written, language, links
to the case, contact or order, and unique links to a marked note or case message.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 20:22:31.456589
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import centricity.db

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the feedback items table."""
    op.create_table(
        "feedback_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("scale", sa.String(length=10), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=3), nullable=True),
        sa.Column("received_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("survey_response_id", sa.Integer(), nullable=True),
        sa.Column("marked_interaction_id", sa.Integer(), nullable=True),
        sa.Column("marked_case_message_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_feedback_items_case_id_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_feedback_items_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_feedback_items_interaction_id_interactions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["marked_case_message_id"],
            ["case_messages.id"],
            name=op.f("fk_feedback_items_marked_case_message_id_case_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["marked_interaction_id"],
            ["interactions.id"],
            name=op.f("fk_feedback_items_marked_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_feedback_items_order_id_orders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["users.id"],
            name=op.f("fk_feedback_items_recorded_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_items")),
        sa.UniqueConstraint(
            "marked_case_message_id", name=op.f("uq_feedback_items_marked_case_message_id")
        ),
        sa.UniqueConstraint(
            "marked_interaction_id", name=op.f("uq_feedback_items_marked_interaction_id")
        ),
        sa.UniqueConstraint(
            "source", "external_id", name=op.f("uq_feedback_items_source_external_id")
        ),
    )
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_items_case_id", ["case_id"], unique=False)
        batch_op.create_index(
            "ix_feedback_items_customer_id_received_at",
            ["customer_id", "received_at"],
            unique=False,
        )
        batch_op.create_index("ix_feedback_items_interaction_id", ["interaction_id"], unique=False)
        batch_op.create_index("ix_feedback_items_order_id", ["order_id"], unique=False)
        batch_op.create_index("ix_feedback_items_received_at", ["received_at"], unique=False)
        batch_op.create_index(
            "ix_feedback_items_survey_response_id", ["survey_response_id"], unique=False
        )


def downgrade() -> None:
    """Drop the feedback items table."""
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_items_survey_response_id")
        batch_op.drop_index("ix_feedback_items_received_at")
        batch_op.drop_index("ix_feedback_items_order_id")
        batch_op.drop_index("ix_feedback_items_interaction_id")
        batch_op.drop_index("ix_feedback_items_customer_id_received_at")
        batch_op.drop_index("ix_feedback_items_case_id")

    op.drop_table("feedback_items")
