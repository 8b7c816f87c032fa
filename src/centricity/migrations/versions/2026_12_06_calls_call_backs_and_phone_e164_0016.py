"""Calls from the phone system, call-back tasks, and each customer's phone in E.164.

The new `customers.phone_e164` is filled here for every stored phone (with the customer's
country, else `CENTRICITY_PHONE_REGION`), so callers find existing customers at once.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 17:38:45.686787
"""

import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import centricity.db

BATCH = 5_000

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add calls and call-backs; add and fill customers' phone in E.164."""
    op.create_table(
        "call_backs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("open_number", sa.String(length=20), nullable=True),
        sa.Column("missed_calls", sa.Integer(), nullable=False),
        sa.Column("first_missed_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_missed_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=20), nullable=True),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_call_backs_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_call_backs_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_backs")),
        sa.UniqueConstraint("case_id", name=op.f("uq_call_backs_case_id")),
        sa.UniqueConstraint("open_number", name=op.f("uq_call_backs_open_number")),
    )
    with op.batch_alter_table("call_backs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_call_backs_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=95), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("from_number", sa.String(length=80), nullable=False),
        sa.Column("to_number", sa.String(length=80), nullable=False),
        sa.Column("party_e164", sa.String(length=20), nullable=True),
        sa.Column("line_e164", sa.String(length=20), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("tier", sa.String(length=40), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("cause", sa.String(length=40), nullable=True),
        sa.Column("missed", sa.Boolean(), nullable=False),
        sa.Column("started_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("waiting_seconds", sa.Integer(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("callback_id", sa.Integer(), nullable=True),
        sa.Column("called_back_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["callback_id"],
            ["call_backs.id"],
            name=op.f("fk_calls_callback_id_call_backs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_calls_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_calls_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_calls_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("call_id", name=op.f("uq_calls_call_id")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calls_customer_id_started_at", ["customer_id", "started_at"], unique=False
        )
        batch_op.create_index("ix_calls_started_at", ["started_at"], unique=False)
        batch_op.create_index(
            "ix_calls_live_started_at",
            ["started_at"],
            unique=False,
            sqlite_where=sa.text("state != 'ended'"),
            postgresql_where=sa.text("state != 'ended'"),
        )

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_e164", sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f("ix_customers_phone_e164"), ["phone_e164"], unique=False)
    _fill_phone_e164()


def _fill_phone_e164() -> None:
    """Normalise the phones stored before this revision, in batches by id."""
    from centricity.telephony.phones import to_e164

    region = os.environ.get("CENTRICITY_PHONE_REGION", "CZ")
    customers = sa.table(
        "customers",
        sa.column("id", sa.Integer),
        sa.column("phone", sa.String),
        sa.column("country", sa.String),
        sa.column("phone_e164", sa.String),
    )
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(
            sa.select(customers.c.id, customers.c.phone, customers.c.country)
            .where(customers.c.id > last, customers.c.phone.is_not(None))
            .order_by(customers.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        values = [
            {"b_id": r.id, "b_e164": e164}
            for r in rows
            if (e164 := to_e164(r.phone, r.country or region)) is not None
        ]
        if values:
            bind.execute(
                customers.update()
                .where(customers.c.id == sa.bindparam("b_id"))
                .values(phone_e164=sa.bindparam("b_e164")),
                values,
            )


def downgrade() -> None:
    """Drop calls, call-backs and the E.164 phone."""
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_phone_e164"))
        batch_op.drop_column("phone_e164")

    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_live_started_at")
        batch_op.drop_index("ix_calls_started_at")
        batch_op.drop_index("ix_calls_customer_id_started_at")

    op.drop_table("calls")
    with op.batch_alter_table("call_backs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_backs_customer_id"))

    op.drop_table("call_backs")
