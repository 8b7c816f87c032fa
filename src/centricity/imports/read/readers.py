"""Open an import file of any supported format and read it in batches of String rows.

This module decides how to read a file: its format, text encoding and delimiter, and
whether a workbook is safe to unpack. The readers themselves are `csvsource.py` (CSV/TSV)
and `sources.py` (XLSX, Parquet, JSON Lines); all yield the frames described in
`frames.py`, so validation never cares where a row came from.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from centricity.imports.read import detect
from centricity.imports.read.csvsource import BOM, CsvSource
from centricity.imports.read.frames import META, RAW
from centricity.imports.read.parquetsource import ParquetSource
from centricity.imports.read.sources import JsonLinesSource, UnreadableFile, cell_text, map_text
from centricity.imports.read.xlsxsource import XlsxSource, too_much
from centricity.imports.reasons import LocalNumber, message_of
from centricity.kit.i18n import lazy
from centricity.kit.text import size_text

FORMATS = ("csv", "xlsx", "parquet", "jsonl")
EXTENSIONS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".tab": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
}  # fmt: skip
# A workbook may unpack to at most this many times its own size: real workbooks stay
# under ~20 (XML of distinct values compresses 5-10 times), the 16.8 MB bomb that took the
# server to 2.4 GB unpacked 113 times. Small files get some room (styles, themes).
XLSX_MAX_RATIO = 100
XLSX_RATIO_FLOOR = 16 * 1024 * 1024
XLSX_MAX_ENTRIES = 10_000
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # the default of CENTRICITY_IMPORT_MAX_UNPACKED_BYTES
NUL_SIGN = "\u2400"  # ␀, stored where a file had a NUL character
__all__ = ["UnreadableFile", "cell_text", "file_facts", "open_source"]


class Source(Protocol):
    """What the importer reads from: a header and batches of String rows."""

    format: str
    header: list[str]

    def batches(self) -> Iterator[pl.DataFrame]:
        """Rows in file order (see `frames.py` for the columns)."""

    def estimate_rows(self) -> int | None:
        """A row count for the progress bar, when cheap to know."""


@dataclass(frozen=True)
class FileFacts:
    """Learned in one pass over the bytes: checksum, size, UTF-8 validity, newline count,
    whether a NUL byte occurs."""

    sha256: str
    size: int
    utf8: bool
    newlines: int
    sample: bytes
    nul: bool = False


def file_facts(path: Path) -> FileFacts:
    """Hash the file and check it is valid UTF-8 while counting lines (one read)."""
    digest, decoder = hashlib.sha256(), codecs.getincrementaldecoder("utf-8")()
    size = newlines = 0
    utf8, nul = True, False
    sample = bytearray()
    with path.open("rb") as handle:
        while block := handle.read(4 * 1024 * 1024):
            digest.update(block)
            size += len(block)
            newlines += block.count(b"\n")
            nul = nul or b"\x00" in block
            if len(sample) < 256 * 1024:
                sample += _non_ascii_lines(block)
            if utf8:
                utf8 = _decodes(decoder, block)
    utf8 = utf8 and _decodes(decoder, b"", True)
    return FileFacts(digest.hexdigest(), size, utf8, newlines, bytes(sample), nul)


def _decodes(decoder: codecs.IncrementalDecoder, block: bytes, final: bool = False) -> bool:
    try:
        decoder.decode(block, final)
    except UnicodeDecodeError:
        return False
    return True


def _non_ascii_lines(block: bytes) -> bytes:
    """Up to 200 of the first 2,000 lines of `block` that hold a non-ASCII byte (the
    sample the encoding is guessed from). Only those lines are split off and each is
    tested in C (`bytes.isascii`): an all-ASCII file (call records) never fills the
    sample, so every 4 MB block is looked at, and splitting it whole and testing each
    byte in Python took 22 ms a block, 0.8 ms now (measured; 1.4 s of a 1M-row import)."""
    picked = [line for line in block.split(b"\n", 2000)[:2000] if not line.isascii()]
    return b"\n".join(picked[:200])


def detect_format(path: Path, given: str | None = None) -> str:
    """The format from `--format`, the extension, or the first bytes."""
    if given:
        if given not in FORMATS:
            raise UnreadableFile(
                lazy(
                    "unknown format %(format)s; use one of %(formats)s",
                    format=repr(given),
                    formats=", ".join(FORMATS),
                )
            )
        return given
    by_extension = EXTENSIONS.get(path.suffix.lower())
    if by_extension:
        return by_extension
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK"):
        return "xlsx"
    if head == b"PAR1":
        return "parquet"
    return "jsonl" if head[:1] == b"{" else "csv"


def open_source(
    path: Path,
    facts: FileFacts,
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    headerless: Callable[[list[str]], list[str] | None] | None = None,
) -> Source:
    """Open `path` for reading; raises UnreadableFile with a reason a person can act on.

    `max_unpacked_bytes` bounds what an XLSX file may unpack to (and its shared strings
    take in memory): every caller passes the installation's setting. `headerless` names
    the columns of a CSV whose first record is data in a layout the kind knows."""
    kind = detect_format(path, fmt)
    if kind == "xlsx":
        check_xlsx(path, max_unpacked_bytes)
        return StorableSource(XlsxSource(path, sheet, budget=max_unpacked_bytes))
    if kind == "parquet":
        return StorableSource(ParquetSource(path, max_unpacked_bytes))
    text_encoding = choose_encoding(facts, encoding)
    if kind == "jsonl":
        return StorableSource(JsonLinesSource(path, text_encoding))
    csv_source = CsvSource(
        path,
        encoding=text_encoding,
        delimiter=choose_delimiter(path, text_encoding, delimiter),
        newlines=facts.newlines,
        headerless=headerless,
    )
    return StorableSource(csv_source) if facts.nul else csv_source  # the hot path: no check


class StorableSource:
    """A source whose header and original records hold no NUL character.

    PostgreSQL stores no NUL in text or JSON, and the header (job options) and the
    original cells of every rejected row (quarantine) are stored: one NUL in a rejected
    row failed the whole import there. The cells keep the NUL, so validation still rejects
    such a field ('contains a NUL character'); the stored original shows ␀ in its place.
    """

    def __init__(self, source: Source) -> None:
        self._source = source
        self.format = source.format
        self.header = [_storable(name) for name in source.header]

    def __getattr__(self, name: str) -> Any:
        """What a reader also tells (`encoding`, `delimiter`) comes from the reader."""
        if name == "_source":  # not set yet (a copy being built): no endless recursion
            raise AttributeError(name)
        return getattr(self._source, name)

    def estimate_rows(self) -> int | None:
        """As the reader estimates."""
        return self._source.estimate_rows()

    def batches(self) -> Iterator[pl.DataFrame]:
        """The reader's batches, with a storable original for rows holding a NUL."""
        for frame in self._source.batches():
            yield _storable_originals(frame)


