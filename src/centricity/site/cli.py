"""`centricity serve`: run the web app (with the in-process job scheduler)."""

from __future__ import annotations

import os

import typer

from centricity.config import get_settings


def register(app: typer.Typer) -> None:
    """Add `serve` to the root CLI."""
    app.command("serve")(serve)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(
        1,
        "--workers",
        help="App worker processes (default 1). On SQLite at most 4; with PostgreSQL about "
        "one per core. Exactly one of them runs the job scheduler.",
    ),
    no_scheduler: bool = typer.Option(
        False,
        "--no-scheduler",
        help="Run no jobs or schedules in the server: leave them to `centricity worker`.",
    ),
) -> None:
    """Serve the web app and API; GET /healthz answers 200 without login.

    Behind a reverse proxy, set CENTRICITY_FORWARDED_ALLOW_IPS to the proxy's address.
    """
    from centricity.site.server import check_workers, run

    if no_scheduler:
        # Through the environment, so that every worker process reads it too.
        os.environ["CENTRICITY_SCHEDULER_ENABLED"] = "false"
    settings = get_settings()
    try:
        settings.check_secure()
        check_workers(settings, workers)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    run(settings, host=host, port=port, workers=workers)
