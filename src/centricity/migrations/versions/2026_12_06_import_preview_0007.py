"""import jobs keep their preview

The import page shows an uploaded file's mapping preview from this column instead of
parsing the upload again on every view (a crafted spreadsheet made each view cost
gigabytes).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the stored preview."""
    with op.batch_alter_table("import_jobs") as batch:
        batch.add_column(
            sa.Column(
                "preview",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    """Drop the stored preview."""
    with op.batch_alter_table("import_jobs") as batch:
        batch.drop_column("preview")
