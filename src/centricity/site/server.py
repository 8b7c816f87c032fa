"""Run the app under Uvicorn: one process, or several workers (`--workers N`) of which
exactly one runs the in-process job scheduler (see `jobs.lease`)."""

from __future__ import annotations

import logging

import uvicorn
from fastapi import FastAPI

from centricity.app import create_app
from centricity.config import Settings, get_settings

# Uvicorn's exit status when the server could not start (the port is taken, for instance).
STARTUP_FAILURE = 3
# SQLite has one writer at a time: past a few processes they only queue for its lock.
MAX_SQLITE_WORKERS = 4
MAX_WORKERS = 32


def check_workers(settings: Settings, workers: int) -> None:
    """Refuse a worker count that cannot work, saying why, before anything starts."""
    if workers < 1:
        raise ValueError(f"--workers must be at least 1, not {workers}")
    if workers > MAX_WORKERS:
        raise ValueError(f"--workers must be at most {MAX_WORKERS}, not {workers}")
    if settings.is_sqlite and workers > MAX_SQLITE_WORKERS:
        raise ValueError(
            f"--workers {workers}: SQLite serves at most {MAX_SQLITE_WORKERS} workers (one "
            "writer at a time); use PostgreSQL (CENTRICITY_DATABASE_URL) for more"
        )


def app_from_environment() -> FastAPI:
    """The app each of several workers builds from the environment (Uvicorn imports it by
    name in every worker process, so nothing can be handed over in memory)."""
    settings = get_settings()
    configure_logging(settings)
    return create_app(settings, serving=True)


def configure_logging(settings: Settings) -> None:
    """Log request lines and errors without personal data (no query strings, no bodies)."""
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def make_server(
    settings: Settings, *, host: str, port: int, own_process: bool = True
) -> uvicorn.Server:
    """A Uvicorn server for the app that believes `X-Forwarded-For`/`-Proto` only from the
    proxies in `CENTRICITY_FORWARDED_ALLOW_IPS`.

    Uvicorn's own default trusts those headers from 127.0.0.1, so any local process, or a
    client behind a local proxy that passes the header on, could pick its address and
    defeat the per-address login throttle; with the setting empty nobody is trusted.
    `own_process` is false for a server started inside another program (the tests' live
    server), whose objects must stay collectable (see `web.heap`).
    """
    trusted = settings.forwarded_allow_ips
    config = uvicorn.Config(
        create_app(settings, serving=own_process),
        host=host,
        port=port,
        # Uvicorn's access log prints query strings (search terms are personal data): ours doesn't.
        access_log=False,
        log_level="warning",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted,  # never None: Uvicorn would then read FORWARDED_ALLOW_IPS
    )
    return uvicorn.Server(config)


def run(settings: Settings, *, host: str, port: int, workers: int = 1) -> None:
    """Serve Centricity on host:port until interrupted, in one process or in `workers`
    worker processes (which read their settings from the same environment)."""
    configure_logging(settings)
    if workers == 1:
        server = make_server(settings, host=host, port=port)
        server.run()
        if not server.started:
            raise SystemExit(STARTUP_FAILURE)
        return
    trusted = settings.forwarded_allow_ips
    uvicorn.run(
        "centricity.site.server:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted,
    )
