"""Group commit for a SQLite store: writes that arrive together share one COMMIT and its fsync.

SQLite lets one writer in at a time, and with `synchronous=FULL` every COMMIT waits for the
disk (an `fdatasync` of the write-ahead log). On this project's virtual machines that wait
is usually under a millisecond but often tens and sometimes 100-160 ms: traced with `perf
trace` at 100 survey answers/s offered, the server's fdatasync calls had a p50 of 0.56 ms,
a p99 of 34 ms and a maximum of 157 ms, and took 100-420 ms of every second in all
(benchmarks/README.md, "Surveys"). The writer holds the lock for all of it, so each slow
fsync lined every answer behind it up, and at 75 % of a core busy the queue drained slowly:
the slow seconds of the runs that missed their p95 were the seconds of those fsyncs.

Here units of work are handed to one writer thread per store. It runs each in a SAVEPOINT
of one shared transaction, taking whatever units are waiting when it starts or finishes
one, and COMMITs once for all of them; each unit's caller gets its result only after that
COMMIT has returned. A slow fsync therefore no longer costs one answer per fsync: the
answers that queued behind it are written by the next COMMIT together.

Durability is unchanged: nothing is answered before the COMMIT that stores it has reached
the disk, with the same `synchronous=FULL`. Isolation between units is the savepoint's: a
unit that raises is rolled back alone and gets its own error; a later unit sees what an
earlier one of its group wrote, as it would had that one committed first. If the COMMIT
itself fails, nothing of the group is stored and every unit gets that error; the same when
SQLite ends the whole transaction on its own (a full disk, an I/O error roll back past any
savepoint), which is checked after every unit (`TransactionLost`). A group that cannot
begin (the store locked by another process past the busy timeout) fails its units too:
no caller is left waiting.

The thread is started on the first unit and ends after `IDLE_SECONDS` without work, so an
app that is built and dropped (the test suite builds hundreds) leaves no thread behind.
"""

from __future__ import annotations

import contextvars
import copy as _copy
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")

MAX_GROUP = 32  # units per COMMIT, so one group never holds the writers' turn for long
IDLE_SECONDS = 5.0


@dataclass
class _Unit(Generic[T]):
    work: Callable[[Session], T]
    context: contextvars.Context
    future: Future[T]


class GroupCommit:
    """One writer thread for a SQLite engine that commits the units waiting for it together."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        max_group: int = MAX_GROUP,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        engine = factory.kw.get("bind")
        if not isinstance(engine, Engine) or engine.dialect.name != "sqlite":
            raise ValueError("group commit needs a session factory bound to a SQLite engine")
        self.engine = engine
        self.factory = factory
        self.max_group = max_group
        self.idle_seconds = idle_seconds
        self.groups = 0  # COMMITs issued, for tests and diagnostics
        self._queue: queue.SimpleQueue[_Unit[Any]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, work: Callable[[Session], T]) -> Future[T]:
        """Queue `work` to run in a savepoint of the next group's transaction; the future
        holds its result (or its error) once the group's COMMIT has returned. The caller's
        context variables are those the work sees."""
        unit = _Unit(work, contextvars.copy_context(), Future())
        with self._lock:  # the thread cannot decide to end between the put and this check
            self._queue.put(unit)
            if self._thread is None:
                self._start_thread()
        return unit.future

    def _start_thread(self) -> None:
        """Start the writer thread; the caller holds `_lock`. `_thread` is set only once
        the thread has started, so a failed start leaves the next submit to try again."""
        thread = threading.Thread(target=self._serve, name="sqlite-group-commit", daemon=True)
        thread.start()
        self._thread = thread

    def _serve(self) -> None:
        try:
            while True:
                try:
                    first = self._queue.get(timeout=self.idle_seconds)
                except queue.Empty:
                    with self._lock:
                        if self._queue.empty():
                            self._thread = None
                            return
                    continue
                self._run_group(first)
        except BaseException:
            # Never leave units waiting on a thread that is gone: the next submit (or this
            # hand-over, when units are already queued) starts another.
            with self._lock:
                self._thread = None
                if not self._queue.empty():
                    self._start_thread()
            raise

    def _run_group(self, first: _Unit[Any]) -> None:
        taken: list[_Unit[Any]] = [first]  # every unit this group took from the queue
        outcomes: dict[int, tuple[Any, BaseException | None]] = {}
        began = False
        try:
            with self.engine.connect() as connection:
                connection.execution_options(sqlite_begin="IMMEDIATE")
                with connection.begin():
                    began = True
                    driver = connection.connection.dbapi_connection
                    unit: _Unit[Any] | None = first
                    while unit is not None:
                        if unit.future.set_running_or_notify_cancel():
                            outcomes[id(unit)] = self._run_unit(connection, unit)
                            if not getattr(driver, "in_transaction", True):
                                # SQLite rolled the whole transaction back (a full disk, an
                                # I/O error): the group's earlier writes are gone too, and
                                # later statements would commit one by one.
                                raise TransactionLost
                        unit = self._next() if len(taken) < self.max_group else None
                        if unit is not None:
                            taken.append(unit)
            self.groups += 1
        except BaseException as error:  # BEGIN, the COMMIT or the transaction failed
            if not began:
                # The store is locked (another process past the busy timeout): the units
                # queued meanwhile would only wait as long again, one group after another.
                while (waiting := self._next()) is not None:
                    taken.append(waiting)
            for unit in taken:  # nothing of the group is stored: each learns why
                own = outcomes.get(id(unit), (None, None))[1]
                _settle(unit.future, None, own or _fresh(error))
            return
        for unit in taken:
            if id(unit) in outcomes:
                _settle(unit.future, *outcomes[id(unit)])

    def _next(self) -> _Unit[Any] | None:
        try:
            return self._queue.get_nowait()
        except queue.Empty:
            return None

    def _run_unit(self, connection: Any, unit: _Unit[Any]) -> tuple[Any, BaseException | None]:
        """Run one unit in its own savepoint: its result, or the error it raised after its
        writes were rolled back. A savepoint that cannot be rolled back (SQLite ended the
        transaction) fails the whole group, so no unit's partial writes are committed."""
        session = self.factory(bind=connection, join_transaction_mode="create_savepoint")
        try:
            result = unit.context.run(unit.work, session)
            session.commit()  # releases the unit's savepoint; the group commits later
            return result, None
        except BaseException as error:  # handed to the unit's caller, as a thread pool does
            try:
                session.rollback()
            except Exception:
                raise TransactionLost from error
            return None, error
        finally:
            session.close()


def _settle(future: Future[Any], result: Any, error: BaseException | None) -> None:
    """Give a unit's caller its outcome, unless the caller has cancelled it meanwhile."""
    with suppress(InvalidStateError):
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)


def _fresh(error: BaseException) -> BaseException:
    """A copy of a group's error for one caller, caused by the original: the same object
    raised in many requests would gather all their tracebacks."""
    try:
        copy = _copy.copy(error)
    except Exception:
        return error
    copy.__cause__ = error
    return copy


class TransactionLost(RuntimeError):
    """SQLite ended the group's transaction on its own, so nothing of the group is stored."""

    def __init__(
        self, message: str = "the store rolled back the shared transaction; nothing was saved"
    ) -> None:
        super().__init__(message)


def group_commit_for(factory: sessionmaker[Session]) -> GroupCommit | None:
    """A group commit for the factory's store when it is a SQLite engine, else None
    (PostgreSQL runs concurrent writers and groups their fsyncs itself; a factory bound to
    one connection, as tests use, has no second transaction to share)."""
    bind = factory.kw.get("bind")
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        return GroupCommit(factory)
    return None
