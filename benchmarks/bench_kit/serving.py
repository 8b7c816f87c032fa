"""Serving the real app on a free loopback port: Uvicorn in a thread or a spawned process
(`LiveServer`), or `centricity serve` as its own command (`serve_command`)."""

from __future__ import annotations

import multiprocessing
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from typing import IO, Any

import httpx
import uvicorn

from bench_kit.processes import centricity_command
from centricity.app import create_app
from centricity.config import Settings


def free_port() -> int:
    """Ask the OS for a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(base: str, *, stop: Callable[[], None], who: str, poll_timeout: float) -> None:
    """Wait up to 60 s for `GET /healthz` to answer 200; else stop the server and exit."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=poll_timeout).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    stop()
    raise SystemExit(f"{who} did not answer /healthz within 60 s")


def _serve(settings: dict[str, Any], port: int) -> None:
    """Run Uvicorn with the real app (the target of the server process)."""
    app = create_app(Settings(**settings))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


class LiveServer:
    """The app under Uvicorn on a free port, in its own process (default) or a thread.

    `settings` are the keyword arguments of `Settings`, so a spawned process can rebuild them.
    """

    def __init__(self, settings: dict[str, Any], *, in_thread: bool) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._process: multiprocessing.process.BaseProcess | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        if in_thread:
            config = uvicorn.Config(
                create_app(Settings(**settings)),
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                access_log=False,
            )
            self._server = uvicorn.Server(config)
            self._thread = threading.Thread(target=self._server.run, daemon=True)
            self._thread.start()
        else:
            context = multiprocessing.get_context("spawn")
            self._process = context.Process(target=_serve, args=(settings, self.port), daemon=True)
            self._process.start()
        wait_healthy(self.base, stop=self.stop, who="the app", poll_timeout=2)

    def stop(self) -> None:
        """Stop the server this object started."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=10)


def serve_command(
    env: dict[str, str], port: int, *args: str, log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """`centricity serve --port PORT ARGS…` in its own process with `env` (its output to
    `log` if given), once it answers /healthz."""
    command = centricity_command("serve", "--port", str(port), *args)
    server = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    wait_healthy(
        f"http://127.0.0.1:{port}", stop=server.terminate, who="the server", poll_timeout=1
    )
    return server
