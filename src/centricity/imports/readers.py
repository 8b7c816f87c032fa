"""Open an import file of any supported format and read it in batches of String rows.

This module decides how to read a file: its format, text encoding and delimiter, and
whether a workbook is safe to unpack. The readers themselves are `csvsource.py` (CSV/TSV)
and `sources.py` (XLSX, Parquet, JSON Lines); all yield the frames described in
`frames.py`, so validation never cares where a row came from.
"""

from __future__ import annotations

import codecs
import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import polars as pl

from centricity.imports import detect
from centricity.imports.csvsource import BOM, CsvSource
from centricity.imports.sources import (
    JsonLinesSource,
    ParquetSource,
    UnreadableFile,
    XlsxSource,
    cell_text,
)

FORMATS = ("csv", "xlsx", "parquet", "jsonl")
EXTENSIONS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".tab": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
}  # fmt: skip
XLSX_MAX_RATIO = 200
XLSX_MAX_ENTRIES = 10_000
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
    """Learned in one pass over the bytes: checksum, size, UTF-8 validity, newline count."""

    sha256: str
    size: int
    utf8: bool
    newlines: int
    sample: bytes


def file_facts(path: Path) -> FileFacts:
    """Hash the file and check it is valid UTF-8 while counting lines (one read)."""
    digest, decoder = hashlib.sha256(), codecs.getincrementaldecoder("utf-8")()
    size = newlines = 0
    utf8 = True
    sample = bytearray()
    with path.open("rb") as handle:
        while block := handle.read(4 * 1024 * 1024):
            digest.update(block)
            size += len(block)
            newlines += block.count(b"\n")
            if len(sample) < 256 * 1024:
                sample += _non_ascii_lines(block)
            if utf8:
                utf8 = _decodes(decoder, block)
    return FileFacts(
        digest.hexdigest(), size, utf8 and _decodes(decoder, b"", True), newlines, bytes(sample)
    )


def _decodes(decoder: codecs.IncrementalDecoder, block: bytes, final: bool = False) -> bool:
    try:
        decoder.decode(block, final)
    except UnicodeDecodeError:
        return False
    return True


def _non_ascii_lines(block: bytes) -> bytes:
    picked = [line for line in block.split(b"\n")[:2000] if any(b > 127 for b in line)]
    return b"\n".join(picked[:200])


def detect_format(path: Path, given: str | None = None) -> str:
    """The format from `--format`, the extension, or the first bytes."""
    if given:
        if given not in FORMATS:
            raise UnreadableFile(f"unknown format {given!r}; use one of {', '.join(FORMATS)}")
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
    max_unpacked_bytes: int = 2 * 1024**3,
) -> Source:
    """Open `path` for reading; raises UnreadableFile with a reason a person can act on."""
    kind = detect_format(path, fmt)
    if kind == "xlsx":
        check_xlsx(path, max_unpacked_bytes)
        return XlsxSource(path, sheet)
    if kind == "parquet":
        return ParquetSource(path)
    text_encoding = choose_encoding(facts, encoding)
    if kind == "jsonl":
        return JsonLinesSource(path, text_encoding)
    return CsvSource(
        path,
        encoding=text_encoding,
        delimiter=choose_delimiter(path, text_encoding, delimiter),
        newlines=facts.newlines,
    )


def choose_encoding(facts: FileFacts, given: str | None) -> str:
    """The given encoding (checked), else UTF-8 when valid, else the likeliest 8-bit one."""
    if given:
        try:
            codec = detect.canonical_encoding(given)
        except ValueError as exc:
            raise UnreadableFile(str(exc)) from None
        if codec == "utf-8" and not facts.utf8:
            raise UnreadableFile("the file is not valid UTF-8; try --encoding windows-1250")
        return codec
    if facts.utf8:
        return "utf-8"
    if facts.sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile("UTF-16 files are not supported; save the file as UTF-8 CSV")
    return detect.guess_single_byte_encoding(facts.sample)


def choose_delimiter(path: Path, encoding: str, given: str | None) -> str:
    """The given delimiter (`tab` allowed), `\\t` for .tsv, else the detected one."""
    if given:
        value = "\t" if given.lower() in ("tab", "\\t") else given
        if len(value) != 1 or not value.isascii() or value in '"\r\n':
            raise UnreadableFile(f"the delimiter must be one character, got {given!r}")
        return value
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    with path.open("rb") as handle:
        head = handle.read(64 * 1024).removeprefix(BOM)
    return detect.guess_delimiter(head.decode(encoding, errors="replace"))


def check_xlsx(path: Path, max_unpacked_bytes: int) -> None:
    """Refuse workbooks that unpack to far more than they weigh (zip bombs), before opening."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise UnreadableFile("not a valid XLSX file (the zip container is damaged)") from None
    total = sum(e.file_size for e in entries)
    if len(entries) > XLSX_MAX_ENTRIES or total > max_unpacked_bytes:
        raise UnreadableFile("the XLSX file unpacks to too much data (possible zip bomb)")
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > XLSX_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise UnreadableFile("the XLSX file is compressed suspiciously well (zip bomb?)")
