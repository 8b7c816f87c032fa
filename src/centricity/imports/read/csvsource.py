"""CSV/TSV reading: any delimiter, quoted newlines, BOM, single-byte encodings, line numbers.

Fast path: the file is read in byte chunks cut at record boundaries (found with NumPy from
the parity of quote characters) and Polars parses each chunk. A chunk with records of the
wrong length is parsed by Python's `csv` module instead, so those rows can be quarantined
with their line number. Irregular quoting (a stray quote inside an unquoted field) makes
the boundaries unreliable, so from there on the whole rest of the file goes through `csv`,
which accepts anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from centricity.imports import reasons
from centricity.imports.read.frames import Record, column_names, frame_from_records, parsed_frame
from centricity.imports.read.sources import UnreadableFile
from centricity.kit.i18n import lazy

csv.field_size_limit(64 * 1024 * 1024)

CHUNK_BYTES = 8 * 1024 * 1024
SLOW_BATCH_ROWS = 20_000
BOM = b"\xef\xbb\xbf"
_QUOTE, _NL, _CR = 34, 10, 13


@dataclass(frozen=True)
class _Scan:
    """Record boundaries of a buffer and whether Polars may parse it."""

    cut: int
    starts: np.ndarray
    quotes_ok: bool
    fields_ok: bool


def _quotes_regular(arr: np.ndarray, quotes: np.ndarray, inside: np.ndarray, sep: int) -> bool:
    """Opening quotes must start a field and closing ones end it (or be doubled)."""
    positions = np.flatnonzero(quotes)
    if len(positions) == 0:
        return True
    allowed = np.array([sep, _NL, _CR, _QUOTE], dtype=np.uint8)
    opening = positions[inside[positions]]
    closing = positions[~inside[positions]]
    before = opening[opening > 0] - 1
    after = closing[closing < len(arr) - 1] + 1
    return bool(np.isin(arr[before], allowed).all() and np.isin(arr[after], allowed).all())


def _scan(buf: bytes, sep: int, columns: int, final: bool) -> _Scan | None:
    arr = np.frombuffer(buf, dtype=np.uint8)
    quotes = arr == _QUOTE
    inside = np.bitwise_xor.accumulate(quotes.view(np.uint8)).astype(bool)
    ends = np.flatnonzero((arr == _NL) & ~inside)
    if final and (len(ends) == 0 or ends[-1] != len(buf) - 1):
        ends = np.append(ends, len(buf))
    if len(ends) == 0:
        return None
    cut = min(int(ends[-1]) + 1, len(buf))
    starts = np.concatenate(([0], ends[:-1] + 1))
    if not _quotes_regular(arr[:cut], quotes[:cut], inside[:cut], sep):
        return _Scan(cut, starts, quotes_ok=False, fields_ok=False)
    separators = np.flatnonzero((arr[:cut] == sep) & ~inside[:cut])
    fields = np.searchsorted(separators, ends) - np.searchsorted(separators, starts) + 1
    length = ends - starts
    first = arr[np.minimum(starts, max(cut - 1, 0))]
    blank = (length == 0) | ((length == 1) & (first == _CR))
    return _Scan(cut, starts, quotes_ok=True, fields_ok=bool(np.all((fields == columns) | blank)))


def _line_breaks(chunk: bytes) -> np.ndarray:
    """Where lines end: at LF, or at a CR that no LF follows. The csv module (the slow
    path, and the fallback for chunks with ragged rows) counts a lone CR as a line break
    too, even inside a quoted field; counting LFs only here gave the same row a different
    line number depending on which path happened to read its chunk."""
    arr = np.frombuffer(chunk, dtype=np.uint8)
    lone_cr = arr == _CR
    lone_cr[:-1] &= arr[1:] != _NL
    return np.flatnonzero((arr == _NL) | lone_cr)


def records(reader: Any, first_line: int) -> Iterator[Record]:
    """(line, fields, problem) for each record of a `csv.reader`; bad records don't stop it."""
    before = 0
    while True:
        start = first_line + before
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            before = reader.line_num
            yield start, None, reasons.CSV_UNPARSABLE
            continue
        before = reader.line_num
        if record:
            yield start, record, None


