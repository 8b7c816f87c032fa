"""Resumable analytics runs keyed by (kind, as_of_date, params).

A run that finished is reused as is; one that started or failed is restarted after every
cleanup registered for its kind removed the partial output written under its id. Pages read
only the latest DONE run of a kind, so a half-written run is never shown. `start` is not a
lock: the job queue makes sure one worker runs a given analytics job at a time.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.analytics.models import AnalyticsRun
from centricity.kit.time import utcnow

STARTED = "started"
DONE = "done"
FAILED = "failed"

Cleanup = Callable[[Session, int], None]

_CLEANUPS: dict[str, list[Cleanup]] = {}
_ERROR_CLASS = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,119}$")


def register_cleanup(kind: str, fn: Cleanup) -> Cleanup:
    """Register `fn(session, run_id)` to delete a run's partial output before a restart."""
    callbacks = _CLEANUPS.setdefault(kind, [])
    if fn not in callbacks:
        callbacks.append(fn)
    return fn


def params_key(params: dict[str, Any]) -> str:
    """Hash params canonically (sorted JSON, sha256) so equal params find the same run."""
    try:
        text = json.dumps(
            params, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"run params must be JSON-serialisable ({type(exc).__name__})") from None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def start(
    session: Session, *, kind: str, as_of: date, params: dict[str, Any] | None = None
) -> AnalyticsRun:
    """Begin or resume a run; a DONE run comes back untouched so the caller skips the work."""
    params = dict(params or {})
    key = params_key(params)
    run = session.scalar(
        select(AnalyticsRun).where(
            AnalyticsRun.kind == kind,
            AnalyticsRun.as_of_date == as_of,
            AnalyticsRun.params_key == key,
        )
    )
    if run is None:
        run = AnalyticsRun(kind=kind, as_of_date=as_of, params_key=key, params=params)
        session.add(run)
    elif run.status != DONE:
        _restart(session, run)
    else:
        return run
    run.status, run.started_at, run.stats = STARTED, utcnow(), {}
    session.flush()
    return run


def _restart(session: Session, run: AnalyticsRun) -> None:
    for cleanup in _CLEANUPS.get(run.kind, []):
        cleanup(session, run.id)
    run.finished_at = None
    run.error = None


def finish(session: Session, run: AnalyticsRun, stats: dict[str, Any] | None = None) -> None:
    """Mark a run done with its summary stats; from now on pages read its results."""
    _check_started(run)
    params_key(dict(stats or {}))  # the same JSON rules as params, so the row stores cleanly
    run.status, run.finished_at = DONE, utcnow()
    run.stats = dict(stats or {})
    run.error = None
    session.flush()


def fail(session: Session, run: AnalyticsRun, error_class_name: str) -> None:
    """Mark a run failed with the error's class name only (messages may hold personal data)."""
    _check_started(run)
    if not _ERROR_CLASS.fullmatch(error_class_name):
        raise ValueError("fail() takes an exception class name, e.g. type(exc).__name__")
    run.status, run.finished_at, run.error = FAILED, utcnow(), error_class_name
    session.flush()


def _check_started(run: AnalyticsRun) -> None:
    if run.status != STARTED:
        raise ValueError(f"analytics run {run.id} is {run.status}, not {STARTED}")


def latest_done(
    session: Session, kind: str, *, params: dict[str, Any] | None = None
) -> AnalyticsRun | None:
    """The DONE run with the latest as-of date (optionally for given params), for pages."""
    query = (
        select(AnalyticsRun)
        .where(AnalyticsRun.kind == kind, AnalyticsRun.status == DONE)
        .order_by(
            AnalyticsRun.as_of_date.desc(),
            AnalyticsRun.finished_at.desc(),
            AnalyticsRun.id.desc(),
        )
        .limit(1)
    )
    if params is not None:
        query = query.where(AnalyticsRun.params_key == params_key(params))
    return session.scalar(query)


def history(session: Session, kind: str, limit: int = 20) -> list[AnalyticsRun]:
    """Runs of a kind, most recently started first, whatever their status (kept for audit)."""
    query = (
        select(AnalyticsRun)
        .where(AnalyticsRun.kind == kind)
        .order_by(AnalyticsRun.started_at.desc(), AnalyticsRun.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
