"""Text analysis of feedback: each item's language, sentiment and theme beside its words,
its embedding (made once), the themes staff rename, own and give keyword rules, and the
fitted models.

The new `feedback_items` columns are added in place, never by a batch rebuild: the table
may hold millions of rows, and on SQLite a rebuild copies them all.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 03:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import centricity.db

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The `feedback_items` columns: name and type, all nullable.
ITEM_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("sentiment", sa.String(length=10)),
    ("sentiment_probability", sa.Float()),
    ("theme_id", sa.Integer()),
    ("analysed_at", centricity.db.UTCDateTime(timezone=True)),
    ("not_analysable", sa.String(length=40)),
)


def upgrade() -> None:
    """Add the analysis columns, the embeddings, themes and models tables."""
    for name, type_ in ITEM_COLUMNS:
        op.add_column("feedback_items", sa.Column(name, type_, nullable=True))
    op.create_index(
        op.f("ix_feedback_items_theme_id_received_at"),
        "feedback_items",
        ["theme_id", "received_at"],
    )
    op.create_index(op.f("ix_feedback_items_analysed_at"), "feedback_items", ["analysed_at"])
    op.create_table(
        "feedback_embeddings",
        sa.Column("feedback_item_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_item_id"],
            ["feedback_items.id"],
            name=op.f("fk_feedback_embeddings_feedback_item_id_feedback_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feedback_item_id", name=op.f("pk_feedback_embeddings")),
    )
    op.create_table(
        "feedback_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("labels", centricity.db.JSONType, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("keywords", centricity.db.JSONType, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("centroid", sa.LargeBinary(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_user_id"],
            ["users.id"],
            name=op.f("fk_feedback_themes_owner_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_themes")),
    )
    op.create_index(op.f("ix_feedback_themes_status"), "feedback_themes", ["status"])
    op.create_table(
        "feedback_text_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("embedder", sa.String(length=80), nullable=False),
        sa.Column("state", centricity.db.JSONType, nullable=False),
        sa.Column("arrays", sa.LargeBinary(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_text_models")),
    )
    op.create_index(op.f("ix_feedback_text_models_kind_id"), "feedback_text_models", ["kind", "id"])


def downgrade() -> None:
    """Remove what `upgrade` added (the columns in place, SQLite 3.35+)."""
    op.drop_index(op.f("ix_feedback_text_models_kind_id"), table_name="feedback_text_models")
    op.drop_table("feedback_text_models")
    op.drop_index(op.f("ix_feedback_themes_status"), table_name="feedback_themes")
    op.drop_table("feedback_themes")
    op.drop_table("feedback_embeddings")
    op.drop_index(op.f("ix_feedback_items_analysed_at"), table_name="feedback_items")
    op.drop_index(op.f("ix_feedback_items_theme_id_received_at"), table_name="feedback_items")
    for name, _type in reversed(ITEM_COLUMNS):
        op.drop_column("feedback_items", name)
