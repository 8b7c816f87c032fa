"""A real Uvicorn server on a free loopback port, for browser and end-to-end tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy.orm import Session

from centricity.app import create_app
from centricity.config import Settings
from centricity.db import make_engine, session_factory
from centricity.migrations import runner


def free_port() -> int:
    """Ask the OS for a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(settings: Settings) -> Iterator[str]:
    """Serve the app in a thread until the block ends; yields the base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def served_store(
    data_dir: Path, secret: str, fill: Callable[[Session, Settings], None]
) -> Iterator[str]:
    """A fresh migrated SQLite store, filled by `fill` and served live; yields the base URL."""
    settings = Settings(
        environment="test", data_dir=data_dir, secret_key=secret, scheduler_enabled=False
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
