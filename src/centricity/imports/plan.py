"""Prepare an import: open the file, map its columns, detect number and date formats.

The result (`Prepared`) is all an import needs and is what the dry run prints; its
fingerprint identifies "this file, read this way", so an interrupted import of the same
file with the same options resumes instead of starting over.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import polars as pl

from centricity.imports import registry
from centricity.imports.check import mapping
from centricity.imports.check.fields import Formats, date_hints
from centricity.imports.check.seen import SeenKeys
from centricity.imports.check.validate import REASON, Plan, check
from centricity.imports.read import detect
from centricity.imports.read.frames import drop_blank_rows
from centricity.imports.read.readers import (
    MAX_UNPACKED_BYTES,
    FileFacts,
    Source,
    UnreadableFile,
    file_facts,
    open_source,
)
from centricity.imports.registry import FieldType, KindSpec
from centricity.kit.i18n import lazy

SAMPLE_ROWS = 5000
PREVIEW_ROWS = 200  # rows checked for the page's "n would be quarantined"
SHOWN_ROWS = 3  # first values shown beside each column
# Longest header or value kept in the stored preview: a file whose one cell holds 250 MB
# made a 250 MB preview, re-sent on every view of its job page (found by an outside probe).
SHOWN_CHARS = 200


def _shown(text: str | None) -> str:
    """A header or value as the preview shows it, cut to SHOWN_CHARS."""
    text = text or ""
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


@dataclass
class ImportOptions:
    """How to read a file: everything `centricity import` and the import page can set."""

    kind: str
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    date_format: str | None = None
    timezone: str = "UTC"
    sheet: str | None = None
    fmt: str | None = None
    overrides: dict[str, str | None] = field(default_factory=dict)
    batch_size: int = 50_000


@dataclass
class Prepared:
    """An opened file with its mapping and formats, ready to import (or to preview)."""

    path: Path
    options: ImportOptions
    facts: FileFacts
    source: Source
    plan: Plan
    notes: list[str]
    bom: bool = False
    problem: str | None = None

    @property
    def spec(self) -> KindSpec:
        """The kind being imported."""
        return self.plan.spec

    def describe(self) -> dict[str, Any]:
        """How the file is read, stored with the job (and used to write its quarantine)."""
        return {
            "format": self.source.format,
            "encoding": getattr(self.source, "encoding", None),
            "delimiter": getattr(self.source, "delimiter", None),
            "bom": self.bom,
            "header": self.source.header,
            "columns": self.plan.mapping.columns(),
            "decimal": self.plan.formats.decimal,
            "day_first": self.plan.formats.day_first,
            "date_format": self.plan.formats.date_format,
            "timezone": self.plan.formats.timezone,
            "sheet": self.options.sheet,
            "key": list(self.plan.key.fields),
        }

    @property
    def fingerprint(self) -> str:
        """Same file + same kind + same reading options → same fingerprint."""
        described = {**self.describe(), "kind": self.spec.name, "sha256": self.facts.sha256}
        return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def _has_bom(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(3) == b"\xef\xbb\xbf"


def _sample(source: Source) -> pl.DataFrame | None:
    frames = [drop_blank_rows(f) for f in islice(source.batches(), 1)]
    return frames[0].head(SAMPLE_ROWS) if frames else None


def _values(sample: pl.DataFrame | None, columns: list[int]) -> list[str]:
    if sample is None:
        return []
    found: list[str] = []
    for index in columns:
        found += [v for v in sample[f"c{index}"].to_list() if v]
    return found


def detect_formats(
    spec: KindSpec, source: Source, column_map: mapping.ColumnMapping, options: ImportOptions
) -> tuple[Formats, list[str]]:
    """Decimal mark and date order from the first rows, unless the options fix them."""
    sample = _sample(source)
    by_type: dict[FieldType, list[int]] = {}
    for index, name in column_map.targets.items():
        by_type.setdefault(spec.field(name).type, []).append(index)
    notes: list[str] = []
    decimal = options.decimal
    if decimal is None:
        numbers = by_type.get(FieldType.DECIMAL, []) + by_type.get(FieldType.INTEGER, [])
        decimal, note = detect.guess_decimal(_values(sample, numbers))
        notes += [note] if note else []
    if decimal not in (",", "."):
        raise UnreadableFile(lazy("--decimal takes ',' or '.', got %(given)s", given=repr(decimal)))
    dates = _values(sample, by_type.get(FieldType.DATETIME, []))
    day_first, note = detect.guess_day_first(dates)
    if note and not options.date_format:
        notes.append(note)
    hints = date_hints(pl.Series(dates, dtype=pl.String), day_first)
    formats = Formats(decimal, day_first, options.date_format, options.timezone, hints)
    return formats, notes


def prepare(
    path: Path,
    options: ImportOptions,
    *,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    strict: bool = True,
) -> Prepared:
    """Open and understand a file; raises UnreadableFile or MappingError with the reason.

    With `strict=False` an incomplete mapping is reported in `problem` instead (the
    import page lets people fix it).
    """
    try:
        spec = registry.get(options.kind)
    except KeyError as exc:
        raise mapping.MappingError(str(exc.args[0])) from None
    facts, source = _open(path, options, max_unpacked_bytes, spec.headerless)
    column_map = mapping.apply_overrides(
        spec, mapping.auto_map(spec, source.header), options.overrides
    )
    problem = None
    try:
        mapping.check_complete(spec, column_map)
    except mapping.MappingError as exc:
        if strict:
            raise
        problem = str(exc)
    formats, notes = detect_formats(spec, source, column_map, options)
    key = spec.key_for(column_map.fields) or spec.keys[0]
    plan = Plan(spec=spec, mapping=column_map, formats=formats, key=key)
    notes = [*column_map.notes, *notes]
    return Prepared(path, options, facts, source, plan, notes, _has_bom(path), problem)


def _open(
    path: Path,
    options: ImportOptions,
    max_unpacked_bytes: int,
    headerless: registry.Headerless | None = None,
) -> tuple[FileFacts, Source]:
    _check_timezone(options.timezone)
    if not path.is_file():
        raise UnreadableFile(lazy("no such file: %(path)s", path=path))
    facts = file_facts(path)
    source = open_source(
        path,
        facts,
        fmt=options.fmt,
        encoding=options.encoding,
        delimiter=options.delimiter,
        sheet=options.sheet,
        max_unpacked_bytes=max_unpacked_bytes,
        headerless=headerless,
    )
    if not source.header:
        raise UnreadableFile(lazy("the file has no header row"))
    return facts, source


def _check_timezone(name: str) -> None:
    try:
        pl.Series([None], dtype=pl.Datetime("us")).dt.replace_time_zone(name)
    except Exception:  # polars raises ComputeError / InvalidOperationError
        raise UnreadableFile(
            lazy("unknown time zone %(name)s (use e.g. Europe/Prague)", name=repr(name))
        ) from None


def preview(prepared: Prepared) -> dict[str, Any]:
    """What the import page shows for a file, computed once and stored with its job: how
    it is read, the mapping, the first values and the problems of the first rows.

    It quotes the file's values, so it is personal data (see `privacy.py`)."""
    info = prepared.describe()
    shown: dict[str, Any] = {
        "info": {k: info[k] for k in ("format", "encoding", "delimiter", "decimal", "day_first")},
        "notes": list(prepared.notes),
        "problem": prepared.problem,
        "pairs": [[_shown(header), target] for header, target in prepared.plan.mapping.pairs()],
        "rows": [],
        "problems": [],
        "checked": 0,
        "invalid": 0,
    }
    sample = next((drop_blank_rows(f) for f in prepared.source.batches()), None)
    if sample is None or sample.is_empty():
        return shown
    sample = sample.head(PREVIEW_ROWS)
    width = len(prepared.source.header)
    shown["rows"] = [
        [_shown(row.get(f"c{i}")) for i in range(width)]
        for row in sample.head(SHOWN_ROWS).iter_rows(named=True)
    ]
    if prepared.problem:
        return shown
    checked = check(prepared.plan, sample, SeenKeys())
    rejected = checked.rejected.head(10).iter_rows(named=True)
    shown["problems"] = [[row["__line"], row[REASON]] for row in rejected]
    shown["checked"], shown["invalid"] = sample.height, checked.rejected.height
    return shown
