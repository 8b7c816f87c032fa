"""Survey campaigns: the campaigns, the customers each has taken on (one row per campaign
and customer), and the campaign of every invitation and skip.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 23:15:13.813230
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import centricity.db

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the campaign tables and the campaign of invitations and skips."""
    op.create_table(
        "survey_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("trigger", sa.String(length=30), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("delay_hours", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=40), nullable=True),
        sa.Column("tier", sa.String(length=40), nullable=True),
        sa.Column("send", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_survey_campaigns_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_survey_campaigns_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_campaigns_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_campaigns")),
    )
    with op.batch_alter_table("survey_campaigns", schema=None) as batch_op:
        batch_op.create_index(
            "ix_survey_campaigns_trigger_active", ["trigger", "active"], unique=False
        )

    op.create_table(
        "survey_campaign_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["survey_campaigns.id"],
            name=op.f("fk_survey_campaign_recipients_campaign_id_survey_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_survey_campaign_recipients_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_campaign_recipients")),
        sa.UniqueConstraint(
            "campaign_id", "customer_id", name=op.f("uq_survey_campaign_recipients_campaign_id")
        ),
    )
    with op.batch_alter_table("survey_campaign_recipients", schema=None) as batch_op:
        batch_op.create_index(
            "ix_survey_campaign_recipients_customer_id", ["customer_id"], unique=False
        )

    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_survey_invitations_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_invitations_campaign_id_survey_campaigns"),
            "survey_campaigns",
            ["campaign_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("survey_skips", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_survey_skips_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_skips_campaign_id_survey_campaigns"),
            "survey_campaigns",
            ["campaign_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    """Drop the campaign tables and columns."""
    with op.batch_alter_table("survey_skips", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_survey_skips_campaign_id_survey_campaigns"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_survey_skips_campaign_id"))
        batch_op.drop_column("campaign_id")

    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_survey_invitations_campaign_id_survey_campaigns"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_survey_invitations_campaign_id"))
        batch_op.drop_column("campaign_id")

    with op.batch_alter_table("survey_campaign_recipients", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_campaign_recipients_customer_id")

    op.drop_table("survey_campaign_recipients")
    with op.batch_alter_table("survey_campaigns", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_campaigns_trigger_active")

    op.drop_table("survey_campaigns")
