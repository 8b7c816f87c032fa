"""`centricity mail fetch`: read every configured IMAP mailbox once (the scheduler does it
every minute)."""

from __future__ import annotations

import typer
from rich.console import Console

from centricity.config import get_settings
from centricity.db import get_engine, session_factory
from centricity.mail import imap, mailboxes

console = Console()
mail = typer.Typer(help="The e-mail channel of the service desk.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add `mail` to the root CLI."""
    app.add_typer(mail, name="mail")


@mail.command("fetch")
def fetch() -> None:
    """Import the new messages of every mailbox in CENTRICITY_MAIL_MAILBOXES_FILE that has
    an imap_url; prints `fetched=N created=N threaded=N ignored=N` as its last line. A
    mailbox that cannot be read is reported and the others are read all the same (exit
    code 1 when any failed)."""
    settings = get_settings()
    boxes = mailboxes.load(settings)
    report = imap.fetch_all(session_factory(get_engine(settings)), boxes, settings)
    for name in report.failed:
        console.print(f"mailbox {name} could not be read (see the log)", highlight=False)
    console.print(report.line(), highlight=False)
    if report.failed:
        raise typer.Exit(code=1)
