"""What the text analysis keeps beside the customers' words: each item's embedding (made
once, when the item is first analysed, never again), the themes with their centroids and
the names, owners and keyword rules staff give them, and the fitted models.

The item's own results (`language`, `sentiment`, `sentiment_probability`, `theme_id`,
`analysed_at`, `not_analysable`) are columns of `feedback_items`, so the feedback list and
the figures read them without a join. Themes are never deleted: a theme no longer found is
`retired`, one merged into another is `merged` with `merged_into_id`, so every id an item,
a link or a bookmark ever held still means something.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from centricity.db import Base, JSONType, UTCDateTime
from centricity.kit.i18n import pnoop, register_labels
from centricity.kit.time import utcnow

THEME_STATUSES = register_labels(
    "theme status",
    {
        "active": pnoop("theme status", "active"),
        "retired": pnoop("theme status", "retired"),
        "merged": pnoop("theme status", "merged"),
    },
)


class FeedbackEmbedding(Base):
    """One item's vectors (float32, L2-normalised) from the embedder named in `model`:
    `vector` of the text as written (sentiment reads it), `topic_vector` of its topic text
    (`analytics.text.normalise.topic_text`; themes read it). An item embedded before
    revision 0028 has no topic vector until the next run gives it one."""

    __tablename__ = "feedback_embeddings"

    feedback_item_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(80))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    topic_vector: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Theme(Base):
    """A group of items about one thing, across languages.

    `label` is made by the analysis from the items' words (one per language, `labels`);
    `name`, when staff set it, is shown instead and never overwritten. `keywords` are lemma
    rules: an item whose words include one of them belongs here whatever its vector says.
    """

    __tablename__ = "feedback_themes"
    __table_args__ = (Index("ix_feedback_themes_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    labels: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    name: Mapped[str | None] = mapped_column(String(200))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(10), default="active")
    merged_into_id: Mapped[int | None] = mapped_column(Integer)
    centroid: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def title(self) -> str:
        """What the theme is called: the name staff gave it, else the analysis' label."""
        return self.name or self.label


class TextModel(Base):
    """A fitted model (themes or sentiment) as JSON state plus its arrays (`.npz` bytes),
    with the library's model version and the embedder it was fitted on; the latest of a
    kind is the one in use."""

    __tablename__ = "feedback_text_models"
    __table_args__ = (Index("ix_feedback_text_models_kind_id", "kind", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(40))
    embedder: Mapped[str] = mapped_column(String(80))
    state: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    arrays: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
