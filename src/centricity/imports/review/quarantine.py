"""Write a job's quarantined rows back out in the input's own format, plus `line` and
`reason` columns (first, so rows with too many fields cannot push them out of place).

The file is built from the rows committed with each batch, so after a crash and a
resumed run it holds exactly the rows the summary counts as quarantined. CSV and XLSX
cells (the file's own header included) go through the exports' escaping,
`kit.spreadsheet.cell`: the rows are whatever the rejected file held, formulas included.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.imports.models import ImportJob, QuarantineRow
from centricity.kit.spreadsheet import cell, xlsx_cells

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "jsonl": "application/x-ndjson",
}
SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "parquet": ".parquet", "jsonl": ".jsonl"}


Hidden = Callable[[Any], bool]  # a quarantined row's data → leave it out of the file


def rows(session: Session, job_id: int, hidden: Hidden | None = None) -> Iterator[QuarantineRow]:
    """The job's quarantined rows by line, streamed, without those the reader may not
    see (`access.confidential_row`)."""
    query = (
        select(QuarantineRow)
        .where(QuarantineRow.job_id == job_id)
        .order_by(QuarantineRow.line, QuarantineRow.id)
        .execution_options(yield_per=2000)
    )
    for row in session.scalars(query):
        if hidden is None or not hidden(row.data):
            yield row


def default_path(source: Path, fmt: str) -> Path:
    """`orders.csv` → `orders.quarantine.csv`, next to the input."""
    suffix = source.suffix if fmt == "csv" and source.suffix else SUFFIXES[fmt]
    return source.with_name(f"{source.stem}.quarantine{suffix}")


def download_name(job: ImportJob) -> str:
    """A file name for the browser's download of a job's quarantine."""
    stem = Path(job.source_name).stem or "import"
    fmt = job.options.get("format", "csv")
    return f"{stem}.quarantine{SUFFIXES.get(fmt, '.csv')}"


def _cells(data: Any, width: int) -> list[Any]:
    values = list(data) if isinstance(data, list) else []
    return values + [""] * (width - len(values))


def _csv(session: Session, job: ImportJob, handle: io.TextIOBase, hidden: Hidden | None) -> int:
    options = job.options
    header = list(options.get("header") or [])
    writer = csv.writer(handle, delimiter=options.get("delimiter") or ",", lineterminator="\r\n")
    writer.writerow([cell(v) for v in ["line", "reason", *header]])
    count = 0
    for row in rows(session, job.id, hidden):
        writer.writerow([cell(v) for v in [row.line, row.reason, *_cells(row.data, len(header))]])
        count += 1
    return count


def _xlsx(session: Session, job: ImportJob, path: Path, hidden: Hidden | None) -> int:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    sheet = book.create_sheet("quarantine")
    header = list(job.options.get("header") or [])
    count = 0
    sheet.append(xlsx_cells(sheet, ["line", "reason", *header]))
    for row in rows(session, job.id, hidden):
        sheet.append(xlsx_cells(sheet, [row.line, row.reason, *_cells(row.data, len(header))]))
        count += 1
    book.save(path)
    return count


def _parquet(session: Session, job: ImportJob, path: Path, hidden: Hidden | None) -> int:
    header = list(job.options.get("header") or [])
    names = ["line", "reason", *header]
    records = [
        [row.line, row.reason, *(None if v == "" else v for v in _cells(row.data, len(header)))]
        for row in rows(session, job.id, hidden)
    ]
    schema = {name: (pl.Int64 if i == 0 else pl.String) for i, name in enumerate(names)}
    frame = pl.DataFrame(records, schema=schema, orient="row")
    frame.write_parquet(path)
    return frame.height


def _jsonl(session: Session, job: ImportJob, handle: io.TextIOBase, hidden: Hidden | None) -> int:
    count = 0
    for row in rows(session, job.id, hidden):
        data = row.data if isinstance(row.data, dict) else {"values": row.data}
        handle.write(
            json.dumps({"line": row.line, "reason": row.reason, **data}, ensure_ascii=False) + "\n"
        )
        count += 1
    return count


def write(session: Session, job: ImportJob, path: Path, *, hidden: Hidden | None = None) -> int:
    """Write the job's quarantine file to `path` (rows for which `hidden` says so left
    out); returns the number of rows written."""
    fmt = job.options.get("format", "csv")
    if fmt == "xlsx":
        return _xlsx(session, job, path, hidden)
    if fmt == "parquet":
        return _parquet(session, job, path, hidden)
    encoding = job.options.get("encoding") or "utf-8"
    if encoding == "utf-8" and job.options.get("bom"):
        encoding = "utf-8-sig"
    with path.open("w", encoding=encoding, errors="replace", newline="") as handle:
        return (
            _jsonl(session, job, handle, hidden)
            if fmt == "jsonl"
            else _csv(session, job, handle, hidden)
        )