class CsvSource:
    """A delimited text file read in batches of rows with their physical line numbers."""

    format = "csv"

    def __init__(
        self,
        path: Path,
        *,
        encoding: str,
        delimiter: str,
        newlines: int,
        headerless: Callable[[list[str]], list[str] | None] | None = None,
    ) -> None:
        self.path = path
        self._headerless = headerless
        self.encoding = encoding
        self.delimiter = delimiter
        self._sep = delimiter.encode("ascii")[0]
        self._newlines = newlines
        self.header, self._data_offset, self._data_line = self._read_header()

    def estimate_rows(self) -> int | None:
        """Roughly how many data rows there are (newlines after the header), for progress."""
        return max(self._newlines - self._data_line + 2, 0)

    def _read_header(self) -> tuple[list[str], int, int]:
        with self.path.open("rb") as handle:
            head = handle.read(1024 * 1024)
        if b"\r" in head and b"\n" not in head:
            # Records are cut at LF (the fast path); a CR-only file read as one record
            # used to yield its header and no rows at all.
            raise UnreadableFile(
                lazy(
                    "the lines end with CR only (classic Mac OS); save the file as CSV with "
                    "Windows or Unix line endings"
                )
            )
        offset = len(BOM) if head.startswith(BOM) else 0
        text = head[offset:].decode(self.encoding, errors="replace")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter)
        before = 0
        for record in reader:
            if any(cell.strip() for cell in record):
                names = self._headerless(record) if self._headerless else None
                if names is not None:  # the first record is data: keep it as a row
                    skipped = self._skip_lines(head, offset, before) if before else 0
                    return names, offset + skipped, before + 1
                header = [cell.strip().lstrip("\ufeff") for cell in record]
                return (
                    header,
                    offset + self._skip_lines(head, offset, reader.line_num),
                    (reader.line_num + 1),
                )
            before = reader.line_num
        return [], len(head), 1

    @staticmethod
    def _skip_lines(head: bytes, offset: int, lines: int) -> int:
        """Bytes taken by the header's `lines` lines, counted as `csv` counted them (a
        header ended by a lone CR used to swallow the first row up to the next LF)."""
        breaks = _line_breaks(head[offset:])
        return int(breaks[lines - 1]) + 1 if len(breaks) >= lines else len(head) - offset

    def batches(self) -> Iterator[pl.DataFrame]:
        """Parsed rows (String columns c0…, `__line`, `__problem`, `__raw`) in file order."""
        with self.path.open("rb") as handle:
            handle.seek(self._data_offset)
            yield from self._chunks(handle, self._data_offset, self._data_line)

    def _chunks(self, handle: io.BufferedReader, offset: int, line: int) -> Iterator[pl.DataFrame]:
        carry = b""
        while True:
            data = handle.read(CHUNK_BYTES)
            # A short read is the end of the file: an unterminated last record then joins
            # its chunk (alone in a batch of its own, the import's format detection, which
            # samples the first batch, never saw it).
            buf, final = carry + data, len(data) < CHUNK_BYTES
            if not buf:
                return
            scan = _scan(buf, self._sep, len(self.header), final)
            if scan is None:
                carry = buf
                continue
            if not scan.quotes_ok:
                yield from self._slow(handle, offset, line)
                return
            frame, lines = self._parse(buf[: scan.cut], scan, line)
            yield frame
            line += lines
            offset += scan.cut
            carry = buf[scan.cut :]
            if final and not carry:
                return

    def _parse(self, chunk: bytes, scan: _Scan, line: int) -> tuple[pl.DataFrame, int]:
        """The chunk's rows and how many lines it spans."""
        breaks = _line_breaks(chunk)
        lines = line + np.searchsorted(breaks, scan.starts)
        text = chunk if self.encoding == "utf-8" else self._transcode(chunk)
        if scan.fields_ok:
            frame = self._polars(text, len(scan.starts))
            if frame is not None:
                return parsed_frame(frame, lines), len(breaks)
        reader = csv.reader(io.StringIO(text.decode("utf-8"), newline=""), delimiter=self.delimiter)
        return frame_from_records(records(reader, line), len(self.header)), len(breaks)

    def _transcode(self, chunk: bytes) -> bytes:
        return chunk.decode(self.encoding, errors="replace").encode("utf-8")

    def _polars(self, text: bytes, expected_rows: int) -> pl.DataFrame | None:
        names = column_names(len(self.header))
        try:
            frame = pl.read_csv(
                text,
                has_header=False,
                separator=self.delimiter,
                quote_char='"',
                infer_schema=False,
                new_columns=names,
                empty_string_is_null=False,
                raise_if_empty=False,
            )
        except pl.exceptions.PolarsError:
            return None
        if frame.height != expected_rows or frame.width != len(names):
            return None
        return frame

    def _slow(self, handle: io.BufferedReader, offset: int, line: int) -> Iterator[pl.DataFrame]:
        handle.seek(offset)
        stream = io.TextIOWrapper(handle, encoding=self.encoding, errors="replace", newline="")
        reader = csv.reader(stream, delimiter=self.delimiter)
        rows: list[Record] = []
        for record in records(reader, line):
            rows.append(record)
            if len(rows) >= SLOW_BATCH_ROWS:
                yield frame_from_records(rows, len(self.header))
                rows = []
        if rows:
            yield frame_from_records(rows, len(self.header))
        stream.detach()