def _storable(value: Any) -> Any:
    return map_text(value, lambda text: text.replace("\x00", NUL_SIGN))


def _storable_originals(frame: pl.DataFrame) -> pl.DataFrame:
    cells = [c for c in frame.columns if c not in META]
    checks = [pl.col(c).str.contains("\x00", literal=True) for c in cells]
    checks.append(pl.col(RAW).str.contains("\\u0000", literal=True))  # as JSON writes NUL
    marked = frame.select(pl.any_horizontal(checks).fill_null(False)).to_series()
    if not marked.any():
        return frame
    raws = [
        _storable_raw(row, cells) if flagged else row[RAW]
        for row, flagged in zip(frame.iter_rows(named=True), marked, strict=True)
    ]
    return frame.with_columns(pl.Series(RAW, raws, dtype=pl.String))


def _storable_raw(row: dict[str, Any], cells: list[str]) -> str:
    raw = row[RAW]
    if raw is None:
        values = ["" if row[c] is None else row[c] for c in cells]
        return json.dumps(_storable(values), ensure_ascii=False)
    loaded = json.loads(raw)
    cleaned = _storable(loaded)
    return raw if cleaned == loaded else json.dumps(cleaned, ensure_ascii=False)


def choose_encoding(facts: FileFacts, given: str | None) -> str:
    """The given encoding (checked), else UTF-8 when valid, else the likeliest 8-bit one."""
    if given:
        try:
            codec = detect.canonical_encoding(given)
        except ValueError as exc:
            raise UnreadableFile(message_of(exc)) from None
        if codec == "utf-8" and not facts.utf8:
            raise UnreadableFile(lazy("the file is not valid UTF-8; try --encoding windows-1250"))
        return codec
    if facts.utf8:
        return "utf-8"
    if facts.sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(lazy("UTF-16 files are not supported; save the file as UTF-8 CSV"))
    return detect.guess_single_byte_encoding(facts.sample)


def choose_delimiter(path: Path, encoding: str, given: str | None) -> str:
    """The given delimiter (`tab` allowed), `\\t` for .tsv, else the detected one."""
    if given:
        value = "\t" if given.lower() in ("tab", "\\t") else given
        if len(value) != 1 or not value.isascii() or value in '"\r\n':
            raise UnreadableFile(
                lazy("the delimiter must be one character, got %(given)s", given=repr(given))
            )
        return value
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    with path.open("rb") as handle:
        head = handle.read(64 * 1024).removeprefix(BOM)
    return detect.guess_delimiter(head.decode(encoding, errors="replace"))


def check_xlsx(path: Path, max_unpacked_bytes: int) -> None:
    """Refuse workbooks that unpack to more than the limit, or to far more than they
    weigh (zip bombs), before anything is decompressed. The declared sizes can be
    trusted: `zipfile` stops at an entry's declared size (and fails its checksum)."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise UnreadableFile(lazy("not a valid XLSX file (the zip container is damaged)")) from None
    if len(entries) > XLSX_MAX_ENTRIES:
        raise UnreadableFile(
            lazy(
                "the XLSX file has more than %(limit)s parts",
                limit=LocalNumber(XLSX_MAX_ENTRIES),
            )
        )
    total = sum(e.file_size for e in entries)
    if total > max_unpacked_bytes:
        raise too_much(total, max_unpacked_bytes)
    weight = path.stat().st_size
    if total > max(XLSX_MAX_RATIO * weight, XLSX_RATIO_FLOOR):
        raise UnreadableFile(
            lazy(
                "the XLSX file unpacks to %(size)s, more than %(ratio)s times its size of "
                "%(weight)s (possible zip bomb)",
                size=size_text(total),
                ratio=XLSX_MAX_RATIO,
                weight=size_text(weight),
            )
        )
