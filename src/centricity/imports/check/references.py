"""Turn "customer number C-17" into customer id 42, for a whole batch at once.

A record may be named in two ways (a customer by external id or by e-mail): both references
fill one column and the first one given wins. A key that names more than one record (two
customers share an e-mail) names none, so the row is quarantined rather than guessed.
Ids found are cached for the rest of the run, so a file of ten million orders for a
hundred thousand customers asks the database about each customer once; the join itself
happens in Polars. Customers merged away resolve to the record they were merged into.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from centricity.db import Base
from centricity.imports import reasons
from centricity.imports.models import CustomerMerge
from centricity.imports.read.frames import LINE
from centricity.imports.registry import KindSpec, Reference

CHUNK = 5000
_KEY, _ID = "__ref_key", "__ref_id"


@dataclass
class ReferenceCache:
    """Known key → id pairs of one referenced table (id null: known not to exist)."""

    reference: Reference
    known: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={_KEY: pl.String, _ID: pl.Int64})
    )

    def _lookup(self, session: Session, keys: list[str]) -> dict[str, int]:
        ref = self.reference
        table: Table = Base.metadata.tables[ref.table]
        found: dict[str, int] = {}
        ambiguous: set[str] = set()
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            query = select(table.c[ref.key], table.c.id).where(table.c[ref.key].in_(chunk))
            for key, ident in session.execute(query):
                if found.setdefault(str(key), int(ident)) != int(ident):
                    ambiguous.add(str(key))
        for key in ambiguous:  # a key that is not unique (a customer's e-mail) names nobody
            del found[key]
        missing = [k for k in keys if k not in found]
        if ref.follow_merges and missing:
            found.update(_survivors(session, missing))
        if ref.create_missing and missing:
            session.execute(insert(table), [{ref.key: k} for k in missing])
            return self._lookup(session, keys)
        return found

    def resolve(self, session: Session, values: pl.Series) -> pl.Series:
        """The id of each value's record; null where the value names nothing."""
        wanted = values.drop_nulls().unique()
        new = wanted.filter(~wanted.is_in(self.known[_KEY].implode()))
        if len(new):
            keys = new.to_list()
            found = self._lookup(session, keys)
            rows = pl.DataFrame(
                {_KEY: keys, _ID: [found.get(k) for k in keys]},
                schema={_KEY: pl.String, _ID: pl.Int64},
            )
            self.known = pl.concat([self.known, rows])
        frame = pl.DataFrame({_KEY: values})
        joined = frame.join(self.known, on=_KEY, how="left", maintain_order="left")
        return joined[_ID]


def _survivors(session: Session, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), CHUNK):
        query = (
            select(CustomerMerge.duplicate_external_id, CustomerMerge.survivor_id)
            .where(CustomerMerge.duplicate_external_id.in_(keys[start : start + CHUNK]))
            .order_by(CustomerMerge.id)
        )
        found.update({str(k): int(i) for k, i in session.execute(query)})
    return found


@dataclass
class Resolver:
    """One cache per reference of a kind, kept for a whole import run."""

    spec: KindSpec
    caches: dict[str, ReferenceCache] = field(default_factory=dict)
    # What the kind's `before_stage` keeps for the rest of the run (a call's customer by
    # number), as the references above keep their ids.
    memo: dict[str, Any] = field(default_factory=dict)

    def apply(
        self, session: Session, good: pl.DataFrame
    ) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
        """Add the id columns; rows naming unknown records come back as (line, reason)."""
        unknown = pl.Series("unknown", [False] * good.height, dtype=pl.Boolean)
        found: list[pl.Series] = []
        for ref in self.spec.references:
            if ref.field not in good.columns:
                continue
            cache = self.caches.setdefault(ref.field, ReferenceCache(ref))
            ids = cache.resolve(session, good[ref.field]).alias(ref.column)
            missing = good[ref.field].is_not_null() & ids.is_null()
            if ref.column in good.columns:  # two ways to name one record: the first wins
                ids = pl.select(pl.coalesce(good[ref.column], ids)).to_series().alias(ref.column)
            template = reasons.UNKNOWN_REFERENCE.get(ref.label, reasons.UNKNOWN_RECORD)
            message = reasons.fill(template, field=ref.field, label=ref.label)
            found.append(pl.select(pl.when(missing).then(pl.lit(message))).to_series())
            unknown = unknown | missing
            good = good.with_columns(ids)
        if not unknown.any():
            return good, []
        reason = pl.select(
            pl.concat_str(found, separator=reasons.SEPARATOR, ignore_nulls=True)
        ).to_series()
        rejected = list(
            zip(good.filter(unknown)[LINE].to_list(), reason.filter(unknown).to_list(), strict=True)
        )
        return good.filter(~unknown), rejected
