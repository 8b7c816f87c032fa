"""Merge a staged batch into its target table: set-based, exact counts, no duplicates.

References (an order's customer number) arrive resolved (`check/references.py`). Rows are
matched by the kind's key: a unique
column (external id) or, for kinds without one, the hashed natural key kept in
`import_record_keys`. A row whose values equal the stored ones is left alone
(`unchanged`), so re-running a file writes nothing. SQLite updates changed rows, then
`INSERT OR IGNORE`s the rest (the unique index does the existence check); PostgreSQL
tries a plain `INSERT` first and, when some key exists, does both in one `INSERT … ON
CONFLICT DO UPDATE … WHERE changed`, counting inserts by `xmax = 0`. A kind that acts on
what changed (`after_change`: cases rebuild their targets) gets the keys of the rows about
to be inserted or updated, found by one query before the merge (on PostgreSQL, when the
plain `INSERT` went through, every staged key without a search).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.db import Base
from centricity.imports import reasons
from centricity.imports.load.staging import Stage
from centricity.imports.models import RecordKey
from centricity.imports.registry import KeyOption, KindSpec

UNIQUE_VIOLATION = "23505"


@dataclass(frozen=True)
class Outcome:
    """What merging one batch did; `rejected` are (line, reason) pairs for quarantine."""

    inserted: int
    updated: int
    unchanged: int
    rejected: list[tuple[int, str]]


def _count(session: Session, statement: Any) -> int:
    """Execute a DML statement and return how many rows it changed."""
    result = session.execute(statement.execution_options(preserve_rowcount=True))
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


def _access_check(
    spec: KindSpec, key: KeyOption, stage: Stage, actor: User | None
) -> Select[Any] | None:
    """(line, reason) of the staged rows whose key names a record the actor may not see
    (refused without naming it) or may see but not change (another department's open
    contact): one join of the batch with the records its keys name, before any match."""
    fields = ", ".join(key.fields)
    rules = [
        (rule(actor), reasons.fill(reason, fields=fields))
        for rule, reason in (
            (spec.hidden, reasons.UNAVAILABLE),
            (spec.read_only, spec.read_only_reason),
        )
        if rule is not None and actor is not None
    ]
    if not rules:
        return None
    target = Base.metadata.tables[spec.table]
    table = stage.table
    if key.column is not None:
        joined = table.join(target, target.c[key.column] == _targets(spec, stage)[key.column])
    else:  # the natural key: the stored hash of this staged row names the record
        keys = RecordKey.__table__
        named = and_(keys.c.kind == spec.name, keys.c.key_hash == table.c.key_hash)
        joined = table.join(keys, named).join(target, target.c.id == keys.c.record_id)
    reason = case(*rules)
    return select(table.c.line, reason).select_from(joined).where(or_(*(c for c, _ in rules)))


def _reject(
    session: Session, spec: KindSpec, key: KeyOption, stage: Stage, actor: User | None
) -> list[tuple[int, str]]:
    table = stage.table
    # The first reason found for a line is kept: access first, so a row naming a record
    # the actor may not see is refused with the same words whatever else is wrong with it.
    queries: list[Select[Any]] = []
    access = _access_check(spec, key, stage, actor)
    if access is not None:
        queries.append(access)
    if actor is not None:
        found = (check(session, table, actor) for check in spec.actor_checks)
        queries += [query for query in found if query is not None]
    queries += [check(session, table) for check in spec.checks]
    rejected: dict[int, str] = {}
    for query in queries:
        for line, reason in session.execute(query):
            rejected.setdefault(int(line), str(reason))
    lines = sorted(rejected)
    for start in range(0, len(lines), 500):
        session.execute(delete(table).where(table.c.line.in_(lines[start : start + 500])))
    return [(line, rejected[line]) for line in lines]


def target_names(spec: KindSpec, fields: tuple[str, ...]) -> dict[str, str]:
    """Target column → the batch column that fills it."""
    own = {*spec.derived, *(r.column for r in spec.references)}
    names: dict[str, str] = {}
    for name in fields:
        target = name if name in own else spec.field(name).target
        if target is not None:
            names[target] = name
    return names


def _targets(spec: KindSpec, stage: Stage) -> dict[str, ColumnElement[Any]]:
    """Target column → the staged column that fills it."""
    return {t: stage.table.c[n] for t, n in target_names(spec, stage.fields).items()}


@dataclass(frozen=True)
class Writer:
    """Who writes: the defaults a new row gets and the rows an update may touch."""

    defaults: dict[str, Any]
    writable: ColumnElement[bool]

    @classmethod
    def of(cls, spec: KindSpec, actor: User | None) -> Writer:
        """The writer for `actor` (None: the command line, which sees every row)."""
        defaults = spec.insert_defaults()
        if actor is None:
            return cls(defaults, true())
        owner = spec.owner_values(actor) if spec.owner_values is not None else {}
        refused = [rule(actor) for rule in (spec.hidden, spec.read_only) if rule is not None]
        return cls(defaults | owner, not_(or_(*refused)) if refused else true())


def _defaults(writer: Writer, target: Table, active: set[str]) -> dict[str, Any]:
    return {
        column: bindparam(None, value, type_=target.c[column].type)
        for column, value in writer.defaults.items()
        if column not in active
    }


def merge(
    session: Session,
    spec: KindSpec,
    key: KeyOption,
    stage: Stage,
    staged: int,
    actor: User | None = None,
) -> Outcome:
    """Check and merge the staged batch as `actor` (None: the command line); the caller
    owns the transaction."""
    rejected = _reject(session, spec, key, stage, actor)
    remaining = staged - len(rejected)
    if remaining == 0:
        return Outcome(0, 0, 0, rejected)
    target = Base.metadata.tables[spec.table]
    columns = _targets(spec, stage)
    writer = Writer.of(spec, actor)
    changes = spec.after_change is not None
    if key.column is not None and session.get_bind().dialect.name == "postgresql":
        inserted, updated, changed = _merge_postgresql(
            session, spec, target, key, columns, writer, changes=changes
        )
    elif key.column is not None and not _any_stored(session, target, key.column, columns):
        # SQLite, nothing stored under the batch's keys: every staged row is new.
        changed = list(session.scalars(select(columns[key.column]))) if changes else []
        inserted, updated = _insert_sqlite(session, target, stage, columns, writer), 0
    else:
        changed = _new_or_changed(session, spec, target, key, columns) if changes else []
        if key.column is None:
            inserted, updated = _merge_by_natural_key(session, spec, target, stage, columns, writer)
        else:
            inserted, updated = _merge_sqlite(
                session, spec, target, key.column, stage, columns, writer
            )
    if spec.after_merge is not None:
        spec.after_merge(session, stage.table)
    if spec.after_change is not None and changed:
        spec.after_change(session, changed, actor)
    return Outcome(inserted, updated, remaining - inserted - updated, rejected)


def _new_or_changed(
    session: Session,
    spec: KindSpec,
    target: Table,
    key: KeyOption,
    columns: dict[str, ColumnElement[Any]],
) -> list[Any]:
    """Keys of the staged rows the merge will insert or update (no stored row has all their
    values), found before merging: afterwards every staged row equals its record."""
    if key.column is None:
        raise ValueError(f"{spec.name}: after_change needs a key column")
    same = [target.c[n].is_not_distinct_from(e) for n, e in _compared(spec, columns).items()]
    stored = select(target.c.id).where(target.c[key.column] == columns[key.column], *same)
    return list(session.scalars(select(columns[key.column]).where(~stored.exists())))


def _compared(spec: KindSpec, columns: dict[str, ColumnElement[Any]]) -> dict[str, Any]:
    return {n: e for n, e in columns.items() if n not in spec.computed}


def _updated(spec: KindSpec, target: Table, columns: dict[str, Any]) -> dict[str, Any]:
    """What an update of a stored row writes: the batch's values, but a stored row keeps
    the `kept` values it has (the batch's fill only an empty one)."""
    return {n: func.coalesce(target.c[n], e) if n in spec.kept else e for n, e in columns.items()}


def _changed(target: Table, columns: dict[str, ColumnElement[Any]]) -> ColumnElement[bool]:
    return not_(and_(*(target.c[n].is_not_distinct_from(e) for n, e in columns.items())))


def _guard_not_null(session: Session, target: Table, columns: dict[str, Any]) -> None:
    """`INSERT OR IGNORE` would silently skip a row breaking NOT NULL: make sure none does."""
    required = [e for n, e in columns.items() if not target.c[n].nullable]
    if required:
        nulls = session.scalar(select(func.count()).where(or_(*(e.is_(None) for e in required))))
        if nulls:
            raise RuntimeError(f"{nulls} staged {target.name} rows lack a required value")


def _merge_sqlite(
    session: Session,
    spec: KindSpec,
    target: Table,
    key: str,
    stage: Stage,
    columns: dict[str, ColumnElement[Any]],
    writer: Writer,
) -> tuple[int, int]:
    changed = _changed(target, _compared(spec, columns))
    updated = _count(
        session,
        update(target)
        .where(target.c[key] == columns[key], changed, writer.writable)
        .values(_updated(spec, target, columns) | spec.update_values()),
    )
    return _insert_sqlite(session, target, stage, columns, writer), updated


def _any_stored(
    session: Session, target: Table, key: str, columns: dict[str, ColumnElement[Any]]
) -> bool:
    """Whether a stored row has one of the staged keys: one probe of the key's index per
    row that stops at the first found. When none has (a first import) the search for
    changed rows and the update are skipped: on SQLite they took 0.4 s of each
    100,000-record batch of call records under the profiler, a probe like this one of
    100,000 keys 0.05–0.08 s (measured on a million-record store)."""
    found = select(target.c.id).where(target.c[key] == columns[key]).limit(1)
    return session.scalar(found) is not None


def _insert_sqlite(
    session: Session,
    target: Table,
    stage: Stage,
    columns: dict[str, ColumnElement[Any]],
    writer: Writer,
) -> int:
    """`INSERT OR IGNORE` the staged rows whose key is new (the unique index decides)."""
    _guard_not_null(session, target, columns)
    defaults = _defaults(writer, target, set(columns))
    rows = select(*columns.values(), *defaults.values()).select_from(stage.table)
    insert = target.insert().prefix_with("OR IGNORE").from_select([*columns, *defaults], rows)
    return _count(session, insert)


def _merge_postgresql(
    session: Session,
    spec: KindSpec,
    target: Table,
    key: KeyOption,
    columns: dict[str, ColumnElement[Any]],
    writer: Writer,
    *,
    changes: bool,
) -> tuple[int, int, list[Any]]:
    """Inserted, updated and the keys of the rows that changed (when `changes`). A plain
    `INSERT` of the whole batch goes first: when no key exists yet (a first import) every
    staged row is new, so the keys that changed are the staged ones and need no search
    (finding them probed the target's key for each row: 5.1 s of a 1,000,000-record call
    import, measured); else the attempt is undone, the changed keys found, the upsert run."""
    column = str(key.column)
    defaults = _defaults(writer, target, set(columns))
    rows = select(*columns.values(), *defaults.values())
    plain = insert_all(session, target.insert().from_select([*columns, *defaults], rows))
    if plain is not None:
        return plain, 0, list(session.scalars(select(columns[column]))) if changes else []
    changed = _new_or_changed(session, spec, target, key, columns) if changes else []
    return (*_upsert_postgresql(session, spec, target, column, columns, writer), changed)


def _upsert_postgresql(
    session: Session,
    spec: KindSpec,
    target: Table,
    key: str,
    columns: dict[str, ColumnElement[Any]],
    writer: Writer,
) -> tuple[int, int]:
    defaults = _defaults(writer, target, set(columns))
    rows = select(*columns.values(), *defaults.values())
    insert = postgresql.insert(target).from_select([*columns, *defaults], rows)
    excluded = insert.excluded
    names = [n for n in columns if n != key]
    compared = [n for n in names if n not in spec.computed]
    upsert = insert.on_conflict_do_update(
        index_elements=[key],
        set_=_updated(spec, target, {n: excluded[n] for n in names}) | spec.update_values(),
        where=and_(
            or_(*(target.c[n].is_distinct_from(excluded[n]) for n in compared)), writer.writable
        ),
    )
    upserted = upsert.returning(literal_column("(xmax = 0)").label("inserted")).cte("upserted")
    flag = upserted.c.inserted
    counts = session.execute(
        select(func.count().filter(flag), func.count().filter(not_(flag))).select_from(upserted)
    ).one()
    return int(counts[0]), int(counts[1])


def insert_all(session: Session, statement: Any) -> int | None:
    """Try a plain INSERT of the whole batch (a first import: no key exists yet); None
    when a key already exists, after undoing the attempt. Skipping conflict handling
    makes new rows about 20 % cheaper on PostgreSQL."""
    attempt = session.begin_nested()
    try:
        inserted = _count(session, statement)
    except IntegrityError as exc:
        attempt.rollback()
        if getattr(exc.orig, "sqlstate", None) == UNIQUE_VIOLATION:
            return None
        raise
    attempt.commit()
    return inserted


def _allocate_ids(session: Session, target: Table, count: int) -> list[int]:
    if session.get_bind().dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(target.name, "id")
        series = func.generate_series(1, count).table_valued("n")
        return [int(i) for i in session.scalars(select(func.nextval(sequence)).select_from(series))]
    base = int(session.scalar(select(func.coalesce(func.max(target.c.id), 0))) or 0)
    return list(range(base + 1, base + count + 1))


def _merge_by_natural_key(
    session: Session,
    spec: KindSpec,
    target: Table,
    stage: Stage,
    columns: dict[str, ColumnElement[Any]],
    writer: Writer,
) -> tuple[int, int]:
    table, keys = stage.table, RecordKey.__table__
    known = (
        select(keys.c.record_id)
        .join(target, target.c.id == keys.c.record_id)
        .where(keys.c.kind == spec.name, keys.c.key_hash == table.c.key_hash)
        .scalar_subquery()
    )
    session.execute(update(table).values(target_id=known))
    updated = _count(
        session,
        update(target)
        .where(
            target.c.id == table.c.target_id,
            _changed(target, _compared(spec, columns)),
            writer.writable,
        )
        .values(_updated(spec, target, columns) | spec.update_values()),
    )
    new_lines = sorted(session.scalars(select(table.c.line).where(table.c.target_id.is_(None))))
    if not new_lines:
        return 0, updated
    ids = _allocate_ids(session, target, len(new_lines))
    session.connection().execute(
        update(table).where(table.c.line == bindparam("b_line")).values(new_id=bindparam("b_id")),
        [{"b_line": line, "b_id": new} for line, new in zip(new_lines, ids, strict=True)],
    )
    defaults = _defaults(writer, target, set(columns))
    rows = select(table.c.new_id, *columns.values(), *defaults.values()).where(
        table.c.new_id.is_not(None)
    )
    inserted = _count(session, target.insert().from_select(["id", *columns, *defaults], rows))
    _remember_keys(session, spec, table)
    return inserted, updated


def _remember_keys(session: Session, spec: KindSpec, table: Table) -> None:
    keys = RecordKey.__table__
    rows = select(literal(spec.name), table.c.key_hash, table.c.new_id).where(
        table.c.new_id.is_not(None)
    )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(keys).from_select(["kind", "key_hash", "record_id"], rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["kind", "key_hash"], set_={"record_id": statement.excluded.record_id}
        )
    )
