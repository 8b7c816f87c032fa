"""Feedback items: what a customer said or scored, from any source, in their own words.

An item's score is read on its scale (`SCALES`); its text is stored exactly as given, with
the language beside it. `(source, external_id)` is unique, so re-importing another tool's
reviews or re-posting them through the API never duplicates one. A contact note or a case
message marked as feedback is linked by `marked_interaction_id` / `marked_case_message_id`,
each unique: marking twice cannot make a second item, even from two requests at once.

`customer_id` is nullable only for erasure: an erased person's items keep their score,
scale, source, language and time for the figures, with the person, the text and every
link that could lead back to them removed (`feedback/privacy.py`). Every other path
requires a customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base, UTCDateTime
from centricity.kit.i18n import pnoop, register_labels
from centricity.kit.time import utcnow

# As long as a case message may be (so any message can be marked), short of a whole file.
MAX_TEXT = 100_000
MAX_SOURCE = 40
MAX_EXTERNAL_ID = 100


@dataclass(frozen=True)
class Scale:
    """A rating scale: its lowest and highest score and the step between scores."""

    code: str
    low: Decimal
    high: Decimal
    step: Decimal

    def holds(self, score: Decimal) -> bool:
        """Whether `score` is a score of this scale (in range and on a step)."""
        return self.low <= score <= self.high and (score - self.low) % self.step == 0


SCALES: dict[str, Scale] = {
    # Net Promoter Score: "how likely are you to recommend us", 0–10 whole numbers.
    "nps": Scale("nps", Decimal(0), Decimal(10), Decimal(1)),
    # Customer satisfaction, 1 (very dissatisfied) – 5 (very satisfied).
    "csat": Scale("csat", Decimal(1), Decimal(5), Decimal(1)),
    # Customer effort, 1 (very easy) – 7 (very difficult): higher is worse.
    "ces": Scale("ces", Decimal(1), Decimal(7), Decimal(1)),
    # Review stars; review sites give halves.
    "stars": Scale("stars", Decimal(1), Decimal(5), Decimal("0.5")),
    "percent": Scale("percent", Decimal(0), Decimal(100), Decimal("0.01")),
}

# The common sources; any short lower-case code is accepted (`trustpilot`, `app_store`).
SOURCE_LABELS = register_labels(
    "feedback source",
    {
        "survey": pnoop("feedback source", "survey"),
        "review": pnoop("feedback source", "review"),
        "import": pnoop("feedback source", "import"),
        "api": pnoop("feedback source", "API"),
        "contact": pnoop("feedback source", "contact note"),
        "case": pnoop("feedback source", "case message"),
        "email": pnoop("feedback source", "e-mail"),
        "chat": pnoop("feedback source", "chat"),
        "social": pnoop("feedback source", "social media"),
    },
)
SCALE_LABELS = register_labels(
    "feedback scale",
    {
        "nps": pnoop("feedback scale", "NPS 0–10"),
        "csat": pnoop("feedback scale", "CSAT 1–5"),
        "ces": pnoop("feedback scale", "CES 1–7"),
        "stars": pnoop("feedback scale", "stars 1–5"),
        "percent": pnoop("feedback scale", "percent"),
    },
)


class FeedbackItem(Base):
    """One piece of feedback from one customer: a score on a scale, words, or both."""

    __tablename__ = "feedback_items"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_feedback_items_source_external_id"),
        Index("ix_feedback_items_customer_id_received_at", "customer_id", "received_at"),
        Index("ix_feedback_items_received_at", "received_at"),
        Index("ix_feedback_items_case_id", "case_id"),
        Index("ix_feedback_items_interaction_id", "interaction_id"),
        Index("ix_feedback_items_order_id", "order_id"),
        Index("ix_feedback_items_survey_response_id", "survey_response_id"),
        Index("ix_feedback_items_theme_id_received_at", "theme_id", "received_at"),
        Index("ix_feedback_items_analysed_at", "analysed_at"),
        # Covers the theme figures (counts by language and sentiment, scores, by tier).
        Index(
            "ix_feedback_items_theme_figures",
            "theme_id",
            "language",
            "sentiment",
            "scale",
            "score",
            "customer_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(MAX_SOURCE))
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    scale: Mapped[str | None] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text, default="")
    # ISO 639-1 code as given (normalised), else detected; None: unknown.
    language: Mapped[str | None] = mapped_column(String(3))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    # The surveys domain's answer this item came from (no foreign key: surveys build on
    # feedback, so the table may not exist where feedback is created).
    survey_response_id: Mapped[int | None] = mapped_column(Integer)
    # The note or message that *is* this item: removing it removes the item.
    marked_interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), unique=True
    )
    marked_case_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_messages.id", ondelete="CASCADE"), unique=True
    )
    external_id: Mapped[str | None] = mapped_column(String(MAX_EXTERNAL_ID))
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the text analysis added beside the words (`feedback/analysis`): None until the
    # item was analysed. `sentiment` is negative, neutral or positive with the model's
    # probability; `theme_id` a `feedback_themes` row (no foreign key: themes are retired,
    # never deleted); `not_analysable` the reason when the words cannot be analysed
    # (empty, no letters), so such an item is not tried again.
    sentiment: Mapped[str | None] = mapped_column(String(10))
    sentiment_probability: Mapped[float | None] = mapped_column(Float)
    theme_id: Mapped[int | None] = mapped_column(Integer)
    analysed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    not_analysable: Mapped[str | None] = mapped_column(String(40))
