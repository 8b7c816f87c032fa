"""Run Alembic programmatically, so `centricity init` and tests need no alembic.ini."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

_HERE = Path(__file__).resolve().parent


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction for a migration run. On SQLite its foreign keys are off meanwhile
    and checked at the end (`PRAGMA foreign_key_check`, any violation undoes the run):
    a batch migration rebuilds a table by dropping the old one, and with foreign keys on
    SQLite's DROP deletes its rows first, cascading to every row that references them
    (rebuilding `survey_invitations` deleted every survey answer)."""
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            with connection.begin():
                yield connection
            return
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")  # outside a transaction, or SQLite ignores it
        try:
            with connection.begin():
                yield connection
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(
                        f"the migration left rows whose reference is missing: {broken[:5]}"
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store's schema up to `revision` (safe to re-run)."""
    with _migrating(engine) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the store's schema down to `revision` (used by the round-trip test)."""
    with _migrating(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


def check(engine: Engine) -> None:
    """Fail when the models and the migrated schema differ (`alembic check`)."""
    with engine.connect() as connection:
        command.check(alembic_config(connection))
