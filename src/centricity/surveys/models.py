"""Surveys, their questions, the invitations (one link per customer), the responses and
their answers, and every invitation that was not given with its reason.

A link's token is never stored: only its HMAC keyed by the secret key, so a copy of the
store cannot answer in anyone's name. One response per invitation is a uniqueness
constraint, and finishing it is one conditional UPDATE, so two submissions at once keep
exactly one answer.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base, JSONType, UTCDateTime
from centricity.kit.i18n import pnoop, register_labels
from centricity.kit.time import utcnow


class SurveyKind(StrEnum):
    """The survey's main question: NPS (0–10), CSAT (1–5), CES (1–7), or none (custom)."""

    NPS = "nps"
    CSAT = "csat"
    CES = "ces"
    CUSTOM = "custom"


class QuestionKind(StrEnum):
    """What a custom question asks for."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    TEXT = "text"


SURVEY_KIND_LABELS = register_labels(
    "survey kind",
    {
        "nps": pnoop("survey kind", "NPS (recommendation)"),
        "csat": pnoop("survey kind", "CSAT (satisfaction)"),
        "ces": pnoop("survey kind", "CES (effort)"),
        "custom": pnoop("survey kind", "custom"),
    },
)
# The score range of each main question (inclusive).
SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}

SKIP_REASONS = register_labels(
    "skip reason",
    {
        "fatigue": pnoop("skip reason", "asked recently"),
        "cadence": pnoop("skip reason", "this survey asked recently"),
        "duplicate": pnoop("skip reason", "already invited for this case or contact"),
        "unsubscribed": pnoop("skip reason", "unsubscribed from surveys"),
        "no_email": pnoop("skip reason", "no e-mail address"),
        "automatic_close": pnoop("skip reason", "case closed automatically or by merge"),
        "inactive": pnoop("skip reason", "survey not active"),
        "paused": pnoop("skip reason", "campaign paused"),
    },
)


class Survey(Base):
    """One survey: its main question, the languages it speaks, its own cadence."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # At most one invitation of this survey per customer within this many days (NPS: 90).
    cadence_days: Mapped[int | None] = mapped_column(Integer)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the product itself uses the survey for ("recovery": the closed loop's question
    # after a follow-up); None for the surveys staff make. A unique index, not a
    # constraint: SQLite adds an index in place, while a constraint would rebuild the
    # table, and dropping `surveys` with foreign keys on deletes every answer (cascade).
    purpose: Mapped[str | None] = mapped_column(String(20), unique=True, index=True)


class SurveyQuestion(Base):
    """A custom question, with its text (and its choices) in every language offered."""

    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    texts: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    # Choices: [{"value": "price", "texts": {"en": "Price", "cs": "Cena"}}, ...]
    choices: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    scale_min: Mapped[int | None] = mapped_column(Integer)
    scale_max: Mapped[int | None] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveyInvitation(Base):
    """One customer's link to one survey, about a case or a contact or about nothing."""

    __tablename__ = "survey_invitations"
    __table_args__ = (
        Index("ix_survey_invitations_customer_id_created_at", "customer_id", "created_at"),
        # At most one transactional survey per case and per contact.
        Index("uq_survey_invitations_case_id", "case_id", unique=True),
        Index("uq_survey_invitations_interaction_id", "interaction_id", unique=True),
        # The Voice page counts each survey's invitations from this index alone.
        Index("ix_survey_invitations_survey_id", "survey_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(10))  # email | link
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The campaign that sent it (None: invited by hand).
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_campaigns.id", ondelete="SET NULL"), index=True
    )


class SurveyResponse(Base):
    """The answer behind one link: partial while the respondent is on the way, used up
    when finished. `invitation_id` is unique: one response per link."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        # The latest answers, and the Voice page's counts by period, survey and score
        # read from the index alone.
        Index("ix_survey_responses_finished_survey_score", "finished_at", "survey_id", "score"),
        # Each survey's finished answers by score and their follow-ups (the surveys table).
        Index(
            "ix_survey_responses_survey_score_finished",
            "survey_id",
            "score",
            "follow_up_case_id",
            sqlite_where=text("finished_at IS NOT NULL"),
            postgresql_where=text("finished_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("survey_invitations.id", ondelete="CASCADE"), unique=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    # Detached (NULL) when the customer is erased: the score stays in the figures.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    language: Mapped[str | None] = mapped_column(String(8))
    score: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL")
    )


class SurveyAnswer(Base):
    """The answer to one custom question (a choice, choices, a number or words)."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    number: Mapped[float | None] = mapped_column(Float)
    choices: Mapped[list[str]] = mapped_column(JSONType, default=list)
    text: Mapped[str | None] = mapped_column(Text)


class SurveySkip(Base):
    """An invitation that was not given, with its reason: none is dropped silently."""

    __tablename__ = "survey_skips"
    __table_args__ = (Index("ix_survey_skips_survey_id_created_at", "survey_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_campaigns.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The campaigns' tables, which the invitations and skips point at, join the metadata.
from centricity.surveys import campaign_models as _campaign_models  # noqa: E402, F401
