"""A real Uvicorn server on a free loopback port, for browser and end-to-end tests."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session

from centricity.config import Settings
from centricity.db import make_engine, session_factory
from centricity.migrations import runner
from centricity.site.server import make_server
from thread_helpers import CallThread


def free_port() -> int:
    """Ask the OS for a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Output(logging.Handler):
    """Keeps what the server logs while it runs, to explain a start-up that failed."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Remember one formatted log line."""
        self.lines.append(self.format(record))


def _wait_until_healthy(base: str, thread: CallThread, output: _Output, timeout: float) -> None:
    """Return once /healthz answers 200; raise with the server's output if it never does."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while thread.is_alive() and time.monotonic() < deadline:
        try:
            answer = httpx.get(f"{base}/healthz", timeout=1)
        except httpx.HTTPError as exc:
            last = repr(exc)
        else:
            if answer.status_code == 200:
                return
            last = f"{answer.status_code} {answer.text[:200]}"
        time.sleep(0.1)
    state = "stopped" if not thread.is_alive() else f"was not healthy after {timeout} s"
    logged = "\n".join(output.lines) or "(nothing logged)"
    raise RuntimeError(
        f"the test server at {base} {state}; last /healthz answer: {last}; "
        f"server thread raised: {thread.error!r}\nserver output:\n{logged}"
    ) from thread.error


@contextmanager
def live_server(settings: Settings, *, startup_timeout: float = 20.0) -> Iterator[str]:
    """Serve the app in a thread until the block ends; yields the base URL.

    Yields only once GET /healthz answers 200, so a test never runs against a server that
    is not there; raises RuntimeError with the server's log output otherwise.
    """
    port = free_port()
    server = make_server(settings, host="127.0.0.1", port=port, own_process=False)
    output = _Output()  # added after uvicorn.Config, which resets uvicorn's handlers
    loggers = [logging.getLogger(name) for name in ("uvicorn", "centricity")]
    for logger in loggers:
        logger.addHandler(output)
    thread = CallThread(server.run, name=f"uvicorn-{port}")
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, thread, output, startup_timeout)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        for logger in loggers:
            logger.removeHandler(output)


@contextmanager
def served_store(
    data_dir: Path, secret: str, fill: Callable[[Session, Settings], None], **overrides: Any
) -> Iterator[str]:
    """A fresh migrated SQLite store, filled by `fill` and served live with the settings
    `overrides` name; yields the base URL."""
    settings = Settings(
        environment="test",
        data_dir=data_dir,
        secret_key=secret,
        scheduler_enabled=False,
        **overrides,
    )
    engine = make_engine(settings.database_url)
    runner.upgrade(engine)
    with session_factory(engine)() as session:
        fill(session, settings)
        session.commit()
    try:
        with live_server(settings) as base:
            yield base
    finally:
        engine.dispose()
