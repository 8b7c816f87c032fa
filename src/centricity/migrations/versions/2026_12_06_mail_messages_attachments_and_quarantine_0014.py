"""The mail channel: messages received and sent on cases, their attachments, and mail
that could not be read (kept raw for an admin).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 15:45:03.988644
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import centricity.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the mail tables: `mail_messages` is also the threading index (Message-IDs)."""
    op.create_table(
        "mail_quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("sender", sa.String(length=254), nullable=True),
        sa.Column("received_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_quarantine")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_mail_quarantine_content_hash")),
    )
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("mailbox", sa.String(length=100), nullable=False),
        sa.Column("uid_validity", sa.BigInteger(), nullable=True),
        sa.Column("uid", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.String(length=250), nullable=True),
        sa.Column("dedupe_key", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("case_message_id", sa.Integer(), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("from_address", sa.String(length=254), nullable=True),
        sa.Column("from_name", sa.String(length=200), nullable=False),
        sa.Column(
            "to_addresses",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("in_reply_to", sa.String(length=250), nullable=True),
        sa.Column(
            "references",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.Column("received_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_mail_messages_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_message_id"],
            ["case_messages.id"],
            name=op.f("fk_mail_messages_case_message_id_case_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_mail_messages_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_mail_messages_outbox_message_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_mail_messages_dedupe_key")),
        sa.UniqueConstraint(
            "mailbox", "uid_validity", "uid", name=op.f("uq_mail_messages_mailbox")
        ),
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index("ix_mail_messages_case_id", ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mail_messages_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_mail_messages_from_address_received_at",
            ["from_address", "received_at"],
            unique=False,
        )
        batch_op.create_index("ix_mail_messages_message_id", ["message_id"], unique=False)

    op.create_table(
        "mail_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mail_message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("refused", sa.String(length=40), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mail_message_id"],
            ["mail_messages.id"],
            name=op.f("fk_mail_attachments_mail_message_id_mail_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_attachments")),
    )
    with op.batch_alter_table("mail_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mail_attachments_mail_message_id"), ["mail_message_id"], unique=False
        )


def downgrade() -> None:
    """Drop the mail tables."""
    with op.batch_alter_table("mail_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_attachments_mail_message_id"))

    op.drop_table("mail_attachments")
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_messages_message_id")
        batch_op.drop_index("ix_mail_messages_from_address_received_at")
        batch_op.drop_index(batch_op.f("ix_mail_messages_customer_id"))
        batch_op.drop_index("ix_mail_messages_case_id")

    op.drop_table("mail_messages")
    op.drop_table("mail_quarantine")
