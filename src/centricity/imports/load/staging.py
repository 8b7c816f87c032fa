"""The staging table: a batch of validated rows loaded into a temporary table, so resolving
references and merging into the target run as a few set-based statements.

Loading is the hot path: SQLite gets one `executemany` of plain tuples, PostgreSQL one
`COPY … (FORMAT csv)` of the batch written by Polars (no Python loop per row on either).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Column, Integer, MetaData, String, Table, delete, text
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable
from sqlalchemy.types import TypeDecorator, TypeEngine

from centricity.db import Base
from centricity.imports.check.validate import NATURAL_KEY
from centricity.imports.read.frames import LINE
from centricity.imports.registry import FieldType, KindSpec

SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%6f"  # what SQLAlchemy's DateTime stores in SQLite
POSTGRES_DATETIME = "%Y-%m-%d %H:%M:%S.%6f+00"


@dataclass(frozen=True)
class Stage:
    """A temporary table shaped like one batch: `line`, the fields, key bookkeeping."""

    table: Table
    fields: tuple[str, ...]
    natural_key: bool

    @property
    def name(self) -> str:
        """The table's name (unique per import, so concurrent imports never meet)."""
        return self.table.name


def _column_type(spec: KindSpec, name: str) -> TypeEngine[Any]:
    target = Base.metadata.tables[spec.table]
    try:
        field = spec.field(name)
    except KeyError:
        field = None
    column = field.target if field is not None else name
    if column is not None and column in target.c:
        found: TypeEngine[Any] = target.c[column].type
        return found.impl if isinstance(found, TypeDecorator) else found  # type: ignore[return-value]
    if field is not None and field.type is FieldType.INTEGER:
        return Integer()
    return String()


def build_stage(spec: KindSpec, fields: list[str], natural_key: bool) -> Stage:
    """Describe the staging table for a batch with these columns (fields, derived values
    and the ids references resolved to)."""
    metadata = MetaData()
    columns: list[Column[Any]] = [Column("line", Integer, primary_key=True, autoincrement=False)]
    columns += [Column(name, _column_type(spec, name)) for name in fields]
    if natural_key:
        columns += [
            Column("key_hash", String(64)),
            Column("target_id", Integer),
            Column("new_id", Integer),
        ]
    name = f"import_stage_{secrets.token_hex(6)}"
    table = Table(
        name, metadata, *columns, prefixes=["TEMPORARY"], postgresql_on_commit="DELETE ROWS"
    )
    return Stage(table=table, fields=tuple(fields), natural_key=natural_key)


def _storage_frame(stage: Stage, good: pl.DataFrame, dialect: str) -> pl.DataFrame:
    stamp = SQLITE_DATETIME if dialect == "sqlite" else POSTGRES_DATETIME
    columns: list[pl.Expr] = [pl.col(LINE).alias("line")]
    for name in stage.fields:
        dtype = good.schema[name]
        column = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            column = column.dt.strftime(stamp)
        elif dtype == pl.Boolean and dialect == "sqlite":
            column = column.cast(pl.Int8)
        columns.append(column.alias(name))
    if stage.natural_key:
        columns.append(pl.col(NATURAL_KEY).alias("key_hash"))
    return good.select(columns)


def _raw_connection(session: Session) -> Any:
    raw = session.connection().connection.driver_connection
    assert raw is not None
    return raw


def load(session: Session, stage: Stage, good: pl.DataFrame) -> None:
    """Create the staging table if needed, empty it and load the batch's good rows."""
    connection = session.connection()
    connection.execute(CreateTable(stage.table, if_not_exists=True))
    dialect = connection.dialect.name
    # PostgreSQL also empties it at each commit (ON COMMIT DELETE ROWS); a savepoint
    # (tests, the ingest API inside a request) does not, so empty it here too.
    connection.execute(delete(stage.table))
    frame = _storage_frame(stage, good, dialect)
    if frame.height == 0:
        return
    raw = _raw_connection(session)
    # Quoted: a field may be a reserved word (a call record's `end`).
    names = ", ".join(f'"{name}"' for name in frame.columns)
    if dialect == "sqlite":
        marks = ", ".join("?" for _ in frame.columns)
        cursor = raw.cursor()
        cursor.executemany(f"INSERT INTO {stage.name} ({names}) VALUES ({marks})", frame.rows())
        cursor.close()
        return
    data = frame.write_csv(include_header=False, quote_style="non_numeric", null_value="")
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {stage.name} ({names}) FROM STDIN (FORMAT csv)") as copy,
    ):
        copy.write(data.encode("utf-8"))


def drop(session: Session, stage: Stage) -> None:
    """Drop the staging table on this connection (temporary tables die with it anyway)."""
    session.execute(text(f"DROP TABLE IF EXISTS {stage.name}"))
