"""`centricity demo`: build the seeded multilingual demo workspace, then serve it."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import NoReturn

import typer
from sqlalchemy.engine import make_url

from centricity.config import Environment, Settings, ensure_secret_key_file, get_settings
from centricity.db import get_engine, session_scope
from centricity.demo import feedback, generator, people, service_desk
from centricity.feedback.analysis import run as text_analysis
from centricity.kit.errors import Conflict
from centricity.kit.time import parse_date, today_utc
from centricity.migrations import runner
from centricity.value import service as value_service

DEMO_TIME_ZONE = "Europe/Prague"


def register(app: typer.Typer) -> None:
    """Add `demo` to the root CLI."""
    app.command("demo")(demo)


def demo(
    seed: int = typer.Option(42, "--seed", help="Random seed: the same seed gives the same rows."),
    customers: int = typer.Option(5000, "--customers", min=1, help="How many customers."),
    years: int = typer.Option(2, "--years", min=1, max=10, help="Years of order history."),
    as_of: str = typer.Option(
        None,
        "--as-of",
        help="Day the simulated history ends (YYYY-MM-DD); default: today, so the demo looks "
        "like a live business on any day. With it, the value analysis stays on that day.",
    ),
    no_serve: bool = typer.Option(False, "--no-serve", help="Build and print the login only."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    reset: bool = typer.Option(False, "--reset", help="Delete the SQLite store first."),
) -> None:
    """Build a demo workspace in six languages (once per seed and day) and serve it."""
    settings = demo_settings(pinned=_as_of(as_of) if as_of else None)
    day = settings.value_as_of or today_utc()
    options = generator.DemoOptions(seed, customers, years, day)
    rebuild, day = (False, day) if reset else _plan(settings, options)
    options = replace(options, as_of=day)
    prepare_store(settings, reset=reset or rebuild)
    started = time.perf_counter()
    summary = build_workspace(settings, options)
    analyze_value(settings, options.as_of)
    summary = add_service_desk(settings, options, summary)
    summary = add_feedback(settings, options, summary)
    analyze_text(settings)
    _report(summary, options, time.perf_counter() - started)
    _print_login(options.seed, host, port)
    if not no_serve:
        from centricity.site.server import run

        run(settings, host=host, port=port)


def _plan(settings: Settings, options: generator.DemoOptions) -> tuple[bool, date]:
    """Whether to rebuild, and the day the workspace's history ends. A SQLite store with
    this seed's workspace built for another day is rebuilt when nobody changed it since,
    so the dashboard never shows a history that ended weeks ago; a store someone worked in
    is kept as it is (and analysed as of its own day), with a word on how to rebuild it."""
    if not settings.is_sqlite:
        return False, options.as_of
    runner.upgrade(get_engine(settings))
    with session_scope(settings) as session:
        if generator.existing_seed(session) != options.seed:
            return False, options.as_of
        built = generator.built_as_of(session)
        if built == options.as_of:
            return False, options.as_of
        changed = generator.changed_since_build(session, options)
    ends = f"The demo workspace's history ends on {built or 'an unrecorded day'}"
    if changed:
        typer.echo(f"{ends}; it holds changes made since, so it is kept (--reset rebuilds it).")
        if built is None:
            return False, options.as_of
        os.environ["CENTRICITY_VALUE_AS_OF"] = built.isoformat()
        return False, built
    typer.echo(f"{ends}; rebuilding it to end on {options.as_of} (--as-of keeps a fixed day).")
    get_engine(settings).dispose()
    return True, options.as_of


def _as_of(value: str) -> date:
    try:
        return parse_date(value)
    except ValueError as error:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--as-of") from error


def demo_settings(pinned: date | None = None) -> Settings:
    """Settings with development conveniences unless CENTRICITY_ENVIRONMENT says otherwise,
    pages in Prague time unless CENTRICITY_TIME_ZONE says otherwise, and with `--as-of`
    the value analysis pinned to that day (a later one would see every customer lapsing).

    Production is refused: every demo account's password can be derived from the seed.
    """
    # Through the environment, so the in-process job worker's settings agree.
    os.environ.setdefault("CENTRICITY_ENVIRONMENT", Environment.DEVELOPMENT.value)
    os.environ.setdefault("CENTRICITY_TIME_ZONE", DEMO_TIME_ZONE)
    if pinned is not None:
        os.environ["CENTRICITY_VALUE_AS_OF"] = pinned.isoformat()
    else:  # the demo's history ends today: nothing may pin its analysis to another day
        os.environ.pop("CENTRICITY_VALUE_AS_OF", None)
    settings = get_settings()
    if settings.environment is Environment.PRODUCTION:
        _fail("refusing to build a demo in production: its passwords follow from the seed")
    ensure_secret_key_file(settings)
    return settings


def prepare_store(settings: Settings, *, reset: bool) -> None:
    """Optionally delete the SQLite file, then bring the schema up to date."""
    if reset:
        reset_sqlite(settings)
    runner.upgrade(get_engine(settings))


def reset_sqlite(settings: Settings) -> None:
    """Delete the SQLite store (with its WAL files); other stores are never dropped."""
    if not settings.is_sqlite:
        _fail("--reset only deletes a SQLite store; drop the PostgreSQL database yourself")
    get_engine(settings).dispose()
    database = make_url(settings.database_url).database
    if database and database != ":memory:":
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)


def build_workspace(settings: Settings, options: generator.DemoOptions) -> generator.BuildSummary:
    """Build the workspace in one transaction, or find it built; explain a refusal."""
    try:
        with session_scope(settings) as session:
            return generator.build(session, options)
    except Conflict as error:
        _fail(str(error))


def analyze_value(settings: Settings, as_of: date) -> None:
    """Score the demo customers' value so the Value page and 360 panels have figures."""
    with session_scope(settings) as session:
        value_service.analyze(session, as_of=as_of, settings=settings)


