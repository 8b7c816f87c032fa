"""Command-line entry points of the jobs domain: run the worker, inspect the queue."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.console import Console
from rich.table import Table

from centricity.config import get_settings
from centricity.db import session_scope
from centricity.jobs import service
from centricity.jobs.models import Job
from centricity.jobs.service import JobStatus
from centricity.jobs.worker import run_worker

jobs_app = typer.Typer(help="Inspect the background job queue.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add `centricity worker` and `centricity jobs ...` to the root CLI."""
    app.command("worker")(worker)
    app.add_typer(jobs_app, name="jobs")


def worker(
    once: bool = typer.Option(False, "--once", help="Run every due job, then exit."),
) -> None:
    """Run background jobs and schedules (`serve` does this itself unless disabled)."""
    processed = run_worker(get_settings(), once=once)
    Console().print(f"Processed {processed} job(s).")


@jobs_app.command("list")
def list_jobs(
    status: JobStatus | None = typer.Option(None, "--status", help="Only jobs in this status."),
    limit: int = typer.Option(20, "--limit", min=1, max=1000, help="How many, newest first."),
) -> None:
    """Show the newest jobs with their status, attempts and last error class."""
    with session_scope(get_settings()) as session:
        jobs = service.list_recent(session, status=status, limit=limit)
        Console().print(_jobs_table(jobs))


def _jobs_table(jobs: list[Job]) -> Table:
    table = Table("id", "kind", "status", "attempts", "run_at", "last_error", title="Jobs")
    for job in jobs:
        table.add_row(
            str(job.id),
            job.kind,
            job.status,
            f"{job.attempts}/{job.max_attempts}",
            _when(job.run_at),
            job.last_error or "",
        )
    return table


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")
