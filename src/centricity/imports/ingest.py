"""REST ingest: one record or a batch of up to 10,000, checked exactly like a file import.

The batch runs in the request's transaction (the request commits it, services only
flush), so a failure leaves nothing behind; each rejected record comes back with its
index and reason, and the others are imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.imports.check.fields import Formats, date_hints
from centricity.imports.check.mapping import ColumnMapping, MappingError, check_complete
from centricity.imports.check.references import Resolver
from centricity.imports.check.seen import SeenKeys
from centricity.imports.check.validate import REASON, Plan, check
from centricity.imports.load import staging
from centricity.imports.load.jobstore import Counts
from centricity.imports.load.runner import process, resolve, stage_for
from centricity.imports.read.frames import LINE, Record, frame_from_records
from centricity.imports.read.sources import cell_text
from centricity.imports.registry import FieldType, KindSpec
from centricity.kit.errors import DomainError, Invalid
from centricity.kit.schema import check_text

MAX_RECORDS = 10_000


class TooManyRecords(DomainError):
    """A batch over MAX_RECORDS (413: split it)."""

    status_code = 413


@dataclass
class IngestResult:
    """Counts plus (index, reason) for every record that was not imported."""

    kind: str
    counts: Counts
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Whether at least one record is now in the store (new, changed or already there)."""
        return self.counts.quarantined < self.counts.read

    def report(self) -> dict[str, Any]:
        """The answer body: counts and per-record errors."""
        errors = [{"index": index, "reason": reason} for index, reason in self.errors]
        return {"kind": self.kind, **self.counts.as_dict(), "errors": errors}


def _record(index: int, data: dict[str, Any], header: list[str], known: set[str]) -> Record:
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        return index + 1, None, f"unknown field(s): {', '.join(unknown)}"
    try:
        check_text(data)
    except ValueError as exc:
        return index + 1, None, f"a value {exc}"
    return index + 1, [cell_text(data.get(name)) for name in header], None


def _plan(spec: KindSpec, header: list[str], frame: pl.DataFrame) -> Plan:
    column_map = ColumnMapping(headers=header, targets=dict(enumerate(header)))
    try:
        check_complete(spec, column_map)
    except MappingError as exc:
        message = str(exc).split(";")[0]
        raise Invalid(message.replace("column(s) not found", "field(s) missing")) from None
    dates = [
        v
        for i, name in enumerate(header)
        if spec.field(name).type is FieldType.DATETIME
        for v in frame[f"c{i}"].drop_nulls().to_list()[:1000]
    ]
    formats = Formats(date_hints=date_hints(pl.Series(dates, dtype=pl.String), True))
    key = spec.key_for(column_map.fields)
    assert key is not None
    return Plan(spec=spec, mapping=column_map, formats=formats, key=key)


def _groups(spec: KindSpec, records: list[dict[str, Any]]) -> list[tuple[list[str], list[int]]]:
    """Records grouped by the fields they carry, in order of first appearance: a field a
    record leaves out is left as it is, so each group is merged with its own columns."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, record in enumerate(records):
        names = tuple(f.name for f in spec.fields if f.name in record)
        groups.setdefault(names, []).append(index)
    return [(list(names), indexes) for names, indexes in groups.items()]


def _merge_group(
    session: Session,
    spec: KindSpec,
    records: list[dict[str, Any]],
    header: list[str],
    indexes: list[int],
    seen: SeenKeys,
    actor: User,
) -> tuple[Counts, list[tuple[int, str]]]:
    known = {f.name for f in spec.fields}
    rows = [_record(i, records[i], header, known) for i in indexes]
    frame = frame_from_records(rows, len(header), keep_blank=True)
    plan = _plan(spec, header, frame)
    checked = check(plan, frame, seen)
    good, unresolved = resolve(session, Resolver(spec), checked.good, actor)
    stage = stage_for(plan, good)
    outcome = process(session, plan, stage, good, actor)
    staging.drop(session, stage)
    errors = [(int(r[LINE]) - 1, str(r[REASON])) for r in checked.rejected.iter_rows(named=True)]
    errors += [(line - 1, reason) for line, reason in [*unresolved, *outcome.rejected]]
    counts = Counts(
        read=len(indexes),
        inserted=outcome.inserted,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        quarantined=len(errors),
    )
    return counts, errors


def ingest(
    session: Session, *, spec: KindSpec, records: list[dict[str, Any]], actor: User
) -> IngestResult:
    """Validate and merge records (field names as in the file contract); flushes only.

    A record that names a key twice in one batch loses to the one merged first."""
    if not records:
        raise Invalid("send at least one record")
    if len(records) > MAX_RECORDS:
        raise TooManyRecords(f"send at most {MAX_RECORDS} records per request")
    counts, errors, seen = Counts(), list[tuple[int, str]](), SeenKeys()
    refusals: list[Invalid] = []
    groups = _groups(spec, records)
    for header, indexes in groups:
        try:
            group_counts, group_errors = _merge_group(
                session, spec, records, header, indexes, seen, actor
            )
        except Invalid as exc:
            refusals.append(exc)
            group_counts = Counts(read=len(indexes), quarantined=len(indexes))
            group_errors = [(i, str(exc)) for i in indexes]
        counts.add(group_counts)
        errors += group_errors
    if len(refusals) == len(groups):  # no record has the fields the kind needs
        raise refusals[0]
    if spec.after_import is not None:
        spec.after_import(session, actor)
    audit.record(
        session,
        actor=actor,
        action="import.ingest",
        entity=("import_kind", spec.name),
        details=counts.as_dict(),
    )
    session.flush()
    return IngestResult(kind=spec.name, counts=counts, errors=sorted(errors))