def analyze_text(settings: Settings) -> None:
    """Analyse the demo's feedback (survey comments, reviews, chats, e-mails and posts in six
    languages): language, one embedding per item, themes and sentiment, so the Voice page
    has themes, drivers and spike alerts.
    A store analysed before only gets its new items analysed."""
    with session_scope(settings) as session:
        result = text_analysis.analyze(session, settings=settings, checkpoint=session.commit)
    typer.echo(f"Feedback analysed: {result.summary()}")


def add_service_desk(
    settings: Settings, options: generator.DemoOptions, summary: generator.BuildSummary
) -> generator.BuildSummary:
    """Add calendars, service-level policies, cases and two weeks of phone calls once the
    value analysis has given customers their tiers (the tier policies match on them);
    recount for the summary."""
    with session_scope(settings) as session:
        service_desk.build(session, options)
        return generator.BuildSummary(summary.built, generator.counts(session))


def add_feedback(
    settings: Settings, options: generator.DemoOptions, summary: generator.BuildSummary
) -> generator.BuildSummary:
    """Add a year of reviews, chats, e-mails, imported surveys and posts (`demo/feedback.py`)
    once the value tiers are known (billing complaints lean to the best tiers), before the
    text analysis; recount for the summary."""
    with session_scope(settings) as session:
        feedback.build(session, options, service_desk.history_end(options))
        return generator.BuildSummary(summary.built, generator.counts(session))


def _report(summary: generator.BuildSummary, options: generator.DemoOptions, took: float) -> None:
    verb = f"built in {took:.1f} s" if summary.built else "already built"
    typer.echo(f"Demo workspace (seed {options.seed}, history to {options.as_of}): {verb}")
    typer.echo("  " + ", ".join(f"{n:,} {name}" for name, n in summary.counts.items()))


def _print_login(seed: int, host: str, port: int) -> None:
    shown = "localhost" if host in {"0.0.0.0", "::", ""} else host
    url_host = f"[{shown}]" if ":" in shown else shown
    password = generator.demo_password(seed)
    typer.echo(f"Open http://{url_host}:{port}/")
    typer.echo(f"Log in as {people.ADMIN_EMAIL} with password {password}")
    examples = (people.STAFF[i] for i in (0, 1, 4, -1))
    staff = ", ".join(f"{people.staff_email(name)} ({role.value})" for name, _, role in examples)
    typer.echo(f"Same password for the staff, e.g. {staff}")


def _fail(message: str) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)
