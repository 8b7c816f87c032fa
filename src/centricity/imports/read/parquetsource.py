"""Parquet read in bounded memory: checked against its metadata before anything is
decompressed, text kept dictionary-encoded until each cell's length is known, and batches
cut by size as well as by rows.

Parquet compresses as well as a zip bomb does: an 8 KB file held one 250 MB cell, and a
113 KB file of one 8,000-character value repeated by its dictionary decoded to 400 MB in
one 50,000-row batch (server at 1.5 GB; both found by an outside probe).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from centricity.imports.read.frames import column_names, parsed_frame
from centricity.imports.read.sources import UnreadableFile, as_text
from centricity.imports.read.xlsxsource import LIMIT_SETTING, MAX_CELL_CHARS
from centricity.imports.reasons import LocalNumber
from centricity.kit.i18n import lazy
from centricity.kit.text import size_text

MAX_RATIO = 100  # uncompressed data : file size, as for XLSX
RATIO_FLOOR = 16 * 1024 * 1024  # small files may unpack to this much whatever their ratio

READ_ROWS = 1_024  # rows decoded at a time: at most 32 MB of text with the cell cap
BATCH_ROWS = 50_000
# A preview of 400 MB of repeated text took a fresh server from 167 to 328 MB (measured).
BATCH_BYTES = 16 * 1024 * 1024


def check_parquet(file: Any, weight: int, max_unpacked_bytes: int) -> None:
    """Refuse a file whose data unpacks to far more than it weighs, or one of whose row
    groups (the unit a reader decompresses) unpacks to more than the limit."""
    meta = file.metadata
    groups = [meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)]
    total = sum(groups)
    if total > max(MAX_RATIO * weight, RATIO_FLOOR):
        raise UnreadableFile(
            lazy(
                "the Parquet file unpacks to %(size)s, more than %(ratio)s times its size of "
                "%(weight)s (possible decompression bomb)",
                size=size_text(total),
                ratio=MAX_RATIO,
                weight=size_text(weight),
            )
        )
    if groups and max(groups) > max_unpacked_bytes:
        raise UnreadableFile(
            lazy(
                "a row group of the Parquet file unpacks to %(size)s, more than the limit of "
                "%(limit)s (%(setting)s); write it with smaller row groups",
                size=size_text(max(groups)),
                limit=size_text(max_unpacked_bytes),
                setting=LIMIT_SETTING,
            )
        )


def _text_columns(schema: Any) -> list[str]:
    import pyarrow as pa  # type: ignore[import-untyped]

    kinds = (pa.types.is_string, pa.types.is_large_string)
    return [f.name for f in schema if any(kind(f.type) for kind in kinds)]


def _check_cells(batch: Any) -> None:
    """Refuse text longer than MAX_CELL_CHARS while it is still one dictionary entry."""
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    for column in batch.columns:
        dictionary = getattr(column, "dictionary", None)
        if dictionary is None or len(dictionary) == 0:
            continue
        lengths = pc.binary_length(dictionary.cast("binary"))
        longest = pc.max(lengths).as_py() or 0
        if longest > MAX_CELL_CHARS * 4:  # UTF-8 takes at most 4 bytes a character
            raise UnreadableFile(
                lazy(
                    "the Parquet file has a text cell of %(size)s; a cell may hold at most "
                    "%(limit)s characters",
                    size=size_text(longest),
                    limit=LocalNumber(MAX_CELL_CHARS),
                )
            )


class ParquetSource:
    """A Parquet file read batch by batch; every column is turned into text."""

    format = "parquet"

    def __init__(self, path: Path, max_unpacked_bytes: int) -> None:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        try:
            schema = pq.read_schema(path)
            self._file = pq.ParquetFile(path, read_dictionary=_text_columns(schema))
        except Exception:  # pyarrow raises ArrowInvalid, OSError, …
            raise UnreadableFile(lazy("not a readable Parquet file")) from None
        check_parquet(self._file, path.stat().st_size, max_unpacked_bytes)
        self.header = list(self._file.schema_arrow.names)

    def estimate_rows(self) -> int | None:
        """Exact, from the file's metadata."""
        return int(self._file.metadata.num_rows)

    def _frames(self) -> Iterator[pl.DataFrame]:
        names = column_names(len(self.header))
        for batch in self._file.iter_batches(batch_size=READ_ROWS):
            _check_cells(batch)
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            try:  # the schema once: asking each column for it cost O(columns²)
                text = frame.select(as_text(n, t) for n, t in frame.schema.items())
            except pl.exceptions.ComputeError:  # bytes that are not UTF-8 text
                raise UnreadableFile(
                    lazy("a column of the Parquet file holds bytes, not text")
                ) from None
            text.columns = names
            yield text

    def batches(self) -> Iterator[pl.DataFrame]:
        """Batches of rows as text (up to BATCH_ROWS rows or about BATCH_BYTES); the line
        is the row number (1-based)."""
        held: list[pl.DataFrame] = []
        rows = size = done = 0
        for frame in self._frames():
            held.append(frame)
            rows, size = rows + frame.height, size + int(frame.estimated_size())
            if rows >= BATCH_ROWS or size >= BATCH_BYTES:
                yield parsed_frame(pl.concat(held), range(done + 1, done + rows + 1))
                held, done, rows, size = [], done + rows, 0, 0
        if held:
            yield parsed_frame(pl.concat(held), range(done + 1, done + rows + 1))
