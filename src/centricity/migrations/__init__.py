"""Alembic migrations (dated file names, batch mode for SQLite)."""
