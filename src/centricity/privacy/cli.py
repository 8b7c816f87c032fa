"""`centricity export-person` and `centricity erase-person`: data-subject requests."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console
from rich.table import Table

from centricity.config import get_settings
from centricity.db import get_engine, session_scope
from centricity.privacy import residue, service

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


def _confirm(emails: list[str]) -> None:
    if not sys.stdin.isatty():
        typer.echo("Refusing to erase without --yes in non-interactive use.", err=True)
        raise typer.Exit(2)
    people = ", ".join(emails)
    typer.confirm(f"Erase all personal data of {people}? This cannot be undone.", abort=True)


def _print_report(console: Console, report: service.ErasureReport) -> None:
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


def _print_cleanup(console: Console, cleanup: residue.Cleanup) -> None:
    if cleanup.wal_truncated is None:
        console.print(f"Vacuumed: {', '.join(cleanup.vacuumed) or 'nothing'}.")
    elif cleanup.complete:
        console.print("Search index merged and write-ahead log emptied.")
    if cleanup.full:
        console.print("Store rewritten (--full).")


def erase_person_command(
    emails: list[str] = typer.Option(
        ...,
        "--email",
        metavar="<str>",
        help="E-mail of the person (any case); repeat it to erase several.",
    ),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    full: bool = typer.Option(
        False,
        "--full",
        help="Also rewrite the store (SQLite VACUUM, PostgreSQL VACUUM FULL); locks it.",
    ),
) -> None:
    """Anonymise a person everywhere; orders and statistics stay (right to erasure)."""
    if not yes:
        _confirm(emails)
    settings = get_settings()
    with session_scope(settings) as session:
        reports = service.erase_people(session, emails=emails, actor_label=ACTOR_LABEL)
    console = Console()
    for report in reports:
        if len(reports) > 1:
            console.print(f"{report.email}:")
        _print_report(console, report)
    # After commit and once per run: old copies of the rows leave the store's files.
    tables = service.touched_tables(reports)
    cleanup = residue.clean_up(get_engine(settings), tables=tables, full=full)
    _print_cleanup(console, cleanup)
    if not cleanup.complete:
        typer.echo(
            "The erasure is committed, but another connection still held old copies of the "
            "rows (a reader of the write-ahead log, or a transaction older than the "
            "erasure): run the command again later (it finishes the clean-up).",
            err=True,
        )
        raise typer.Exit(3)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root CLI."""
    app.command("export-person")(export_person_command)
    app.command("erase-person")(erase_person_command)
