"""Each feedback item's topic vector beside its sentence vector.

Themes are fitted on the embedding of the comment's base forms without punctuation
(`analytics.text.normalise.topic_text`), sentiment on the sentence's own embedding. Items
embedded before this revision have no topic vector yet; the next analysis run embeds their
topic texts once.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add `feedback_embeddings.topic_vector`."""
    with op.batch_alter_table("feedback_embeddings") as batch:
        batch.add_column(sa.Column("topic_vector", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    """Drop `feedback_embeddings.topic_vector`, and the theme models fitted on topic
    vectors: the code before this revision would read them as models of sentence vectors
    (another space), and after a new upgrade the run would take every item to have a
    topic vector. Without them the next run fits the themes again."""
    models = sa.table(
        "feedback_text_models",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("state", sa.JSON),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(models.c.id, models.c.state).where(models.c.kind == "themes"))
    fitted = [i for i, state in rows if ((state or {}).get("store") or {}).get("topic_vectors")]
    if fitted:
        bind.execute(sa.delete(models).where(models.c.id.in_(fitted)))
    with op.batch_alter_table("feedback_embeddings") as batch:
        batch.drop_column("topic_vector")
