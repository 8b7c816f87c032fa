"""Alembic environment: runs on the engine of the configured store."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection

import centricity.models  # noqa: F401  (fills the metadata)
from centricity.config import get_settings
from centricity.db import Base, make_engine

# Search structures made by raw SQL in migrations (FTS5 tables, trigram index): not in models.
_RAW_SQL_OBJECTS = (
    "customers_fts",
    "ix_customers_search_key_trgm",
    "ix_customers_search_key_prefix",
    "ix_orders_value_days",
)


def _include_object(_obj: Any, name: str | None, type_: str, reflected: bool, _c: Any) -> bool:
    if name and name.startswith(_RAW_SQL_OBJECTS):
        return False
    return not (type_ == "table" and reflected and name and name.startswith("sqlite_"))


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=_include_object,
    )


def run_migrations_online() -> None:
    """Migrate the store given by the caller's connection, or by CENTRICITY_DATABASE_URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(get_settings().database_url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
