"""Staff users, departments, server-side web sessions and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from centricity.db import Base, UTCDateTime
from centricity.kit.i18n import pnoop
from centricity.kit.time import utcnow


class Role(StrEnum):
    """Staff roles, from least to most powerful."""

    VIEWER = "viewer"
    AGENT = "agent"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Order roles so `require(Role.AGENT)` also admits managers and admins."""
        return list(Role).index(self)


# Each role's name as staff read it (pages show `role|role`).
ROLE_LABELS = (
    pnoop("role", "viewer"),
    pnoop("role", "agent"),
    pnoop("role", "manager"),
    pnoop("role", "admin"),
)


class Department(Base):
    """A team of staff; departments own internal work and confidential notes."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    """A member of staff who signs in to the web app or owns API tokens."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=Role.AGENT.value)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Empty: the installation's CENTRICITY_DEFAULT_LANGUAGE / CENTRICITY_TIME_ZONE.
    language: Mapped[str | None] = mapped_column(String(8))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # When the person works: warnings about cases reach them in these hours (not urgent
    # ones). Empty: any time.
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("calendars.id", ondelete="SET NULL"))

    department: Mapped[Department | None] = relationship(lazy="joined")

    @property
    def role_enum(self) -> Role:
        """The role as an enum, for rank comparisons."""
        return Role(self.role)


class WebSession(Base):
    """A signed-in browser: the cookie holds a random token, the store only its hash."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ApiToken(Base):
    """A bearer token for `/api/v1`; read-only tokens may only read."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    read_only: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uses: Mapped[int] = mapped_column(Integer, default=0)


class LoginFailure(Base):
    """One failed sign-in, counted per client address and per account for the throttle.

    `key_hash` is an HMAC of the address or the case-folded e-mail (never the value), so
    the table holds no personal data and works across several app processes."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_scope_key_hash_failed_at", "scope", "key_hash", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    key_hash: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class PublicRequestCount(Base):
    """How many requests one client address made to the public pages in one short time
    slice (`accounts.request_counts`): the public limit sums the slices of its window.

    `key_hash` is an HMAC of the address keyed by the secret key (never the address), so
    the table holds no personal data; rows past the window are swept as requests come in
    and by the hourly purge."""

    __tablename__ = "public_request_counts"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    slice_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True, index=True)
    requests: Mapped[int] = mapped_column(Integer)
