"""Read an XLSX sheet as a stream, with every size bounded (decompression bombs).

openpyxl's read-only mode streams rows but still loads the whole shared-strings table,
and its row parser keeps every parsed (cleared) row element until the sheet ends: a
16.8 MB workbook whose strings unpack to 1.9 GB took the server to 2.4 GB. Here
openpyxl reads only the workbook's small parts (sheet names, date styles, epoch); the
shared strings are packed and counted as they are read, against half the unpacked-size
limit, and the sheet is parsed cell by cell, each element dropped once read, with
Excel's own caps on rows and columns. `readers.check_xlsx` has refused over-large
archives before this runs.
"""

from __future__ import annotations

import zipfile
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, XMLParser, iterparse

import polars as pl

from centricity.imports.read.frames import Record, frame_from_records
from centricity.imports.read.sources import JSON_BATCH_ROWS, UnreadableFile, cell_text
from centricity.imports.reasons import LocalNumber
from centricity.kit.i18n import lazy
from centricity.kit.text import size_text

MAX_ROWS = 1_048_576  # Excel's limits: a sheet past them was not written by a spreadsheet
MAX_COLUMNS = 16_384
BATCH_CELLS = 1_000_000  # cells held before a batch is handed on, however wide the rows
MAX_CELL_CHARS = 32_767  # the most a spreadsheet cell holds; no field takes more
# Bytes of XML between two tags that such a cell's text can take (a character may be
# escaped as `&quot;`, six bytes, or take four in UTF-8).
MAX_TEXT_BYTES = 8 * MAX_CELL_CHARS


def too_long() -> UnreadableFile:
    """The refusal of a cell longer than any spreadsheet can hold (read before it is held:
    one 250 MB cell in a 2.9 MB workbook took the server to 2.4 GB; found by a probe)."""
    return UnreadableFile(
        lazy(
            "the XLSX file has a text cell longer than %(limit)s characters, the most a "
            "spreadsheet cell holds",
            limit=LocalNumber(MAX_CELL_CHARS),
        )
    )


class TextRunGuard:
    """A sheet's XML stream that refuses a run of text longer than MAX_TEXT_BYTES as the
    bytes go by, before the XML parser gathers the whole run into one string."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.run = 0  # bytes since the last '<'

    def __enter__(self) -> TextRunGuard:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying stream."""
        self.source.close()

    def read(self, size: int = -1) -> bytes:
        """The next bytes of the stream, checked."""
        data = self.source.read(size)
        pieces = data.split(b"<")
        longest = self.run + len(pieces[0])
        if len(pieces) > 1:
            longest = max(longest, *(len(p) for p in pieces[1:]))
            self.run = len(pieces[-1])
        else:
            self.run = longest
        if longest > MAX_TEXT_BYTES:
            raise too_long()
        return data


MAX_CELL_ELEMENTS = 10_000  # rich text runs of one cell
LIMIT_SETTING = "CENTRICITY_IMPORT_MAX_UNPACKED_BYTES"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SI, _TEXT, _PHONETIC = f"{_MAIN}si", f"{_MAIN}t", f"{_MAIN}rPh"
_ROW, _CELL = f"{_MAIN}row", f"{_MAIN}c"


def too_much(total: int, limit: int) -> UnreadableFile:
    """The refusal of a workbook whose parts unpack to more than the limit."""
    return UnreadableFile(
        lazy(
            "the XLSX file unpacks to %(size)s, more than the limit of %(limit)s "
            "(%(setting)s; possible zip bomb)",
            size=size_text(total),
            limit=size_text(limit),
            setting=LIMIT_SETTING,
        )
    )


