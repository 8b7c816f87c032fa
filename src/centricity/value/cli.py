"""`centricity analyze`: score every customer's value (resumable, safe to re-run)."""

from __future__ import annotations

from datetime import date

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from centricity.analytics.models import AnalyticsRun
from centricity.config import get_settings
from centricity.db import session_scope
from centricity.value import queries, service

console = Console()


def register(app: typer.Typer) -> None:
    """Add `analyze` to the root CLI."""
    app.command("analyze")(analyze)


def analyze(
    as_of: str = typer.Option(
        None,
        "--as-of",
        help="Score as of this date (YYYY-MM-DD); default: CENTRICITY_VALUE_AS_OF, else "
        "today (UTC).",
    ),
) -> None:
    """Score customer value: RFM, BG/NBD, Gamma-Gamma, CLV, cost to serve, tiers."""
    settings = get_settings()
    try:
        day = date.fromisoformat(as_of) if as_of else service.default_as_of(settings)
    except ValueError:
        console.print(f"[red]error:[/red] --as-of must be a date like 2026-11-01, not {as_of!r}")
        raise typer.Exit(code=2) from None
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with session_scope(settings) as session, Progress(*columns, console=console) as bar:
        task = bar.add_task("starting", total=None)
        run = service.analyze(
            session,
            as_of=day,
            settings=settings,
            progress=lambda stage: bar.update(task, description=stage),
        )
        _summary(session, run)


def _summary(session: Session, run: AnalyticsRun) -> None:
    stats = run.stats
    console.print(
        f"Value run {run.id} as of {run.as_of_date}: {stats.get('customers', 0)} customers scored"
    )
    if "model_note" in stats:
        console.print(f"[yellow]{stats['model_note']}[/yellow]")
    for stage in ("aggregate_seconds", "model_seconds", "write_seconds"):
        if stage in stats:
            console.print(f"  {stage.removesuffix('_seconds')}: {stats[stage]:.2f} s")
    table = Table("Tier", "Customers", "Revenue", "Average CLV")
    for row in queries.tiers(session, run, queries.tier_order(run)):
        clv = "–" if row.average_clv is None else f"{row.average_clv:,.2f}"
        table.add_row(row.name, str(row.customers), f"{row.revenue:,.2f}", clv)
    console.print(table)
