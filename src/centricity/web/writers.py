"""Queue requests in the event loop before they can deadlock the store: writing requests
on SQLite (one writer), every request beyond the connection pool on PostgreSQL.

SQLite has one writer. A writing request takes the write lock when its session starts
(`BEGIN IMMEDIATE`, in a worker thread) and holds it until the endpoint, run in another
worker thread, has finished. With more writing requests in flight than worker threads
(AnyIO's 40), every thread can end up waiting for the lock while the request holding it
waits for a thread: after the 10 s busy timeout they all fail with "database is locked"
(measured: 100 concurrent ingest requests gave 500s). Letting only a few writers into the
thread pool at once removes that deadlock and costs nothing, since SQLite would run
them one after another anyway; readers are never held back.
"""

from __future__ import annotations

import anyio
from sqlalchemy.pool import QueuePool
from starlette.types import ASGIApp, Receive, Scope, Send

from centricity.web.deps import SAFE_METHODS

WRITER_SLOTS = 8  # well under the 40 worker threads, so readers and endpoints always get one


class SQLiteWriterGate:
    """Let at most `slots` writing HTTP requests run at once; the rest wait without a thread."""

    def __init__(self, app: ASGIApp, *, slots: int = WRITER_SLOTS) -> None:
        self.app = app
        self.slots = slots
        self._gate: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if self._gate is None:  # created inside the running event loop
            self._gate = anyio.Semaphore(self.slots)
        async with self._gate:
            await self.app(scope, receive, send)


class ConnectionGate:
    """Let at most `slots` HTTP requests hold a pooled connection at once (both engines).

    A request takes its connection when its session dependency starts (in a worker
    thread) and keeps it until the endpoint, run in another worker thread, has finished.
    With more requests in flight than the pool holds, those with a connection wait for a
    thread while the threads wait for a connection: after the pool's 30 s timeout they
    failed with 500s (100 concurrent ingest requests on a pool of 40 on PostgreSQL; 50
    concurrent page readers on SQLite's pool of 15 stalled for 30 s). Waiting here, in the
    event loop and without a thread, keeps every admitted request able to finish. Static
    files use no connection and pass."""

    def __init__(self, app: ASGIApp, *, slots: int) -> None:
        self.app = app
        self.slots = slots
        self._gate: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        if self._gate is None:  # created inside the running event loop
            self._gate = anyio.Semaphore(self.slots)
        async with self._gate:
            await self.app(scope, receive, send)


def pool_capacity(bind: object) -> int | None:
    """How many connections the engine's pool can lend at once (None: no bounded pool,
    e.g. a test's session bound to one connection)."""
    pool = getattr(bind, "pool", None)
    if not isinstance(pool, QueuePool):
        return None
    return max(1, pool.size() + max(pool._max_overflow, 0))
