"""`centricity surveys send CAMPAIGN_ID`: run an audience campaign's send in the
foreground, batch by batch, and print what it did."""

from __future__ import annotations

from collections import Counter

import typer
from rich.console import Console

from centricity.config import get_settings
from centricity.db import session_scope
from centricity.kit.errors import DomainError
from centricity.surveys import campaign_recipients, campaign_runs, campaigns

console = Console()
surveys = typer.Typer(help="Survey campaigns.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add `surveys` to the root CLI."""
    app.add_typer(surveys, name="surveys")


@surveys.command("send")
def send(campaign_id: int = typer.Argument(..., help="The audience campaign's id.")) -> None:
    """Take on the campaign's audience and invite it batch by batch (each batch its own
    transaction, so an interrupted send resumes where it stopped and nobody is invited
    twice); the last line reads `invited=N skipped=N` followed by the skips by reason."""
    settings = get_settings()
    with session_scope(settings) as session:
        try:
            campaign = campaigns.get(session, campaign_id)
            campaign_runs.check_sendable(campaign)
        except DomainError as error:
            console.print(f"[red]{error.message}[/red]", highlight=False)
            raise typer.Exit(1) from None
        campaign_recipients.fill_audience(session, campaign)
    report = campaign_runs.SendReport()
    while True:
        with session_scope(settings) as session:
            campaign = campaigns.get(session, campaign_id)
            if not campaign.active:
                break
            step = campaign_runs.send_batch(session, campaign)
        report.add(step)
        if not step.waiting:
            break
    console.print(_summary(report.invited, report.skipped), highlight=False)


def _summary(invited: int, skipped: Counter[str]) -> str:
    reasons = " ".join(f"{reason}={count}" for reason, count in sorted(skipped.items()))
    line = f"invited={invited} skipped={sum(skipped.values())}"
    return f"{line} {reasons}".rstrip()
