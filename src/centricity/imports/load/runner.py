"""The import loop: read → validate (in a helper thread) → stage → merge → commit.

By design this loop commits, unlike services: each batch commits atomically together
with the job's checkpoint and that batch's quarantined rows, so a crash or SIGKILL loses
at most the batch in flight and a re-run resumes after the last checkpoint with exact
counts. Reading and validating the next batch overlaps with the database work.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import polars as pl
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.db import large_cache
from centricity.imports.check.references import Resolver
from centricity.imports.check.seen import SeenKeys
from centricity.imports.check.validate import (
    REASON,
    Checked,
    Plan,
    check,
    remember_keys,
)
from centricity.imports.load import jobstore, merge, staging
from centricity.imports.load.jobstore import Counts, SessionFactory
from centricity.imports.plan import Prepared
from centricity.imports.read.frames import LINE, raw_values, rebatch
from centricity.kit.errors import PermissionDenied

T = TypeVar("T")
Progress = Callable[[int], None]
MAX_PROBLEMS = 10
# SQLite's page cache while a batch is written: with the default 2 MB each row written
# into an index keyed by customer (calls, contacts) was a page read back from the file.
CACHE_KIB = 128 * 1024


@dataclass
class Summary:
    """The result of one import run (or dry run)."""

    counts: Counts
    job_id: int | None = None
    resumed: bool = False
    seconds: float = 0.0
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows_per_second(self) -> float:
        """Throughput of this run."""
        return self.counts.read / self.seconds if self.seconds > 0 else 0.0


def prefetch(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """Produce `items` in a helper thread, `depth` ahead of the consumer."""
    buffer: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(message: tuple[str, Any]) -> bool:
        while not stop.is_set():  # the consumer may have given up: never block for good
            try:
                buffer.put(message, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(("item", item)):
                    return
            offer(("done", None))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            offer(("error", exc))

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = buffer.get()
            if kind == "done":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()


def checked_batches(
    prepared: Prepared, skip: int, seen: SeenKeys
) -> Iterator[tuple[pl.DataFrame, Checked]]:
    """Validated batches after the first `skip` rows (whose keys still go into `seen`)."""
    size = max(1, prepared.options.batch_size)
    for frame in rebatch(prepared.source.batches(), size):
        if skip >= frame.height:
            remember_keys(prepared.plan, frame, seen)
            skip -= frame.height
            continue
        if skip:
            remember_keys(prepared.plan, frame.head(skip), seen)
            frame, skip = frame.slice(skip), 0
        yield frame, check(prepared.plan, frame, seen)


def _quarantine_rows(
    frame: pl.DataFrame, checked: Checked, rejected: list[tuple[int, str]], width: int
) -> list[dict[str, Any]]:
    """Original values, line and reason of every row of the batch that was not imported."""
    rows = [
        {"line": row[LINE], "reason": row[REASON], "data": raw_values(row, width)}
        for row in checked.rejected.iter_rows(named=True)
    ]
    if rejected:
        reasons = dict(rejected)
        originals = frame.filter(pl.col(LINE).is_in(list(reasons)))
        rows += [
            {"line": row[LINE], "reason": reasons[row[LINE]], "data": raw_values(row, width)}
            for row in originals.iter_rows(named=True)
        ]
    return sorted(rows, key=lambda r: r["line"])


def process(
    session: Any, plan: Plan, stage: staging.Stage, good: pl.DataFrame, actor: User | None
) -> merge.Outcome:
    """Stage and merge a batch of resolved good rows as `actor` (None: the command line);
    the caller owns the transaction."""
    staging.load(session, stage, good)
    return merge.merge(session, plan.spec, plan.key, stage, good.height, actor)


def resolve(
    session: Session, resolver: Resolver, checked: pl.DataFrame, actor: User | None
) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """A batch's good rows with their references resolved to ids (rows naming unknown
    records come back as (line, reason)) and the values the kind takes from the store."""
    good, unresolved = resolver.apply(session, checked)
    before_stage = resolver.spec.before_stage
    if before_stage is not None:
        good = before_stage(session, good, actor, resolver.memo)
    return good, unresolved


def acting_user(session: Session, actor_id: int | None) -> User | None:
    """The user an import writes as, loaded in the batch's session so that a change of
    department or role applies from the next batch; None for the command line.

    An uploader who was deactivated or deleted since the upload no longer acts: the job
    stops rather than write with rights its owner no longer has."""
    if actor_id is None:
        return None
    user = session.get(User, actor_id)
    if user is None or not user.is_active:
        raise PermissionDenied("the account that uploaded this file is no longer active")
    return user


def stage_for(plan: Plan, good: pl.DataFrame) -> staging.Stage:
    """The staging table for batches shaped like `good` (only what SQL needs: columns
    that are stored; a reference's text was already resolved to an id)."""
    spec = plan.spec
    stored = {*spec.derived, *(r.column for r in spec.references)}
    stored |= {f.name for f in spec.fields if f.target is not None}
    fields = [c for c in good.columns if c in stored]
    return staging.build_stage(spec, fields, plan.key.column is None)


def run(
    factory: SessionFactory,
    prepared: Prepared,
    *,
    actor_id: int | None = None,
    source: str = "cli",
    job_id: int | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Summary:
    """Import the prepared file (or, dry, check everything and roll each batch back)."""
    began = time.monotonic()
    started = (
        None
        if dry_run
        else jobstore.start(factory, prepared, actor_id=actor_id, source=source, job_id=job_id)
    )
    summary = Summary(
        counts=Counts() if started is None else started.counts,
        job_id=started.job_id if started else None,
        resumed=bool(started and started.resumed),
    )
    try:
        _loop(factory, prepared, summary, started, progress, actor_id)
    except BaseException as exc:
        if started is not None:
            jobstore.finish(factory, started.job_id, error=type(exc).__name__)
        raise
    if started is not None:
        summary.counts = jobstore.finish(factory, started.job_id)
    summary.seconds = time.monotonic() - began
    return summary


def _tally(
    prepared: Prepared,
    frame: pl.DataFrame,
    checked: Checked,
    unresolved: list[tuple[int, str]],
    outcome: merge.Outcome,
) -> tuple[Counts, list[dict[str, Any]]]:
    """A batch's counters and quarantine entries (read = the four outcomes added up)."""
    rejected = sorted([*unresolved, *outcome.rejected])
    counts = Counts(
        read=checked.read,
        inserted=outcome.inserted,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        quarantined=checked.rejected.height + len(rejected),
    )
    width = len(prepared.source.header)
    return counts, _quarantine_rows(frame, checked, rejected, width)


def _loop(
    factory: SessionFactory,
    prepared: Prepared,
    summary: Summary,
    started: jobstore.Started | None,
    progress: Progress | None,
    actor_id: int | None,
) -> None:
    seen = SeenKeys()
    stage: staging.Stage | None = None
    skip = started.checkpoint if started else 0
    done = skip
    resolver = Resolver(prepared.spec)
    for frame, checked in prefetch(checked_batches(prepared, skip, seen)):
        with factory() as session:
            jobstore.write_lock(session, started.job_id if started else None)
            with large_cache(session, CACHE_KIB):
                actor = acting_user(session, actor_id)
                good, unresolved = resolve(session, resolver, checked.good, actor)
                stage = stage or stage_for(prepared.plan, good)
                outcome = process(session, prepared.plan, stage, good, actor)
                counts, quarantine = _tally(prepared, frame, checked, unresolved, outcome)
                if started is not None:
                    jobstore.record_batch(session, started.job_id, counts, frame.height, quarantine)
                    session.commit()
                else:
                    session.rollback()
        summary.counts.add(counts)
        room = MAX_PROBLEMS - len(summary.problems)
        summary.problems += [(q["line"], q["reason"]) for q in quarantine[: max(room, 0)]]
        done += frame.height
        if progress is not None:
            progress(done)
    if stage is not None:
        with factory() as session:
            staging.drop(session, stage)
            session.commit()
    if started is not None and prepared.spec.after_import is not None:
        with factory() as session:
            prepared.spec.after_import(session, acting_user(session, actor_id))
            session.commit()
