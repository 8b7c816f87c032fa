"""Check a batch of String rows against a kind: typed values for good rows, reasons for bad.

A reason never quotes a value (reasons are stored and shown); the row's original values
travel separately to the quarantine file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import polars as pl

from centricity.imports import reasons
from centricity.imports.check.fields import Formats, parse_field
from centricity.imports.check.mapping import ColumnMapping
from centricity.imports.check.seen import SeenKeys
from centricity.imports.read.frames import LINE, PROBLEM
from centricity.imports.registry import KeyOption, KindSpec

REASON = "__reason"
NATURAL_KEY = "__key"
_HASH = "__hash"
_BLANK_KEY = "__blank_key"


@dataclass(frozen=True)
class Checked:
    """A validated batch: typed good rows and the rejected rows with their reasons."""

    good: pl.DataFrame
    rejected: pl.DataFrame
    read: int


@dataclass(frozen=True)
class Plan:
    """How to read one file as one kind: mapping, number/date formats, row identity."""

    spec: KindSpec
    mapping: ColumnMapping
    formats: Formats
    key: KeyOption

    def typed(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
        """Add one typed column per mapped field and return the error column names
        (the last one flags an empty key field: such a row could never be found again,
        so a re-run would insert it twice)."""
        values, errors = [], []
        for index, name in sorted(self.mapping.targets.items()):
            parsed = parse_field(self.spec.field(name), frame[f"c{index}"], self.formats)
            values.append(parsed.value)
            errors.append(parsed.error)
        typed = frame.with_columns(*values, *errors)
        own_error = {v.name: e.name for v, e in zip(values, errors, strict=True)}
        blank = [
            pl.when(pl.col(f).is_null() & pl.col(own_error[f]).is_null()).then(
                pl.lit(reasons.fill(reasons.EMPTY_KEY, field=f))
            )
            for f in self.key.fields
            if f in own_error
        ]
        flag = pl.concat_str(blank, separator="; ", ignore_nulls=True).replace("", None)
        return typed.with_columns(flag.alias(_BLANK_KEY)), [*own_error.values(), _BLANK_KEY]

    def key_hashes(self, typed: pl.DataFrame) -> pl.Series:
        """A 64-bit hash of each row's key (null when a key field is missing)."""
        fields = list(self.key.fields)
        complete = pl.all_horizontal([pl.col(f).is_not_null() for f in fields])
        hashed = pl.struct(fields).hash(seed=7)
        return typed.select(pl.when(complete).then(hashed).alias(_HASH)).to_series()


def _duplicates(hashes: pl.Series, seen: SeenKeys, usable: pl.Series) -> np.ndarray:
    """Rows whose key an earlier usable row of the file already had (the first one wins)."""
    values = hashes.fill_null(0).to_numpy().astype(np.uint64)
    present = (hashes.is_not_null() & usable).to_numpy()
    rows = np.flatnonzero(present)
    keys = values[rows]
    repeated = np.zeros(len(values), dtype=bool)
    repeated[rows] = ~pl.Series(keys).is_first_distinct().to_numpy() | seen.contains(keys)
    seen.add(keys)
    return repeated


def remember_keys(plan: Plan, frame: pl.DataFrame, seen: SeenKeys) -> None:
    """Add a batch's keys to `seen` without keeping the rows (resuming an import)."""
    typed, _errors = plan.typed(frame)
    usable = typed[PROBLEM].is_null()
    _duplicates(plan.key_hashes(typed), seen, usable)


def natural_key(values: pl.DataFrame, fields: tuple[str, ...]) -> pl.Series:
    """SHA-256 of the key fields' text, stable across versions (stored in the key table)."""
    parts = [pl.col(f).cast(pl.String).fill_null("") for f in fields]
    joined = values.select(pl.concat_str(parts, separator="\x1f")).to_series().to_list()
    digests = [hashlib.sha256(text.encode("utf-8")).hexdigest() for text in joined]
    return pl.Series(NATURAL_KEY, digests, dtype=pl.String)


def check(plan: Plan, frame: pl.DataFrame, seen: SeenKeys) -> Checked:
    """Validate a batch: every row ends up either good or rejected with a reason."""
    typed, errors = plan.typed(frame)
    usable = typed[PROBLEM].is_null()
    repeated = _duplicates(plan.key_hashes(typed), seen, usable)
    message = reasons.fill(reasons.DUPLICATE, fields="+".join(plan.key.fields))
    duplicate = pl.when(pl.Series(repeated)).then(pl.lit(message)).otherwise(None)
    field_errors = pl.concat_str([pl.col(e) for e in errors], separator="; ", ignore_nulls=True)
    field_errors = field_errors.replace("", None)
    problems = pl.concat_str([field_errors, duplicate], separator="; ", ignore_nulls=True)
    reason = pl.coalesce(pl.col(PROBLEM), problems.replace("", None))
    marked = typed.with_columns(reason.alias(REASON))
    good = marked.filter(pl.col(REASON).is_null())
    rejected = marked.filter(pl.col(REASON).is_not_null())
    fields = [LINE, *(n for _, n in sorted(plan.mapping.targets.items()))]
    good = good.select(fields)
    if plan.spec.prepare is not None:
        good = plan.spec.prepare(good, plan.mapping.fields)
    if plan.key.column is None:
        good = good.with_columns(natural_key(good, plan.key.fields))
    return Checked(good=good, rejected=rejected.drop(errors), read=frame.height)
