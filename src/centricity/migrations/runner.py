"""Run Alembic programmatically, so `centricity init` and tests need no alembic.ini."""

from __future__ import annotations

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


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store's schema up to `revision` (safe to re-run)."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the store's schema down to `revision` (used by the round-trip test)."""
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def check(engine: Engine) -> None:
    """Fail when the models and the migrated schema differ (`alembic check`)."""
    with engine.connect() as connection:
        command.check(alembic_config(connection))
