"""Record who changed what. Details hold field names and ids, never personal values."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit.models import AuditEntry


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    entity: tuple[str, int | str | None],
    details: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one audit entry in the caller's transaction (so it commits with the change)."""
    entry = AuditEntry(
        actor_user_id=actor.id if actor else None,
        actor_label=actor_label or ("web" if actor else "cli"),
        action=action,
        entity_type=entity[0],
        entity_id=None if entity[1] is None else str(entity[1]),
        details=details or {},
    )
    session.add(entry)
    return entry


def list_for(session: Session, *, entity_type: str, entity_id: int | str) -> list[AuditEntry]:
    """The audit trail of one record, newest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return list(session.scalars(query))


def list_recent(session: Session, *, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
    """The latest audit entries across the installation, for admins."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))
