"""CSV and XLSX export of the customer list or of a search.

Every cell goes through `kit.spreadsheet.cell` (control characters removed first, then a
formula-looking text prefixed with an apostrophe), and XLSX cells are stored as strings,
so a spreadsheet shows the data instead of running it (CSV injection). Exports are
audited with the row count, never the search text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.customers import search
from centricity.customers import service as customer_service
from centricity.customers.models import Customer
from centricity.customers.schemas import CUSTOMER_FIELDS
from centricity.imports.load.jobstore import SessionFactory
from centricity.kit.errors import Invalid
from centricity.kit.i18n import lazy, lazy_plural
from centricity.kit.spreadsheet import cell, xlsx_cells

COLUMNS = ("id", *CUSTOMER_FIELDS, "created_at")
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, minus the header row
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Selection:
    """Which customers to export: the list page's search text and value filters."""

    q: str | None = None
    segment: str | None = None
    tier: str | None = None

    @property
    def filtered(self) -> bool:
        """Whether this is a search or a filtered list rather than every customer."""
        return bool((self.q and self.q.strip()) or self.segment or self.tier)


def customers_query(session: Session, *, actor: User, selection: Selection) -> Select[Any]:
    """The customers the actor sees, matching the search and filters like the list page."""
    from centricity.value import queries as value_queries  # value builds on customers

    query = value_queries.filter_customers(
        customer_service.accessible_customers(actor),
        session,
        segment=selection.segment,
        tier=selection.tier,
    )
    if selection.q and selection.q.strip():
        query = query.where(search.to_condition(search.find(session, selection.q)))
    columns = [getattr(Customer, c) for c in COLUMNS]
    return query.with_only_columns(*columns).order_by(Customer.name, Customer.id)


def start(
    session: Session, *, actor: User, selection: Selection, fmt: str
) -> tuple[Select[Any], int]:
    """Check and audit an export; returns the query to stream and its row count."""
    if fmt not in MEDIA_TYPES:
        raise Invalid(lazy("format must be csv or xlsx"), field="format")
    query = customers_query(session, actor=actor, selection=selection)
    rows = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    if fmt == "xlsx" and rows > XLSX_MAX_ROWS:
        raise Invalid(
            lazy_plural(
                "%(n)s row does not fit in a spreadsheet; export CSV",
                "%(n)s rows do not fit in a spreadsheet; export CSV",
                rows,
            ),
            field="format",
        )
    details = {"format": fmt, "rows": rows, "search": selection.filtered}
    audit.record(
        session, actor=actor, action="customer.export", entity=("customer", None), details=details
    )
    return query, rows


def csv_chunks(factory: SessionFactory, query: Select[Any]) -> Iterator[bytes]:
    """The export as CSV (UTF-8 with BOM, for Excel), streamed in its own session."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    with factory() as session:
        for count, row in enumerate(session.execute(query.execution_options(yield_per=2000)), 1):
            writer.writerow([cell(v) for v in row])
            if count % 2000 == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(session: Session, query: Select[Any], path: Path) -> None:
    """Write the export to an XLSX file (streamed row by row)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    sheet = book.create_sheet("customers")
    sheet.append(xlsx_cells(sheet, list(COLUMNS)))
    for row in session.execute(query.execution_options(yield_per=2000)):
        sheet.append(xlsx_cells(sheet, list(row)))
    book.save(path)


def filename(fmt: str) -> str:
    """The download's file name."""
    return f"customers.{fmt}"
