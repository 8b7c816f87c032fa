"""`centricity export-person` and `centricity erase-person`: data-subject requests."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console
from rich.table import Table

from centricity.config import get_settings
from centricity.db import session_scope
from centricity.privacy import service

ACTOR_LABEL = "cli"


def export_person_command(
    email: str = typer.Option(..., "--email", help="E-mail of the person (any case)."),
) -> None:
    """Write everything stored about a person as JSON to stdout (right of access)."""
    with session_scope(get_settings()) as session:
        result = service.export_person(session, email=email, actor_label=ACTOR_LABEL)
    typer.echo(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    if not result["found"]:
        typer.echo("No customer, contact person or user has this e-mail.", err=True)


def _confirm(email: str) -> None:
    if not sys.stdin.isatty():
        typer.echo("Refusing to erase without --yes in non-interactive use.", err=True)
        raise typer.Exit(2)
    typer.confirm(f"Erase all personal data of {email}? This cannot be undone.", abort=True)


def _print_report(report: service.ErasureReport) -> None:
    console = Console()
    if not report.found:
        console.print("Nothing to erase: no customer, contact person or user has this e-mail.")
        return
    console.print(
        f"Erased: {len(report.customer_ids)} customer(s), "
        f"{len(report.contact_person_ids)} contact person(s), {len(report.user_ids)} user(s)."
    )
    table = Table("table", "rows changed")
    for name, count in sorted(report.changed.items()):
        table.add_row(name, str(count))
    console.print(table)


def erase_person_command(
    email: str = typer.Option(..., "--email", help="E-mail of the person (any case)."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Anonymise a person everywhere; orders and statistics stay (right to erasure)."""
    if not yes:
        _confirm(email)
    with session_scope(get_settings()) as session:
        report = service.erase_person(session, email=email, actor_label=ACTOR_LABEL)
    _print_report(report)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root CLI."""
    app.command("export-person")(export_person_command)
    app.command("erase-person")(erase_person_command)
