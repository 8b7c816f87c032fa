"""Backups and restores of the whole store, consistent while the application writes.

SQLite uses the online backup API (one step, so the copy is a single snapshot even while
another connection commits); PostgreSQL uses `pg_dump --format=custom` on a snapshot that
the row counts are read from too, so the printed counts are exactly what the dump holds.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, func, inspect, select, table, text
from sqlalchemy.engine import make_url

import centricity.models  # noqa: F401  (completes the metadata with every domain)
from centricity.config import Settings
from centricity.db import Base, make_engine
from centricity.kit.errors import Conflict, Invalid, NotFound
from centricity.kit.files import private_file
from centricity.kit.time import utcnow
from centricity.migrations import runner

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class BackupResult:
    """Where a backup (or the restored store) is, its schema revision and rows per table."""

    path: Path
    revision: str
    row_counts: dict[str, int]


def app_tables() -> list[str]:
    """The application's tables (every domain's models), in dependency order."""
    return [t.name for t in Base.metadata.sorted_tables]


def default_backup_path(settings: Settings, now: datetime | None = None) -> Path:
    """`<data_dir>/backups/centricity-YYYYmmdd-HHMMSS.db` (`.dump` for PostgreSQL)."""
    stamp = (now or utcnow()).strftime("%Y%m%d-%H%M%S")
    suffix = ".db" if settings.is_sqlite else ".dump"
    return settings.data_dir / "backups" / f"centricity-{stamp}{suffix}"


def backup(settings: Settings, *, output: Path | None = None) -> BackupResult:
    """Copy the configured store to a new file; never overwrites an existing one."""
    target = (output or default_backup_path(settings)).resolve()
    if target.exists():
        raise Conflict(f"{target} exists; choose another --output")
    target.parent.mkdir(parents=True, exist_ok=True)
    if settings.is_sqlite:
        return _backup_sqlite(_sqlite_path(settings), target)
    return _backup_postgres(settings.database_url, target)


def restore(settings: Settings, *, source: Path) -> BackupResult:
    """Replace the configured store's contents with a backup made by `backup`."""
    if not source.is_file():
        raise NotFound(f"no backup file at {source}")
    if settings.is_sqlite:
        return _restore_sqlite(source.resolve(), _sqlite_path(settings))
    return _restore_postgres(source.resolve(), settings.database_url)


def check_revision(revision: str | None) -> str:
    """Accept only a schema revision this version of Centricity knows (or can upgrade)."""
    if not revision:
        raise Invalid("not a Centricity backup: the alembic_version table is missing or empty")
    scripts = ScriptDirectory.from_config(runner.alembic_config())
    try:
        script = scripts.get_revision(revision)
        known = script is not None and script.revision == revision
    except CommandError:
        known = False
    if not known:
        raise Invalid(f"backup has schema revision {revision!r}, unknown to this version")
    return revision


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        raise Invalid("an in-memory SQLite store cannot be backed up or restored")
    return Path(database).resolve()


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if VERSION_TABLE not in names:
        return None
    row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    return str(row[0]) if row else None


def _sqlite_summary(path: Path) -> BackupResult:
    with closing(_read_only(path)) as conn:
        revision = check_revision(_sqlite_revision(conn))
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = {
            name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            for name in app_tables()
            if name in names
        }
    return BackupResult(path=path, revision=revision, row_counts=counts)


def _backup_sqlite(source: Path, target: Path) -> BackupResult:
    if not source.is_file():
        raise NotFound(f"no SQLite store at {source}")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _copy_sqlite(source, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return _sqlite_summary(target)


def _copy_sqlite(source: Path, partial: Path) -> None:
    private_file(partial)
    with closing(sqlite3.connect(source, timeout=30)) as src:
        with closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)  # pages=-1: one step, one read snapshot of the WAL store
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise Invalid("the backup copy failed its integrity check")


def _check_sqlite_backup(source: Path) -> None:
    with source.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise Invalid(f"{source} is not a SQLite database")
    with closing(_read_only(source)) as conn:
        check_revision(_sqlite_revision(conn))


def _restore_sqlite(source: Path, store: Path) -> BackupResult:
    _check_sqlite_backup(source)
    store.parent.mkdir(parents=True, exist_ok=True)
    with closing(_read_only(source)) as src, closing(sqlite3.connect(store, timeout=30)) as dst:
        src.backup(dst)
    return _sqlite_summary(store)


# --- PostgreSQL ---------------------------------------------------------------------------


def libpq_connection(url: str) -> tuple[str, dict[str, str]]:
    """Turn a SQLAlchemy/psycopg URL into a libpq URI plus PGPASSWORD (kept out of argv)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    uri = parsed.set(drivername="postgresql", password=None)
    return uri.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> str:
    if shutil.which(command[0]) is None:
        raise Invalid(f"{command[0]} not found: install the PostgreSQL client tools")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Invalid(f"{command[0]} failed: {done.stderr.strip()}")
    return done.stdout


def _pg_counts(conn: Connection) -> dict[str, int]:
    present = set(inspect(conn).get_table_names())
    return {
        name: int(conn.execute(select(func.count()).select_from(table(name))).scalar_one())
        for name in app_tables()
        if name in present
    }


def _pg_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    value = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return None if value is None else str(value)


def _backup_postgres(url: str, target: Path) -> BackupResult:
    uri, env = libpq_connection(url)
    partial = target.with_name(target.name + ".partial")
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            # pg_dump reads the snapshot this transaction exported, so counts match the dump.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            revision = check_revision(_pg_revision(conn))
            command = ["pg_dump", "--format=custom", f"--snapshot={snapshot}"]
            private_file(partial)
            _run([*command, f"--file={partial}", f"--dbname={uri}"], env)
            counts = _pg_counts(conn)
        partial.replace(target)
    finally:
        engine.dispose()
        partial.unlink(missing_ok=True)
    return BackupResult(path=target, revision=revision, row_counts=counts)


def _dump_revision(source: Path, env: dict[str, str]) -> str | None:
    """Read alembic_version's row from the dump without restoring anything."""
    args = ["pg_restore", "--data-only", f"--table={VERSION_TABLE}", "--file=-", str(source)]
    lines = _run(args, env).splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("COPY ")]
    if not starts or starts[0] + 1 >= len(lines) or lines[starts[0] + 1] == "\\.":
        return None
    return lines[starts[0] + 1].strip()


def _restore_postgres(source: Path, url: str) -> BackupResult:
    uri, env = libpq_connection(url)
    with source.open("rb") as handle:
        if handle.read(len(PG_DUMP_HEADER)) != PG_DUMP_HEADER:
            raise Invalid(f"{source} is not a pg_dump custom-format archive")
    check_revision(_dump_revision(source, env))
    options = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
    _run(["pg_restore", *options, f"--dbname={uri}", str(source)], env)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            revision = check_revision(_pg_revision(conn))
            return BackupResult(path=source, revision=revision, row_counts=_pg_counts(conn))
    finally:
        engine.dispose()
