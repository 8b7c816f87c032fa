"""Run the app under Uvicorn (one process; the scheduler runs inside it)."""

from __future__ import annotations

import logging

import uvicorn

from centricity.app import create_app
from centricity.config import Settings

# Uvicorn's exit status when the server could not start (the port is taken, for instance).
STARTUP_FAILURE = 3


def configure_logging(settings: Settings) -> None:
    """Log request lines and errors without personal data (no query strings, no bodies)."""
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def make_server(settings: Settings, *, host: str, port: int) -> uvicorn.Server:
    """A Uvicorn server for the app that believes `X-Forwarded-For`/`-Proto` only from the
    proxies in `CENTRICITY_FORWARDED_ALLOW_IPS`.

    Uvicorn's own default trusts those headers from 127.0.0.1, so any local process, or a
    client behind a local proxy that passes the header on, could pick its address and
    defeat the per-address login throttle; with the setting empty nobody is trusted.
    """
    trusted = settings.forwarded_allow_ips
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        # Uvicorn's access log prints query strings (search terms are personal data): ours doesn't.
        access_log=False,
        log_level="warning",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted,  # never None: Uvicorn would then read FORWARDED_ALLOW_IPS
    )
    return uvicorn.Server(config)


def run(settings: Settings, *, host: str, port: int) -> None:
    """Serve Centricity on host:port until interrupted."""
    configure_logging(settings)
    server = make_server(settings, host=host, port=port)
    server.run()
    if not server.started:
        raise SystemExit(STARTUP_FAILURE)
