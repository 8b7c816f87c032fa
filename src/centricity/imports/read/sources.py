"""The JSON Lines reader and the cell-to-text rules every reader shares; each reader yields
the frames described in `frames.py` (XLSX: `xlsxsource.py`, Parquet: `parquetsource.py`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from centricity.imports import reasons
from centricity.imports.read.frames import Record, frame_from_records

JSON_BATCH_ROWS = 20_000
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class UnreadableFile(Exception):
    """The file cannot be read at all (format, encoding, zip bomb); the message says why
    (a lazy text: pages show it in the viewer's language, `str()` is English)."""


# A typed number whose fraction has exactly three digits gets a fourth ("1.2340"): a
# thousands group has exactly three digits, so only that text could be misread next to
# text cells with a decimal comma ("1.234" was read as 1234 beside Czech "99,90"). Other
# dotted numbers are read as decimals under either mark; see `fields.normalise_decimal`.
_THREE_DECIMALS = r"(\.\d\d\d)$"


def typed_number_text(value: float | Decimal) -> str:
    """A typed number as text no decimal mark can misread (integers stay as they are)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    plain = format(value if isinstance(value, Decimal) else Decimal(repr(value)), "f")
    return plain + "0" if re.search(_THREE_DECIMALS, plain) else plain


def cell_text(value: Any) -> str | None:
    """A spreadsheet or JSON value as the text a CSV export would have held."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | Decimal):
        return typed_number_text(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, pl.Series):  # a list cell of a Parquet column
        value = value.to_list()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=cell_text)
    return str(value)


def as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """A typed column as the text a CSV export would have held (Parquet, typed JSON)."""
    column = pl.col(name)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone:
            column = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            return column.dt.strftime("%Y-%m-%dT%H:%M:%S%.fZ")
        return column.dt.strftime("%Y-%m-%d %H:%M:%S%.f")
    if dtype.is_nested() or dtype == pl.Object:
        return column.map_elements(cell_text, return_dtype=pl.String)
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        return column.cast(pl.String).str.replace(r"\.0$", "").str.replace(_THREE_DECIMALS, "${1}0")
    return column.cast(pl.String)


class JsonLinesSource:
    """One JSON object per line; the header is the keys of the first thousand objects."""

    format = "jsonl"

    def __init__(self, path: Path, encoding: str) -> None:
        self.path = path
        self.encoding = encoding
        self.header = self._keys()

    def _lines(self) -> Iterator[tuple[int, str]]:
        with self.path.open(encoding=self.encoding, errors="replace", newline="") as handle:
            for number, line in enumerate(handle, start=1):
                text = line.strip().lstrip("\ufeff")
                if text:
                    yield number, text

    def _keys(self) -> list[str]:
        keys: dict[str, None] = {}
        for count, (_number, text) in enumerate(self._lines()):
            if count >= 1000:
                break
            try:
                value = _load(text)
            except ValueError:
                continue
            if isinstance(value, dict):
                keys.update(dict.fromkeys(str(k) for k in value))
        return list(keys)

    def estimate_rows(self) -> int | None:
        """Not known without reading the file."""
        return None

    def batches(self) -> Iterator[pl.DataFrame]:
        """Objects as rows; the original line is kept for the quarantine file."""
        rows: list[Record] = []
        raws: list[str] = []
        for number, text in self._lines():
            rows.append(self._record(number, text))
            raws.append(text)
            if len(rows) >= JSON_BATCH_ROWS:
                yield self._frame(rows, raws)
                rows, raws = [], []
        if rows:
            yield self._frame(rows, raws)

    def _record(self, number: int, text: str) -> Record:
        try:
            value = _load(text)
        except ValueError:
            return number, None, reasons.NOT_JSON
        if not isinstance(value, dict):
            return number, None, reasons.NOT_JSON_OBJECT
        return number, [cell_text(value.get(k)) for k in self.header], None

    def _frame(self, rows: list[Record], raws: list[str]) -> pl.DataFrame:
        frame = frame_from_records(rows, len(self.header), keep_blank=True)
        originals = [_original(text) for text in raws]
        return frame.with_columns(pl.Series("__raw", originals, dtype=pl.String))


def _original(text: str) -> str:
    try:
        value = _load(text)
    except ValueError:
        return json.dumps({"raw": text}, ensure_ascii=False)
    if not isinstance(value, dict):
        return json.dumps({"raw": value}, ensure_ascii=False)
    return text if not _ESCAPED_SURROGATE.search(text) else json.dumps(value, ensure_ascii=False)


def _load(text: str) -> Any:
    """Parse a line; a lone UTF-16 surrogate it escapes (`\\ud800`: half an emoji an
    exporter cut) becomes U+FFFD, as an undecodable byte of a CSV file does. No store can
    hold one, and building the batch failed on it: the whole import crashed."""
    value = json.loads(text)
    if not _ESCAPED_SURROGATE.search(text):
        return value
    return map_text(value, lambda found: _SURROGATE.sub("\ufffd", found))


def map_text(value: Any, change: Callable[[str], str]) -> Any:
    """Apply `change` to every string inside a JSON-like value (keys included)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [map_text(v, change) for v in value]
    if isinstance(value, dict):
        return {map_text(k, change): map_text(v, change) for k, v in value.items()}
    return value
