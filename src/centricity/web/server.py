"""Run the app under Uvicorn (one process; the scheduler runs inside it)."""

from __future__ import annotations

import logging

import uvicorn

from centricity.app import create_app
from centricity.config import Settings


def configure_logging(settings: Settings) -> None:
    """Log request lines and errors without personal data (no query strings, no bodies)."""
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def run(settings: Settings, *, host: str, port: int) -> None:
    """Serve Centricity on host:port until interrupted."""
    configure_logging(settings)
    app = create_app(settings)
    # Uvicorn's access log prints query strings (search terms are personal data): ours doesn't.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
