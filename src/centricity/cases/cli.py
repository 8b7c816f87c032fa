"""`centricity sla check`: run the service-level breach check once (the scheduler runs it
every minute)."""

from __future__ import annotations

import typer
from rich.console import Console

from centricity.cases import breach
from centricity.config import get_settings
from centricity.db import session_scope

console = Console()
sla = typer.Typer(help="Service-level targets of cases.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add `sla` to the root CLI."""
    app.add_typer(sla, name="sla")


@sla.command("check")
def check() -> None:
    """Warn about targets running short, mark missed ones breached, escalate; prints
    `checked=N warned=N breached=N` as its last line. Safe to run beside the scheduler."""
    with session_scope(get_settings()) as session:
        report = breach.check(session)
    console.print(report.line(), highlight=False)
