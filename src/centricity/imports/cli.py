"""`centricity import KIND FILE`: bring a file of customers, orders, contacts… in.

The last line of the output is always the summary, `read=N inserted=N updated=N
unchanged=N quarantined=N`. Exit codes: 0 imported (or everything was already there),
1 nothing could be imported, 2 the file or the options are unusable.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from centricity.config import get_settings
from centricity.db import get_engine, session_factory
from centricity.imports import registry, service
from centricity.imports.check import mapping
from centricity.imports.load.jobstore import ImportBusy
from centricity.imports.load.runner import Summary
from centricity.imports.plan import ImportOptions, Prepared
from centricity.imports.read.readers import UnreadableFile
from centricity.imports.review import quarantine

errors = Console(stderr=True)
KIND_HELP = "What to import: " + ", ".join(registry.names()) + "."


def register(app: typer.Typer) -> None:
    """Add `centricity import` to the root CLI."""
    app.command("import")(import_command)


def _fail(message: str, code: int = 2) -> typer.Exit:
    errors.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code=code)


def _options(
    kind: str, given: dict[str, Any], overrides: list[str], mapping_file: Path | None
) -> ImportOptions:
    columns: dict[str, str | None] = {}
    saved: dict[str, Any] = {}
    if mapping_file is not None:
        columns, saved = mapping.load_file(mapping_file)
    columns.update(mapping.parse_overrides(overrides))
    merged = {**saved, **{k: v for k, v in given.items() if v is not None}}
    return ImportOptions(kind=kind, overrides=columns, **merged)


def _describe(prepared: Prepared) -> list[str]:
    info = prepared.describe()
    parts = [str(info["format"]).upper()]
    if info["encoding"]:
        parts.append(f"encoding {info['encoding']}")
    if info["delimiter"]:
        parts.append(f"delimiter {info['delimiter']!r}")
    parts.append(f"decimal {info['decimal']!r}")
    parts.append("dates " + ("day first" if info["day_first"] else "month first"))
    lines = [f"Importing {prepared.spec.name} from {prepared.path.name}: {', '.join(parts)}"]
    pairs = prepared.plan.mapping.pairs()
    lines.append("Columns: " + "; ".join(f"{h} → {t}" for h, t in pairs if t))
    ignored = prepared.plan.mapping.ignored()
    if ignored:
        lines.append("Ignored columns: " + "; ".join(ignored))
    return lines + [f"Note: {note}" for note in prepared.notes]


def _progress(enabled: bool, total: int | None) -> tuple[Progress, TaskID]:
    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TextColumn("{task.fields[rate]:,.0f} rows/s"),
        TimeElapsedColumn(),
        console=errors,
        disable=not enabled,
        transient=True,
    )
    return bar, bar.add_task("importing", total=total, rate=0.0)


def _report(summary: Summary, prepared: Prepared, target: Path | None, dry_run: bool) -> None:
    if summary.resumed:
        typer.echo(f"Resumed an interrupted import of this file (job {summary.job_id}).")
    for line, reason in summary.problems:
        typer.echo(f"line {line}: {reason}")
    if summary.counts.quarantined and not dry_run and summary.job_id is not None:
        path = target or quarantine.default_path(prepared.path, prepared.source.format)
        written = service.write_quarantine(summary.job_id, path)
        rows = "row" if written == 1 else "rows"
        typer.echo(f"Quarantined {written} {rows} (with line and reason): {path}")
    rate = summary.rows_per_second
    typer.echo(f"{summary.counts.read} rows in {summary.seconds:.2f} s ({rate:,.0f} rows/s)")
    if dry_run:
        typer.echo("Dry run: nothing was written; these are the counts a real run would report.")
    typer.echo(summary.counts.line())  # always the last line (scripts read it)


def import_command(
    kind: str = typer.Argument(..., help=KIND_HELP),
    file: Path = typer.Argument(..., help="CSV/TSV, XLSX, Parquet or JSON Lines file."),
    encoding: str = typer.Option(
        None, "--encoding", help="utf-8, windows-1250/1251/1252/1257 or iso-8859-2 (detected)."
    ),
    delimiter: str = typer.Option(None, "--delimiter", help="CSV delimiter, e.g. ';' or tab."),
    decimal: str = typer.Option(None, "--decimal", help="Decimal mark: ',' or '.' (detected)."),
    date_format: str = typer.Option(
        None, "--date-format", help="e.g. 'DD.MM.YYYY HH:mm' or '%d.%m.%Y' (detected)."
    ),
    timezone: str = typer.Option(None, "--timezone", help="Zone of times without one (UTC)."),
    sheet: str = typer.Option(None, "--sheet", help="XLSX sheet name (default: the first)."),
    fmt: str = typer.Option(None, "--format", help="csv, xlsx, parquet or jsonl (detected)."),
    maps: list[str] = typer.Option(
        [], "--map", help="SOURCE=TARGET column mapping (repeatable; empty TARGET ignores)."
    ),
    mapping_file: Path = typer.Option(None, "--mapping", help="Saved mapping file (JSON)."),
    save_mapping: Path = typer.Option(
        None, "--save-mapping", help="Write the mapping and formats used to this file."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check everything and print the problems; write nothing."
    ),
    quarantine_path: Path = typer.Option(
        None, "--quarantine", help="Where to write rejected rows (default: FILE.quarantine.EXT)."
    ),
    batch_size: int = typer.Option(
        50_000, "--batch-size", min=1, max=1_000_000, help="Rows per committed batch."
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
) -> None:
    """Import a file; re-running the same file changes nothing, a crash resumes."""
    given = {
        "encoding": encoding,
        "delimiter": delimiter,
        "decimal": decimal,
        "date_format": date_format,
        "timezone": timezone,
        "sheet": sheet,
        "fmt": fmt,
        "batch_size": batch_size,
    }
    began = time.monotonic()
    settings = get_settings()
    try:
        options = _options(kind, given, maps, mapping_file)
        prepared = service.prepare_file(file, options, settings=settings)
    except (UnreadableFile, mapping.MappingError) as exc:
        raise _fail(str(exc)) from None
    for line in _describe(prepared):
        typer.echo(line)
    if save_mapping is not None:
        mapping.save_file(save_mapping, prepared.spec, prepared.plan.mapping, _saved(prepared))
        typer.echo(f"Saved the mapping to {save_mapping}")
    summary = _run(prepared, dry_run, progress and errors.is_terminal, settings)
    summary.seconds = time.monotonic() - began  # reading and checking the file included
    _report(summary, prepared, quarantine_path, dry_run)
    if summary.counts.read == 0 or summary.counts.quarantined == summary.counts.read:
        raise typer.Exit(code=1)


def _saved(prepared: Prepared) -> dict[str, Any]:
    info = prepared.describe()
    return {**info, "date_format": prepared.options.date_format}


def _run(prepared: Prepared, dry_run: bool, show: bool, settings: Any) -> Summary:
    factory = session_factory(get_engine(settings))
    bar, task = _progress(show, prepared.source.estimate_rows())
    began = time.monotonic()

    def advance(done: int) -> None:
        rate = done / max(time.monotonic() - began, 1e-6)
        bar.update(task, completed=done, rate=rate)

    try:
        with bar:
            return service.run_prepared(
                factory, prepared, actor_id=None, source="cli", dry_run=dry_run, progress=advance
            )
    except ImportBusy as exc:
        raise _fail(str(exc)) from None
