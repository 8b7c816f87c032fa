"""The follow-up record of each follow-up task, and the root causes staff choose from.

A follow-up task is a case (`surveys.follow_up`); its record here keeps what the case does
not: the outcome and root cause required to close it, who recorded them and when, the
first time it was closed (time to close runs from opening to the *first* close, so a
reopen does not reset it), and the recovery question that followed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base, JSONType, UTCDateTime
from centricity.kit.i18n import pnoop, register_labels
from centricity.kit.time import utcnow

OUTCOMES = register_labels(
    "follow-up outcome",
    {
        "reached": pnoop("follow-up outcome", "reached"),
        "resolved": pnoop("follow-up outcome", "resolved"),
        "not_reached": pnoop("follow-up outcome", "not reached"),
    },
)
# Outcomes after which the customer is asked whether their concern is resolved now.
RECOVERY_OUTCOMES = ("reached", "resolved")


class RootCause(Base):
    """One entry of the editable list of root causes: its name in each language given
    (`{"en": "Delivery", "cs": "Doprava"}`), shown in the viewer's language where given."""

    __tablename__ = "follow_up_root_causes"

    id: Mapped[int] = mapped_column(primary_key=True)
    names: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A deactivated cause stays on the records that name it but is no longer offered.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FollowUp(Base):
    """The closed-loop record of one follow-up task (one per task: `case_id` is unique)."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="SET NULL")
    )
    survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("surveys.id", ondelete="SET NULL"), index=True
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    first_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The latest recorded outcome and cause; a reopen empties them, so closing again
    # needs them again.
    outcome: Mapped[str | None] = mapped_column(String(20))
    root_cause_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_up_root_causes.id", ondelete="RESTRICT")
    )
    note: Mapped[str | None] = mapped_column(Text)
    closed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recovery_invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_invitations.id", ondelete="SET NULL"), unique=True
    )
    recovery_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recovery_skip_reason: Mapped[str | None] = mapped_column(String(20))
    recovery_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recovery_resolved: Mapped[bool | None] = mapped_column(Boolean)
