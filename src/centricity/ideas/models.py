"""The idea board: what customers ask for, who asked, how much it matters, and its history.

A customer counts once per idea: `idea_requesters` holds one row per (idea, customer),
a uniqueness constraint in the store. Every time they asked (from a case, a contact, a
feedback item or by hand) is an `idea_requests` row under that requester, with its own
importance; the requester's importance is the highest of them. Merging moves requests,
never rewrites them, and `idea_merge_moves` records each moved request, so undoing a merge
moves exactly those back and recomputes both sides.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base, UTCDateTime
from centricity.kit.i18n import pnoop, register_labels
from centricity.kit.time import utcnow


class IdeaStatus(StrEnum):
    """Where an idea stands; `done` tells the customers who asked."""

    UNDER_REVIEW = "under_review"
    PLANNED = "planned"
    DONE = "done"
    DECLINED = "declined"


class Importance(StrEnum):
    """How much an idea matters to one customer."""

    NICE_TO_HAVE = "nice_to_have"
    IMPORTANT = "important"
    DEALBREAKER = "dealbreaker"


# Weights of the weighted demand: a dealbreaker counts twice an important request, a nice
# to have half (docs/ideas.md). The order of the keys is the order of importance.
IMPORTANCE_WEIGHTS: dict[str, float] = {
    Importance.NICE_TO_HAVE.value: 0.5,
    Importance.IMPORTANT.value: 1.0,
    Importance.DEALBREAKER.value: 2.0,
}
IMPORTANCE_RANK = {code: rank for rank, code in enumerate(IMPORTANCE_WEIGHTS)}

IDEA_STATUS_LABELS = register_labels(
    "idea status",
    {
        "under_review": pnoop("idea status", "under review"),
        "planned": pnoop("idea status", "planned"),
        "done": pnoop("idea status", "done"),
        "declined": pnoop("idea status", "declined"),
    },
)
IMPORTANCE_LABELS = register_labels(
    "importance",
    {
        "nice_to_have": pnoop("importance", "nice to have"),
        "important": pnoop("importance", "important"),
        "dealbreaker": pnoop("importance", "dealbreaker"),
    },
)


class Idea(Base):
    """Something customers ask for, filed by a member of staff."""

    __tablename__ = "ideas"
    __table_args__ = (Index("ix_ideas_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=IdeaStatus.UNDER_REVIEW.value)
    # Set while the idea is merged into another: pages and the API redirect there.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL"), index=True
    )
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdeaRequester(Base):
    """One customer behind one idea, counted once; `importance` is the highest of their
    requests, `first_requested_at` the earliest."""

    __tablename__ = "idea_requesters"
    __table_args__ = (
        UniqueConstraint("idea_id", "customer_id"),
        Index("ix_idea_requesters_customer_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    importance: Mapped[str] = mapped_column(String(20), default=Importance.IMPORTANT.value)
    first_requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdeaRequest(Base):
    """One time a customer asked for an idea, and where it was heard."""

    __tablename__ = "idea_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("idea_requesters.id", ondelete="CASCADE"), index=True
    )
    importance: Mapped[str] = mapped_column(String(20), default=Importance.IMPORTANT.value)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    # The feedback item it came from; a foreign key follows when the feedback table exists.
    feedback_id: Mapped[int | None] = mapped_column(Integer)
    added_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdeaStatusChange(Base):
    """Who moved an idea from one status to another, and when."""

    __tablename__ = "idea_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdeaMerge(Base):
    """A duplicate merged into a survivor; `undone_at` once it was undone."""

    __tablename__ = "idea_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    duplicate_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), index=True
    )
    survivor_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    merged_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdeaMergeMove(Base):
    """One request a merge moved from the duplicate to the survivor."""

    __tablename__ = "idea_merge_moves"
    __table_args__ = (UniqueConstraint("merge_id", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merge_id: Mapped[int] = mapped_column(ForeignKey("idea_merges.id", ondelete="CASCADE"))
    request_id: Mapped[int] = mapped_column(
        ForeignKey("idea_requests.id", ondelete="CASCADE"), index=True
    )
