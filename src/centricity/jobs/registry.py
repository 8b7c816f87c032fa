"""Which function runs each job kind, and which kinds run on a schedule.

Domains register in their own `jobs.py` with `@job_handler("domain.verb")` and
`schedule("domain.verb", every=...)`; `load_handlers()` imports those modules. This module
imports no domain at load time, so enqueuing a job stays cheap for pages and commands.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

Handler = Callable[[Session, dict[str, Any]], None]

# The lead adds each domain's jobs module here as it gains background work.
DOMAIN_JOB_MODULES: tuple[str, ...] = (
    "centricity.accounts.jobs",
    "centricity.value.jobs",
    "centricity.notifications.jobs",
    "centricity.cases.jobs",
    "centricity.imports.jobs",
    "centricity.mail.jobs",
    "centricity.events.jobs",
    "centricity.telephony.jobs",
    "centricity.surveys.jobs",
    "centricity.feedback.analysis.jobs",
)

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

_HANDLERS: dict[str, Handler] = {}
_SCHEDULES: dict[str, Schedule] = {}


@dataclass(frozen=True)
class Schedule:
    """A periodic job: `kind` is enqueued with `payload` at most once per `every`."""

    kind: str
    every: timedelta
    payload: dict[str, Any] = field(default_factory=dict)


def check_kind(kind: str) -> str:
    """Reject kinds that are not "domain.verb", so a typo fails where it is written."""
    if not KIND_PATTERN.fullmatch(kind):
        raise ValueError(f"job kind {kind!r} must look like 'domain.verb' (lower case)")
    return kind


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register `fn(session, payload)` as the handler of `kind`; one handler per kind."""
    check_kind(kind)

    def register(fn: Handler) -> Handler:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing is not fn:
            raise ValueError(f"job kind {kind!r} already has a handler: {existing!r}")
        _HANDLERS[kind] = fn
        return fn

    return register


def schedule(kind: str, *, every: timedelta, payload: dict[str, Any] | None = None) -> Schedule:
    """Run `kind` periodically; the scheduler enqueues it once per `every` across servers."""
    check_kind(kind)
    if every <= timedelta(0):
        raise ValueError(f"schedule of {kind!r} needs a positive interval, got {every}")
    entry = Schedule(kind=kind, every=every, payload=dict(payload or {}))
    existing = _SCHEDULES.get(kind)
    if existing is not None and existing != entry:
        raise ValueError(f"job kind {kind!r} is already scheduled as {existing}")
    _SCHEDULES[kind] = entry
    return entry


def get_handler(kind: str) -> Handler:
    """Return the handler of `kind`; KeyError names the kind and the known ones."""
    try:
        return _HANDLERS[kind]
    except KeyError:
        known = ", ".join(sorted(_HANDLERS)) or "none (was load_handlers() called?)"
        raise KeyError(f"no handler for job kind {kind!r}; known kinds: {known}") from None


def get_schedule(kind: str) -> Schedule:
    """Return the schedule of `kind`; KeyError names the kind and the scheduled ones."""
    try:
        return _SCHEDULES[kind]
    except KeyError:
        known = ", ".join(sorted(_SCHEDULES)) or "none"
        raise KeyError(f"job kind {kind!r} has no schedule; scheduled kinds: {known}") from None


def handler_kinds() -> list[str]:
    """List every registered kind (for docs checks and the operator's CLI)."""
    return sorted(_HANDLERS)


def schedules() -> list[Schedule]:
    """List every registered schedule, ordered by kind so runs are reproducible."""
    return [_SCHEDULES[kind] for kind in sorted(_SCHEDULES)]


def load_handlers() -> None:
    """Import every domain's jobs module; fail at start-up if a schedule lacks a handler."""
    for module_name in DOMAIN_JOB_MODULES:
        importlib.import_module(module_name)
    orphans = sorted(set(_SCHEDULES) - set(_HANDLERS))
    if orphans:
        raise RuntimeError(f"scheduled job kinds without a handler: {', '.join(orphans)}")
