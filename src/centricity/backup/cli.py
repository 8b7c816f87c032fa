"""`centricity backup` and `centricity restore`: whole-store copies for both engines."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from centricity.backup import service
from centricity.config import get_settings
from centricity.kit.errors import DomainError


def _print(title: str, result: service.BackupResult) -> None:
    typer.echo(f"{title}: {result.path} (schema revision {result.revision})")
    console = Console()
    table = Table("table", "rows")
    for name, count in result.row_counts.items():
        table.add_row(name, str(count))
    console.print(table)


def _fail(error: DomainError) -> typer.Exit:
    typer.echo(f"Error: {error}", err=True)
    return typer.Exit(1)


def backup_command(
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write; default <data_dir>/backups/centricity-*."
    ),
) -> None:
    """Write a consistent copy of the store (safe while the server runs)."""
    try:
        result = service.backup(get_settings(), output=output)
    except DomainError as error:
        raise _fail(error) from error
    _print("Backup written", result)


def restore_command(
    path: Path = typer.Argument(..., help="A file written by `centricity backup`."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Replace the store's contents with a backup (stop the server first)."""
    if not yes:
        if not sys.stdin.isatty():
            typer.echo("Refusing to restore without --yes in non-interactive use.", err=True)
            raise typer.Exit(2)
        typer.confirm("Replace ALL data in the configured store with this backup?", abort=True)
    try:
        result = service.restore(get_settings(), source=path)
    except DomainError as error:
        raise _fail(error) from error
    _print("Restored", result)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root CLI."""
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
