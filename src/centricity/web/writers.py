"""Queue writing requests in the event loop when the store is SQLite.

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
