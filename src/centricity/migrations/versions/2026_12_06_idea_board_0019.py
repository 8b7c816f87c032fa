"""The idea board: ideas, one requester per (idea, customer) with each request under it,
status changes, and merges with the requests each moved (so a merge can be undone exactly).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 20:21:08.728562
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import centricity.db

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the ideas, requesters, requests, status changes, merges and merge moves tables."""
    op.create_table(
        "ideas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_ideas_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["ideas.id"],
            name=op.f("fk_ideas_merged_into_id_ideas"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ideas")),
    )
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ideas_merged_into_id"), ["merged_into_id"], unique=False
        )
        batch_op.create_index("ix_ideas_status_created_at", ["status", "created_at"], unique=False)

    op.create_table(
        "idea_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("duplicate_id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_by_user_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("undone_by_user_id", sa.Integer(), nullable=True),
        sa.Column("undone_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["duplicate_id"],
            ["ideas.id"],
            name=op.f("fk_idea_merges_duplicate_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["merged_by_user_id"],
            ["users.id"],
            name=op.f("fk_idea_merges_merged_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"],
            ["ideas.id"],
            name=op.f("fk_idea_merges_survivor_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_user_id"],
            ["users.id"],
            name=op.f("fk_idea_merges_undone_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_merges")),
    )
    with op.batch_alter_table("idea_merges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idea_merges_duplicate_id"), ["duplicate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_idea_merges_survivor_id"), ["survivor_id"], unique=False
        )

    op.create_table(
        "idea_requesters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("importance", sa.String(length=20), nullable=False),
        sa.Column("first_requested_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_idea_requesters_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_idea_requesters_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_requesters")),
        sa.UniqueConstraint("idea_id", "customer_id", name=op.f("uq_idea_requesters_idea_id")),
    )
    with op.batch_alter_table("idea_requesters", schema=None) as batch_op:
        batch_op.create_index("ix_idea_requesters_customer_id", ["customer_id"], unique=False)

    op.create_table(
        "idea_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("changed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_user_id"],
            ["users.id"],
            name=op.f("fk_idea_status_changes_changed_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_idea_status_changes_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_status_changes")),
    )
    with op.batch_alter_table("idea_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idea_status_changes_idea_id"), ["idea_id"], unique=False
        )

    op.create_table(
        "idea_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("importance", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("feedback_id", sa.Integer(), nullable=True),
        sa.Column("added_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_user_id"],
            ["users.id"],
            name=op.f("fk_idea_requests_added_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_idea_requests_case_id_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_idea_requests_interaction_id_interactions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["idea_requesters.id"],
            name=op.f("fk_idea_requests_requester_id_idea_requesters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_requests")),
    )
    with op.batch_alter_table("idea_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idea_requests_requester_id"), ["requester_id"], unique=False
        )

    op.create_table(
        "idea_merge_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merge_id"],
            ["idea_merges.id"],
            name=op.f("fk_idea_merge_moves_merge_id_idea_merges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["idea_requests.id"],
            name=op.f("fk_idea_merge_moves_request_id_idea_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_merge_moves")),
        sa.UniqueConstraint("merge_id", "request_id", name=op.f("uq_idea_merge_moves_merge_id")),
    )
    with op.batch_alter_table("idea_merge_moves", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idea_merge_moves_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:
    """Drop the idea board's tables."""
    with op.batch_alter_table("idea_merge_moves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_merge_moves_request_id"))

    op.drop_table("idea_merge_moves")
    with op.batch_alter_table("idea_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_requests_requester_id"))

    op.drop_table("idea_requests")
    with op.batch_alter_table("idea_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_status_changes_idea_id"))

    op.drop_table("idea_status_changes")
    with op.batch_alter_table("idea_requesters", schema=None) as batch_op:
        batch_op.drop_index("ix_idea_requesters_customer_id")

    op.drop_table("idea_requesters")
    with op.batch_alter_table("idea_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_merges_survivor_id"))
        batch_op.drop_index(batch_op.f("ix_idea_merges_duplicate_id"))

    op.drop_table("idea_merges")
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_index("ix_ideas_status_created_at")
        batch_op.drop_index(batch_op.f("ix_ideas_merged_into_id"))

    op.drop_table("ideas")