class SharedStrings:
    """The shared-strings table, packed: UTF-8 bytes end to end plus one offset each.

    As Python strings, millions of short cells took ~64 bytes apiece (a 250 MB table of
    four-letter strings took the server past 500 MB); packed, a string costs its bytes
    plus four, so the memory counted against the limit is the memory used."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._data = bytearray()
        self._ends = array("I")

    def append(self, text: str) -> None:
        """Add the next string, refusing the table once it outgrows the budget."""
        self._data += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))
        if len(self._data) + 4 * len(self._ends) > self.budget:
            raise UnreadableFile(
                lazy(
                    "the XLSX file's shared strings take more than %(size)s in memory, half "
                    "the limit set by %(setting)s (possible zip bomb)",
                    size=size_text(self.budget),
                    setting=LIMIT_SETTING,
                )
            )

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self._ends):
            raise IndexError("no such shared string")
        start = self._ends[index - 1] if index else 0
        return self._data[start : self._ends[index]].decode("utf-8", "surrogatepass")


class _StringsTarget:
    """Parser callbacks that collect each <si>'s text as it streams by, building no tree:
    the text of its <t> and of its rich-text runs' <t>, not of phonetic runs (<rPh>),
    as openpyxl's `Text.content` reads it."""

    def __init__(self, strings: SharedStrings) -> None:
        self.strings = strings
        self.path: list[str] = []
        self.parts: list[str] = []
        self.length = 0

    def start(self, tag: str, _attrib: dict[str, str]) -> None:
        self.path.append(tag)
        if tag == _SI:
            self.parts, self.length = [], 0

    def end(self, tag: str) -> None:
        self.path.pop()
        if tag == _SI:
            self.strings.append("".join(self.parts).replace("x005F_", ""))

    def data(self, text: str) -> None:
        if self.path and self.path[-1] == _TEXT and _PHONETIC not in self.path:
            self.parts.append(text)
            self.length += len(text)
            if self.length > MAX_CELL_CHARS:
                raise too_long()

    def close(self) -> None:
        return None


def read_shared_strings(source: IO[bytes], budget: int) -> SharedStrings:
    """The shared-strings table, refused as soon as it would hold more than `budget`
    bytes in memory (counted string by string while the part is decompressed)."""
    strings = SharedStrings(budget)
    parser = XMLParser(target=_StringsTarget(strings))
    while block := source.read(256 * 1024):
        parser.feed(block)
    parser.close()
    return strings


