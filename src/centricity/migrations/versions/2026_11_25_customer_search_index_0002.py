"""customer search index

Search must stay fast at 1,000,000 customers without `LIKE '%x%'` scans: SQLite gets an
FTS5 trigram index over the folded `search_key` (kept in step by triggers), PostgreSQL a
pg_trgm GIN index on the same column. A later SQLite batch migration that recreates the
`customers` table must recreate these triggers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_UP = [
    "CREATE VIRTUAL TABLE customers_fts USING fts5("
    "search_key, content='customers', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER customers_fts_ai AFTER INSERT ON customers BEGIN "
    "INSERT INTO customers_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
    "CREATE TRIGGER customers_fts_ad AFTER DELETE ON customers BEGIN "
    "INSERT INTO customers_fts(customers_fts, rowid, search_key) "
    "VALUES ('delete', old.id, old.search_key); END",
    "CREATE TRIGGER customers_fts_au AFTER UPDATE OF search_key ON customers BEGIN "
    "INSERT INTO customers_fts(customers_fts, rowid, search_key) "
    "VALUES ('delete', old.id, old.search_key); "
    "INSERT INTO customers_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
    "INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS customers_fts_au",
    "DROP TRIGGER IF EXISTS customers_fts_ad",
    "DROP TRIGGER IF EXISTS customers_fts_ai",
    "DROP TABLE IF EXISTS customers_fts",
]
_PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_customers_search_key_trgm ON customers USING gin (search_key gin_trgm_ops)",
]
_PG_DOWN = ["DROP INDEX IF EXISTS ix_customers_search_key_trgm"]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    """Create the engine's trigram search index over customers.search_key."""
    if op.get_bind().dialect.name == "sqlite":
        _run(_SQLITE_UP)
    else:
        _run(_PG_UP)


def downgrade() -> None:
    """Drop the trigram search index."""
    if op.get_bind().dialect.name == "sqlite":
        _run(_SQLITE_DOWN)
    else:
        _run(_PG_DOWN)
