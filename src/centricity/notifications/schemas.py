"""Shapes of notices and notice settings (REST API)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from centricity.kit.schema import InputSchema


class NotificationRead(BaseModel):
    """A notice as its reader sees it (the title in the reader's language on pages)."""

    id: int
    kind: str
    title: str
    link: str | None
    params: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    """The reader's notices, newest first, with the unread count."""

    items: list[NotificationRead]
    unread: int


class NotificationSettings(InputSchema):
    """Which kinds of notice also come by e-mail: `{"sla.warning": true, ...}`."""

    email: dict[str, bool] = Field(max_length=50)
