"""customer name prefix index

Searches under three characters have no trigrams, so they walk a range of the folded
`search_key` (it starts with the folded name): `st` finds `Štěpán` and `ab` finds `Ábel`,
which the range of the raw `name` index could not. PostgreSQL compares the range byte by
byte (`COLLATE "C"`), as SQLite does, so the range is exactly "starts with".

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index the folded search key for prefix ranges."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE INDEX ix_customers_search_key_prefix ON customers (search_key)")
    else:
        op.execute(
            'CREATE INDEX ix_customers_search_key_prefix ON customers (search_key COLLATE "C")'
        )


def downgrade() -> None:
    """Drop the prefix index."""
    op.execute("DROP INDEX IF EXISTS ix_customers_search_key_prefix")
