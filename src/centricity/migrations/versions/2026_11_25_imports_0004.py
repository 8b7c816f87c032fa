"""imports: jobs with checkpoints, quarantine, natural keys, idempotency keys, merges

The importer commits each batch together with its job checkpoint and quarantined rows;
the ingest API remembers idempotency keys per token; duplicate customers are reviewed
as pairs and merged with a record of what the duplicate looked like.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 23:02:55.975980
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import centricity.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the import bookkeeping and duplicate-review tables."""
    op.create_table(
        "import_record_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_record_keys")),
        sa.UniqueConstraint("kind", "key_hash", name=op.f("uq_import_record_keys_kind")),
    )
    op.create_table(
        "customer_duplicate_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_a_id", sa.Integer(), nullable=False),
        sa.Column("customer_b_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("found_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dismissed_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("dismissed_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_a_id"],
            ["customers.id"],
            name=op.f("fk_customer_duplicate_pairs_customer_a_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_b_id"],
            ["customers.id"],
            name=op.f("fk_customer_duplicate_pairs_customer_b_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dismissed_by_user_id"],
            ["users.id"],
            name=op.f("fk_customer_duplicate_pairs_dismissed_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_duplicate_pairs")),
        sa.UniqueConstraint(
            "customer_a_id", "customer_b_id", name=op.f("uq_customer_duplicate_pairs_customer_a_id")
        ),
    )
    with op.batch_alter_table("customer_duplicate_pairs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_duplicate_pairs_customer_b_id"), ["customer_b_id"], unique=False
        )

    op.create_table(
        "customer_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("duplicate_id", sa.Integer(), nullable=False),
        sa.Column("duplicate_external_id", sa.String(length=100), nullable=True),
        sa.Column(
            "snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "moved",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("merged_by_user_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_by_user_id"],
            ["users.id"],
            name=op.f("fk_customer_merges_merged_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"],
            ["customers.id"],
            name=op.f("fk_customer_merges_survivor_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_merges")),
    )
    with op.batch_alter_table("customer_merges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_merges_duplicate_external_id"),
            ["duplicate_external_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_customer_merges_survivor_id"), ["survivor_id"], unique=False
        )

    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("source_format", sa.String(length=10), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("checkpoint_records", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=True),
        sa.Column("heartbeat_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("stored_path", sa.String(length=500), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_import_jobs_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_jobs_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_import_jobs_created_by_user_id"), ["created_by_user_id"], unique=False
        )
        batch_op.create_index(
            "ix_import_jobs_fingerprint_status", ["fingerprint", "status"], unique=False
        )

    op.create_table(
        "import_idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column(
            "response_body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_tokens.id"],
            name=op.f("fk_import_idempotency_keys_token_id_api_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_idempotency_keys")),
        sa.UniqueConstraint("token_id", "key", name=op.f("uq_import_idempotency_keys_token_id")),
    )
    with op.batch_alter_table("import_idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_idempotency_keys_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "import_quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["import_jobs.id"],
            name=op.f("fk_import_quarantine_job_id_import_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_quarantine")),
    )
    with op.batch_alter_table("import_quarantine", schema=None) as batch_op:
        batch_op.create_index("ix_import_quarantine_job_id_line", ["job_id", "line"], unique=False)


def downgrade() -> None:
    """Drop the import bookkeeping and duplicate-review tables."""
    with op.batch_alter_table("import_quarantine", schema=None) as batch_op:
        batch_op.drop_index("ix_import_quarantine_job_id_line")

    op.drop_table("import_quarantine")
    with op.batch_alter_table("import_idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_idempotency_keys_expires_at"))

    op.drop_table("import_idempotency_keys")
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_import_jobs_fingerprint_status")
        batch_op.drop_index(batch_op.f("ix_import_jobs_created_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_import_jobs_created_at"))

    op.drop_table("import_jobs")
    with op.batch_alter_table("customer_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_merges_survivor_id"))
        batch_op.drop_index(batch_op.f("ix_customer_merges_duplicate_external_id"))

    op.drop_table("customer_merges")
    with op.batch_alter_table("customer_duplicate_pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_duplicate_pairs_customer_b_id"))

    op.drop_table("customer_duplicate_pairs")
    op.drop_table("import_record_keys")
