"""Analytics run bookkeeping: one row per (kind, as_of, params), history kept."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from centricity.db import Base, JSONType, UTCDateTime
from centricity.kit.time import utcnow


class AnalyticsRun(Base):
    """A resumable analytics run; pages read only the latest DONE run of a kind."""

    __tablename__ = "analytics_runs"
    __table_args__ = (UniqueConstraint("kind", "as_of_date", "params_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    as_of_date: Mapped[date] = mapped_column(Date)
    params_key: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="started")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stats: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
