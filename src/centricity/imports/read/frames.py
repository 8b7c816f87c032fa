"""The shape every reader yields: String columns `c0…cN` in header order, plus the row's
source line (`__line`), a read problem (`__problem`) and its original record (`__raw`,
JSON, only when the columns cannot hold it: a ragged CSV row, a JSON line)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import polars as pl

from centricity.imports import reasons

LINE, PROBLEM, RAW = "__line", "__problem", "__raw"
META = (LINE, PROBLEM, RAW)

Record = tuple[int, Sequence[Any] | None, str | None]


def column_names(count: int) -> list[str]:
    """Positional names of the source columns: c0, c1, …"""
    return [f"c{i}" for i in range(count)]


def frame_schema(count: int) -> dict[str, Any]:
    """The schema of a reader batch with `count` source columns."""
    schema: dict[str, Any] = dict.fromkeys(column_names(count), pl.String)
    return {**schema, LINE: pl.Int64, PROBLEM: pl.String, RAW: pl.String}


def parsed_frame(frame: pl.DataFrame, lines: np.ndarray | Sequence[int]) -> pl.DataFrame:
    """Add line numbers (and empty problem/raw columns) to a frame a parser produced."""
    return frame.with_columns(
        pl.Series(LINE, np.asarray(lines, dtype=np.int64)),
        pl.lit(None, dtype=pl.String).alias(PROBLEM),
        pl.lit(None, dtype=pl.String).alias(RAW),
    )


def _cell(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value)


def frame_from_records(
    records: Iterable[Record], count: int, *, keep_blank: bool = False
) -> pl.DataFrame:
    """Build a batch from (line, fields, problem) records; ragged rows keep their fields."""
    columns: list[list[str | None]] = [[] for _ in range(count)]
    lines: list[int] = []
    problems: list[str | None] = []
    raws: list[str | None] = []
    for line, fields, problem in records:
        values = list(fields) if fields is not None else []
        if (
            not keep_blank
            and problem is None
            and not any(_cell(v) and str(v).strip() for v in values)
        ):
            continue  # a blank line is not a record
        if problem is None and len(values) != count:
            problem = reasons.fill(reasons.FIELD_COUNT, count=len(values), header=count)
        ragged = problem is not None and fields is not None and len(values) != count
        raws.append(json.dumps([_cell(v) for v in values], ensure_ascii=False) if ragged else None)
        padded = (values + [None] * count)[:count]
        for index in range(count):
            columns[index].append(_cell(padded[index]))
        lines.append(line)
        problems.append(problem)
    data: dict[str, Any] = dict(zip(column_names(count), columns, strict=True))
    data.update({LINE: lines, PROBLEM: problems, RAW: raws})
    return pl.DataFrame(data, schema=frame_schema(count))


def drop_blank_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose every cell is empty are not records (trailing `;;;` lines, blank rows)."""
    cells = [c for c in frame.columns if c not in META]
    if not cells:
        return frame
    blank = pl.all_horizontal(
        [pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in cells]
    )
    return frame.filter(~blank | pl.col(PROBLEM).is_not_null())


def rebatch(frames: Iterable[pl.DataFrame], size: int, skip: int = 0) -> Iterator[pl.DataFrame]:
    """Cut reader output into batches of `size` rows (the last one may be shorter), after
    skipping `skip` rows. A reader's pieces are joined first, so `--batch-size` means the
    same whatever the width of a row: the CSV reader's 8 MB chunks hold 145,000 order rows
    but only 31,000 call records, so a call import ran three times the batches asked for
    (on 1,000,000 records, 36 commits took 15 s of 79 s on SQLite under the profiler)."""
    pending: list[pl.DataFrame] = []
    held = 0
    for frame in frames:
        frame = drop_blank_rows(frame)
        if skip:
            dropped = min(skip, frame.height)
            frame, skip = frame.slice(dropped), skip - dropped
        if frame.height == 0:
            continue
        pending.append(frame)
        held += frame.height
        while held >= size:
            joined = pl.concat(pending) if len(pending) > 1 else pending[0]
            yield joined.slice(0, size)
            rest = joined.slice(size)
            pending, held = ([rest] if rest.height else []), rest.height
    if pending:
        yield pl.concat(pending) if len(pending) > 1 else pending[0]


def raw_values(row: dict[str, Any], count: int) -> list[Any] | dict[str, Any]:
    """The original record of a row, for its quarantine entry."""
    raw = row.get(RAW)
    if raw is not None:
        loaded: list[Any] | dict[str, Any] = json.loads(raw)
        return loaded
    return ["" if row.get(c) is None else row[c] for c in column_names(count)]