def open_book(path: Path, budget: int) -> Any:
    """The workbook's small parts through openpyxl, shared strings read by ours (at most
    half of `budget`, the unpacked-size limit, in memory)."""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader  # type: ignore[import-untyped]

    class GuardedArchive(zipfile.ZipFile):
        """Worksheets come through `TextRunGuard` wherever openpyxl reads them (it parses
        a whole sheet to size it when the sheet has no <dimension>)."""

        def open(self, name: Any, mode: Any = "r", *args: Any, **kwargs: Any) -> Any:
            stream = super().open(name, mode, *args, **kwargs)
            part = name.filename if isinstance(name, zipfile.ZipInfo) else str(name)
            return TextRunGuard(stream) if part.startswith("xl/worksheets/") else stream

    class CountedReader(ExcelReader):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            opened: zipfile.ZipFile = self.archive
            opened.close()
            self.archive: zipfile.ZipFile = GuardedArchive(path)

        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = read_shared_strings(source, budget // 2)

    reader = CountedReader(path, read_only=True, data_only=True)
    try:
        reader.read()
    except UnreadableFile:
        reader.archive.close()
        raise
    return reader.wb, reader.shared_strings


class XlsxSource:
    """The first (or named) sheet of a workbook; the header is its first non-empty row."""

    format = "xlsx"

    def __init__(self, path: Path, sheet: str | None, *, budget: int) -> None:
        self.path = path
        try:
            self._book, self._strings = open_book(path, budget)
        except UnreadableFile:
            raise
        except Exception:  # openpyxl raises many kinds on damaged files
            raise UnreadableFile(lazy("not a readable XLSX workbook")) from None
        if sheet is not None and sheet not in self._book.sheetnames:
            names = ", ".join(self._book.sheetnames)
            raise UnreadableFile(
                lazy("no sheet named %(sheet)s; sheets: %(names)s", sheet=repr(sheet), names=names)
            )
        self._sheet = self._book[sheet] if sheet else self._book.worksheets[0]
        self.header, self._header_row = self._find_header()

    def _rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, values by column) of every row the sheet stores, streamed."""
        try:
            with self._book._archive.open(self._sheet._worksheet_path) as source:
                yield from _parse_rows(source, self._parser(source))
        except UnreadableFile:
            raise
        except (zipfile.BadZipFile, SyntaxError, ValueError, IndexError, KeyError, OverflowError):
            raise UnreadableFile(
                lazy("not a readable XLSX workbook (a sheet is damaged)")
            ) from None

    def _parser(self, source: IO[bytes] | TextRunGuard) -> Any:
        from openpyxl.worksheet._reader import WorkSheetParser  # type: ignore[import-untyped]

        book = self._book
        return WorkSheetParser(
            source,
            self._strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )

    def _find_header(self) -> tuple[list[str], int]:
        for number, row in self._rows():
            cells = [cell_text(v) or "" for v in row]
            if any(c.strip() for c in cells):
                while cells and not cells[-1].strip():
                    cells.pop()
                return [c.strip() for c in cells], number
        return [], 0

    def estimate_rows(self) -> int | None:
        """The sheet's declared last row minus the header."""
        return max((self._sheet.max_row or 0) - self._header_row, 0)

    def batches(self) -> Iterator[pl.DataFrame]:
        """Rows after the header, with their spreadsheet row numbers, in batches of at most
        JSON_BATCH_ROWS rows and about BATCH_CELLS cells.

        A row with values past the header keeps only those values after its own columns:
        one stray cell in column XFD padded each row to 16,384 cells (2,000 such rows, a
        30 KB file, took the server past 1.3 GB; found by an outside probe)."""
        rows: list[Record] = []
        width, cells_held = len(self.header), 0
        for number, row in self._rows():
            if number <= self._header_row:
                continue
            cells = [cell_text(v) for v in row]
            extra: list[str | None] = [c for c in cells[width:] if c not in (None, "")]
            kept = cells[:width] + extra if extra else (cells + [None] * width)[:width]
            rows.append((number, kept, None))
            cells_held += len(kept)
            if len(rows) >= JSON_BATCH_ROWS or cells_held >= BATCH_CELLS:
                yield frame_from_records(rows, width)
                rows, cells_held = [], 0
        if rows:
            yield frame_from_records(rows, width)


def _parse_rows(source: IO[bytes] | TextRunGuard, parser: Any) -> Iterator[tuple[int, list[Any]]]:
    """Cells are parsed (by openpyxl's cell parser) and every element is dropped once it
    ends, so memory stays flat whatever the sheet's size; Excel's caps bound a row."""
    path: list[Element] = []
    values: list[Any] = []
    in_cell = 0  # elements inside the current cell (kept until the cell is parsed)
    for event, node in iterparse(source, events=("start", "end")):
        if event == "start":
            path.append(node)
            in_cell += 1 if in_cell or node.tag == _CELL else 0
            if in_cell > MAX_CELL_ELEMENTS:
                raise UnreadableFile(lazy("the XLSX sheet has a cell too complex to read"))
            if node.tag == _ROW:
                _start_row(parser, node)
                values = []
            continue
        path.pop()
        if node.tag == _CELL:
            _add_cell(values, parser.parse_cell(node))
            in_cell = 0
        elif node.tag == _ROW:
            yield parser.row_counter, values
        if path and not in_cell:
            path[-1].remove(node)


def _start_row(parser: Any, row: Element) -> None:
    number = row.get("r")
    parser.row_counter = int(float(number)) if number else parser.row_counter + 1
    parser.col_counter = 0
    if not 1 <= parser.row_counter <= MAX_ROWS:
        raise UnreadableFile(
            lazy("the XLSX sheet has more than %(limit)s rows", limit=LocalNumber(MAX_ROWS))
        )


def _add_cell(values: list[Any], cell: dict[str, Any]) -> None:
    column = int(cell["column"])
    if not 1 <= column <= MAX_COLUMNS:
        raise UnreadableFile(
            lazy("the XLSX sheet has more than %(limit)s columns", limit=LocalNumber(MAX_COLUMNS))
        )
    if column > len(values):
        values.extend([None] * (column - len(values)))
    values[column - 1] = cell["value"]
