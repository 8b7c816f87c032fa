"""The closed loop: a follow-up record beside each follow-up task (outcome, root cause,
first close, recovery question), the editable root causes seeded in six languages, and
the surveys' `purpose` that marks the system's recovery survey. Follow-up tasks opened
before this revision get their record here, their first close from the case history.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 23:18:27.707921
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import centricity.db

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The first root causes, named in the six languages; managers rename or switch them off.
DEFAULT_ROOT_CAUSES = [
    {
        "en": "Product quality",
        "cs": "Kvalita produktu",
        "sv": "Produktkvalitet",
        "lt": "Produkto kokybė",
        "pl": "Jakość produktu",
        "ru": "Качество товара",
    },
    {
        "en": "Delivery",
        "cs": "Doručení",
        "sv": "Leverans",
        "lt": "Pristatymas",
        "pl": "Dostawa",
        "ru": "Доставка",
    },
    {
        "en": "Price and billing",
        "cs": "Cena a fakturace",
        "sv": "Pris och fakturering",
        "lt": "Kaina ir sąskaitos",
        "pl": "Cena i rozliczenia",
        "ru": "Цена и счета",
    },
    {
        "en": "Waiting time and slow answers",
        "cs": "Čekání a pomalé odpovědi",
        "sv": "Väntetid och långsamma svar",
        "lt": "Laukimas ir lėti atsakymai",
        "pl": "Czas oczekiwania i powolne odpowiedzi",
        "ru": "Ожидание и медленные ответы",
    },
    {
        "en": "Staff attitude and communication",
        "cs": "Přístup a komunikace zaměstnanců",
        "sv": "Personalens bemötande och kommunikation",
        "lt": "Darbuotojų požiūris ir bendravimas",
        "pl": "Postawa i komunikacja pracowników",
        "ru": "Отношение и общение сотрудников",
    },
    {
        "en": "Technical problem",
        "cs": "Technický problém",
        "sv": "Tekniskt problem",
        "lt": "Techninė problema",
        "pl": "Problem techniczny",
        "ru": "Техническая проблема",
    },
    {
        "en": "Policy or process",
        "cs": "Pravidla nebo postup",
        "sv": "Regler eller process",
        "lt": "Taisyklės ar procesas",
        "pl": "Zasady lub procedura",
        "ru": "Правила или процесс",
    },
    {
        "en": "Other",
        "cs": "Jiné",
        "sv": "Annat",
        "lt": "Kita",
        "pl": "Inne",
        "ru": "Другое",
    },
]


def upgrade() -> None:
    """Add the follow-up records and root causes; seed the causes; backfill the records."""
    op.create_table(
        "follow_up_root_causes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "names",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_root_causes")),
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", centricity.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_closed_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("root_cause_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("closed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recovery_invitation_id", sa.Integer(), nullable=True),
        sa.Column("recovery_asked_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recovery_skip_reason", sa.String(length=20), nullable=True),
        sa.Column("recovery_answered_at", centricity.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recovery_resolved", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_follow_ups_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_user_id"],
            ["users.id"],
            name=op.f("fk_follow_ups_closed_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recovery_invitation_id"],
            ["survey_invitations.id"],
            name=op.f("fk_follow_ups_recovery_invitation_id_survey_invitations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_follow_ups_response_id_survey_responses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["root_cause_id"],
            ["follow_up_root_causes.id"],
            name=op.f("fk_follow_ups_root_cause_id_follow_up_root_causes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_follow_ups_survey_id_surveys"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
        sa.UniqueConstraint("case_id", name=op.f("uq_follow_ups_case_id")),
        sa.UniqueConstraint(
            "recovery_invitation_id", name=op.f("uq_follow_ups_recovery_invitation_id")
        ),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_opened_at"), ["opened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_survey_id"), ["survey_id"], unique=False)

    # In place, never a batch rebuild: on SQLite, rebuilding `surveys` drops the old table,
    # and with foreign keys on that deletes every invitation and answer (ON DELETE CASCADE).
    op.add_column("surveys", sa.Column("purpose", sa.String(length=20), nullable=True))
    op.create_index(op.f("ix_surveys_purpose"), "surveys", ["purpose"], unique=True)

    _seed_root_causes()
    _backfill()


def _seed_root_causes() -> None:
    causes = sa.table(
        "follow_up_root_causes",
        sa.column("names", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
        sa.column("position", sa.Integer()),
        sa.column("active", sa.Boolean()),
        sa.column("created_at", centricity.db.UTCDateTime()),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        causes,
        [
            {"names": names, "position": 10 * (n + 1), "active": True, "created_at": now}
            for n, names in enumerate(DEFAULT_ROOT_CAUSES)
        ],
    )


def _backfill() -> None:
    """A record for every follow-up task opened before this revision; its first close is
    the first status change to solved or closed in the case's history."""
    op.execute(
        """
        INSERT INTO follow_ups (case_id, response_id, survey_id, opened_at, first_closed_at)
        SELECT r.follow_up_case_id, MIN(r.id), MIN(r.survey_id), c.opened_at,
               (SELECT MIN(e.at) FROM case_events e
                 WHERE e.case_id = c.id AND e.field = 'status'
                   AND e.new_value IN ('solved', 'closed'))
          FROM survey_responses r JOIN cases c ON c.id = r.follow_up_case_id
         WHERE r.follow_up_case_id IS NOT NULL
         GROUP BY r.follow_up_case_id, c.id, c.opened_at
        """
    )


def downgrade() -> None:
    """Drop the follow-up records, the root causes and the surveys' purpose."""
    op.drop_index(op.f("ix_surveys_purpose"), table_name="surveys")
    op.drop_column("surveys", "purpose")  # in place (SQLite 3.35+), for the same reason

    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_ups_survey_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_opened_at"))

    op.drop_table("follow_ups")
    op.drop_table("follow_up_root_causes")
