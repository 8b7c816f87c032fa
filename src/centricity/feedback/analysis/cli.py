"""`centricity voice analyze`: the text analysis of feedback in the foreground (language,
embeddings of new items, themes, sentiment), resumable, safe to re-run."""

from __future__ import annotations

import typer
from rich.console import Console

from centricity.config import get_settings
from centricity.db import session_scope
from centricity.feedback.analysis import notices, run

console = Console()
voice = typer.Typer(help="Voice of the customer: text analysis of feedback.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add `voice` to the root CLI."""
    app.add_typer(voice, name="voice")


@voice.command("analyze")
def analyze(
    full: bool = typer.Option(
        False,
        "--full",
        help="Fit the themes and the sentiment model again on every item (kept themes keep "
        "their id, name and owner); default: only items not analysed yet.",
    ),
) -> None:
    """Analyse feedback not analysed yet: language, embedding (once per item), theme and
    sentiment; then tell the owners of themes rising now. The last line reads
    `items=N embedded=N themes=N`."""
    settings = get_settings()
    with session_scope(settings) as session, console.status("starting") as status:
        result = run.analyze(
            session,
            settings=settings,
            full=full,
            checkpoint=session.commit,
            progress=lambda stage: status.update(stage),
        )
        status.update("spikes")
        told = notices.notify_spikes(session)
    if result.not_analysable:
        console.print(f"not analysable (empty or no letters): {result.not_analysable}")
    if result.topic_vectors_added:
        console.print(f"topic vectors added to earlier items: {result.topic_vectors_added}")
    if result.unthemed_share is not None:
        console.print(f"in no theme: {result.unthemed_share:.1%}")
    if result.themes_added or result.themes_retired:
        console.print(
            f"themes added: {len(result.themes_added)}, retired: {len(result.themes_retired)}"
        )
    if result.sentiment_note:
        console.print(f"[yellow]sentiment: {result.sentiment_note}[/yellow]", highlight=False)
    if told:
        console.print(f"spike notices to theme owners: {told}")
    console.print(result.summary(), highlight=False)
