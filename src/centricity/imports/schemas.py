"""Shapes of the ingest and import answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class IngestError(BaseModel):
    """A record that was not imported: its position in the request and why."""

    index: int
    reason: str


class IngestReport(BaseModel):
    """What an ingest request did; read = inserted + updated + unchanged + quarantined."""

    kind: str
    read: int
    inserted: int
    updated: int
    unchanged: int
    quarantined: int
    errors: list[IngestError]


class ImportJobRead(BaseModel):
    """An import run, as the import page shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    source: str
    source_name: str
    source_format: str
    status: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    quarantined: int
    created_at: datetime
    finished_at: datetime | None
