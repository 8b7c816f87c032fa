"""customer value scores (per-customer results of `centricity analyze`, kept per run)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 22:45:36.658150
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create customer_values (and, on SQLite, the covering index the analysis scans)."""
    op.create_table(
        "customer_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("as_of_date", sa.Date(), nullable=False),
        sa.Column("orders_count", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.Integer(), nullable=False),
        sa.Column("recency_days", sa.Integer(), nullable=False),
        sa.Column("tenure_days", sa.Integer(), nullable=False),
        sa.Column("days_since_last_order", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.Column("margin", sa.Float(), nullable=False),
        sa.Column("monetary_value", sa.Float(), nullable=False),
        sa.Column("r_score", sa.Integer(), nullable=False),
        sa.Column("f_score", sa.Integer(), nullable=False),
        sa.Column("m_score", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=40), nullable=False),
        sa.Column("probability_alive", sa.Float(), nullable=True),
        sa.Column("expected_purchases_90d", sa.Float(), nullable=True),
        sa.Column("expected_spend", sa.Float(), nullable=True),
        sa.Column("clv", sa.Float(), nullable=True),
        sa.Column("contacts_count", sa.Integer(), nullable=False),
        sa.Column("cost_to_serve", sa.Float(), nullable=False),
        sa.Column("historic_profit", sa.Float(), nullable=False),
        sa.Column("predicted_profit", sa.Float(), nullable=True),
        sa.Column("tier", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_values_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["analytics_runs.id"],
            name=op.f("fk_customer_values_run_id_analytics_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_values")),
        sa.UniqueConstraint("run_id", "customer_id", name=op.f("uq_customer_values_run_id")),
    )
    with op.batch_alter_table("customer_values", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customer_values_customer_id_run_id", ["customer_id", "run_id"], unique=False
        )
        batch_op.create_index(
            "ix_customer_values_run_id_segment", ["run_id", "segment"], unique=False
        )
        batch_op.create_index("ix_customer_values_run_id_tier", ["run_id", "tier"], unique=False)
    op.create_index(
        "ix_interactions_value_contacts",
        "interactions",
        ["customer_id", "channel", "started_at", "duration_seconds"],
    )
    if op.get_bind().dialect.name == "sqlite":
        # Per-customer order aggregates scan this in order, with no sort (analytics/io.py).
        op.execute(
            "CREATE INDEX ix_orders_value_days ON orders "
            "(customer_id, date(ordered_at), status, total_amount, cost)"
        )


def downgrade() -> None:
    """Drop customer_values and the analysis index."""
    op.execute("DROP INDEX IF EXISTS ix_orders_value_days")
    op.drop_index("ix_interactions_value_contacts", table_name="interactions")
    with op.batch_alter_table("customer_values", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_values_run_id_tier")
        batch_op.drop_index("ix_customer_values_run_id_segment")
        batch_op.drop_index("ix_customer_values_customer_id_run_id")

    op.drop_table("customer_values")
