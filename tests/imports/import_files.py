"""Helpers for import tests: write files in any format, run an import against a store."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy.orm import Session, sessionmaker

from centricity.imports.load import runner
from centricity.imports.load.runner import Summary
from centricity.imports.plan import ImportOptions, prepare

Rows = Sequence[Sequence[Any]]


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Rows,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    quoting: int = csv.QUOTE_MINIMAL,
) -> Path:
    """A CSV file as an export tool would write it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Rows, sheet: str = "Data") -> Path:
    """An Excel workbook with one sheet."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


def write_parquet(path: Path, header: Sequence[str], rows: Rows) -> Path:
    """A Parquet file with one String column per header."""
    data = {
        name: [None if r[i] is None else str(r[i]) for r in rows] for i, name in enumerate(header)
    }
    pl.DataFrame(data, schema=dict.fromkeys(header, pl.String)).write_parquet(path)
    return path


def write_jsonl(path: Path, records: Sequence[dict[str, Any]]) -> Path:
    """One JSON object per line."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def run_import(factory: sessionmaker[Session], path: Path, kind: str, **options: Any) -> Summary:
    """Prepare and run an import through the service layer (the CLI's path)."""
    dry_run = bool(options.pop("dry_run", False))
    overrides = options.pop("overrides", {})
    prepared = prepare(path, ImportOptions(kind=kind, overrides=overrides, **options))
    return runner.run(factory, prepared, dry_run=dry_run)
