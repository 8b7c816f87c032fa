"""One queue for the writers of a SQLite store inside a process, instead of SQLite's polling.

SQLite lets one writer in at a time. A writer that finds the lock taken does not wait on it:
SQLite's busy handler sleeps and tries again, with sleeps growing to 100 ms, so under steady
load an unlucky writer keeps waking after the lock has been taken again and can wait
seconds while later writers pass it. Measured at 100 survey answers/s offered to one worker
(each answer a short write transaction of about 8 ms): median 18 ms, p95 245 ms, p99
1,647 ms (benchmarks/README.md, "Surveys").

Here every transaction that starts as a writer (`BEGIN IMMEDIATE`, see `db.begin_writing`)
first takes the engine's lock and holds it until its COMMIT or ROLLBACK has finished, so a
waiting writer is woken the moment the previous one is done. Only writers of this process
queue here; another process (a `centricity worker`, a second server) still meets SQLite's
own lock and busy timeout, which remain the guarantee. Nothing about durability changes:
the same statements run, in the same transactions, with the same `synchronous=FULL`.

A writer that cannot get the lock within the busy timeout goes on to SQLite, which then
waits its own busy timeout and fails with "database is locked" as before; the queue never
turns a wait into a hang.
"""

from __future__ import annotations

import threading
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event

WRITER_MODES = frozenset({"IMMEDIATE", "EXCLUSIVE"})
_QUEUES: WeakKeyDictionary[Engine, WriterQueue] = WeakKeyDictionary()


class WriterQueue:
    """The lock the writers of one engine take in turn, and which connections hold it."""

    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        self._holders: set[int] = set()
        self._guard = threading.Lock()

    def enter(self, dbapi_connection: Any) -> bool:
        """Wait for this connection's turn to write; False when the wait timed out (the
        transaction then meets SQLite's own lock). A connection already holding the turn
        keeps it."""
        key = _key(dbapi_connection)
        with self._guard:
            if key in self._holders:
                return True
        if not self._lock.acquire(timeout=self.timeout_seconds):
            return False
        with self._guard:
            self._holders.add(key)
        return True

    def leave(self, dbapi_connection: Any) -> None:
        """Give the turn to the next writer, if this connection held it."""
        key = _key(dbapi_connection)
        with self._guard:
            if key not in self._holders:
                return
            self._holders.discard(key)
        self._lock.release()

    def holds(self, dbapi_connection: Any) -> bool:
        """Whether this connection holds the writers' turn now."""
        with self._guard:
            return _key(dbapi_connection) in self._holders


def _key(connection: Any) -> int:
    # SQLAlchemy passes the pool's proxy to the dialect and the raw DBAPI connection to
    # pool events; both name the same driver connection.
    return id(getattr(connection, "dbapi_connection", connection))


def install(engine: Engine, timeout_seconds: float) -> WriterQueue:
    """Queue `engine`'s writing transactions in this process; the turn is given back after
    the DBAPI COMMIT or ROLLBACK (or when a connection is returned to the pool or closed
    while holding it), never before, so the next writer finds SQLite's lock free."""
    queue = WriterQueue(timeout_seconds)
    dialect: Any = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection: Any) -> None:
        try:
            commit(dbapi_connection)
        finally:
            queue.leave(dbapi_connection)

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            queue.leave(dbapi_connection)

    # The dialect object belongs to this engine alone; its pool resets returned
    # connections through the same `do_rollback`.
    dialect.do_commit = do_commit
    dialect.do_rollback = do_rollback

    def released(dbapi_connection: Any, *_args: Any) -> None:
        queue.leave(dbapi_connection)

    for name in ("checkin", "close", "close_detached", "invalidate", "soft_invalidate"):
        event.listen(engine, name, released)
    _QUEUES[engine] = queue
    return queue


def queue_of(engine: Engine) -> WriterQueue | None:
    """The writer queue installed on `engine` (None on PostgreSQL)."""
    return _QUEUES.get(engine)
