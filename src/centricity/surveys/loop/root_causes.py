"""The editable list of root causes a follow-up is closed with: managers add, rename,
reorder and deactivate them (a deactivated cause stays on the records that name it, so
past figures keep their meaning, but is no longer offered)."""

from __future__ import annotations

import builtins

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.kit.errors import Invalid, NotFound
from centricity.kit.i18n import SOURCE_LANGUAGE, lazy
from centricity.surveys.loop.models import RootCause
from centricity.surveys.loop.schemas import RootCauseCreate, RootCauseUpdate


def name_in(cause: RootCause, language: str) -> str:
    """The cause's name in `language` where given, else in English, else its first name."""
    names = cause.names or {}
    return names.get(language) or names.get(SOURCE_LANGUAGE) or next(iter(names.values()), "")


def list(session: Session, *, active_only: bool = False) -> builtins.list[RootCause]:
    """The root causes in their order (only the offered ones with `active_only`)."""
    query = select(RootCause).order_by(RootCause.position, RootCause.id)
    if active_only:
        query = query.where(RootCause.active.is_(True))
    return builtins.list(session.scalars(query))


def get(session: Session, cause_id: int) -> RootCause:
    """Load a root cause (every member of staff may read the list), or raise NotFound."""
    cause = session.get(RootCause, cause_id)
    if cause is None:
        raise NotFound(lazy("root cause not found"))
    return cause


def offered(session: Session, cause_id: int) -> RootCause:
    """A cause a follow-up may be closed with: one that exists and is active."""
    cause = session.get(RootCause, cause_id)
    if cause is None or not cause.active:
        raise Invalid(lazy("choose a root cause from the list"), field="root_cause_id")
    return cause


def create(session: Session, *, data: RootCauseCreate, actor: User) -> RootCause:
    """Add a root cause to the list (managers: the route says who)."""
    cause = RootCause(names=dict(data.names), position=data.position, active=True)
    session.add(cause)
    session.flush()
    audit.record(session, actor=actor, action="root_cause.create", entity=("root_cause", cause.id))
    return cause


def update(session: Session, *, cause: RootCause, data: RootCauseUpdate, actor: User) -> RootCause:
    """Rename, move or (de)activate a cause; a cause keeps at least one name."""
    changes = data.model_dump(exclude_unset=True)
    if changes.get("names") is not None:
        names = {**(cause.names or {}), **changes["names"]}
        names = {code: name for code, name in names.items() if name}
        if not names:
            raise Invalid(lazy("give the cause a name in at least one language"), field="names")
        cause.names = names
    if changes.get("position") is not None:
        cause.position = changes["position"]
    if changes.get("active") is not None:
        cause.active = changes["active"]
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="root_cause.update",
        entity=("root_cause", cause.id),
        details={"fields": sorted(changes)},
    )
    return cause
