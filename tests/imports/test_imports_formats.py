"""Whole imports of XLSX, Parquet and JSON Lines files, customers and orders, on both stores.

Each file mixes valid rows with rejected ones, holds typed cells (numbers, dates, decimals)
where the format has them, and its quarantine is written back in the same format with
`line` and `reason` first; the test reads that file back and checks it cell by cell.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from import_files import run_import, write_jsonl
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from centricity.customers.models import Customer
from centricity.imports.check.fields import normalise_decimal
from centricity.imports.check.mapping import MappingError
from centricity.imports.load.runner import Summary
from centricity.imports.models import ImportJob
from centricity.imports.read.sources import as_text, typed_number_text
from centricity.imports.review import quarantine
from centricity.orders.models import Order

NAME_REQUIRED = "name: required; email: not a valid e-mail address"
BAD_EMAIL = "email: not a valid e-mail address"
DUPLICATE = "duplicate: an earlier row has the same external_id"
UNKNOWN = "customer_external_id: no customer with this id"
BAD_DATE_AND_TOTAL = (
    "ordered_at: not a date (use e.g. 2025-01-31 or 31.01.2025 14:30); "
    "total_amount: not a number with at most 2 decimals"
)
TOO_PRECISE = "total_amount: not a number with at most 2 decimals"
MISSING_DATE_AND_TOTAL = "ordered_at: required; total_amount: required"

# What every customers file below must leave in the store, whatever its format.
STORED_CUSTOMERS = {
    "C-1": ("Jana Dvořáková", "jana@example.cz", "+420 601 234 567", "cs", "CZ"),
    "C-2": ("Пётр Жуков", None, None, "ru", "RU"),
    "1004": ("Åsa Öberg", "asa@example.se", "46701234567", "sv", "SE"),
}
STORED_ORDERS = {
    "O-1": ("C-1", datetime(2025, 1, 5, 10, 30, tzinfo=UTC), Decimal("1234.50"), "CZK", "800.00"),
    "O-3": ("C-2", datetime(2025, 1, 7, 8, 0, tzinfo=UTC), Decimal("99.90"), "EUR", None),
}


def _import(
    factory: sessionmaker[Session], path: Path, kind: str, folder: Path
) -> tuple[Summary, Path]:
    """Import, check the counters add up, write the quarantine in the input's format."""
    folder.mkdir(exist_ok=True)
    summary = run_import(factory, path, kind)
    counts = summary.counts
    assert counts.read == counts.inserted + counts.updated + counts.unchanged + counts.quarantined
    with factory() as session:
        job = session.get(ImportJob, summary.job_id)
        assert job is not None
        out = quarantine.default_path(folder / path.name, job.options["format"])
        assert quarantine.write(session, job, out) == counts.quarantined
    assert out.suffix == path.suffix
    again = run_import(factory, path, kind).counts
    assert (again.inserted, again.updated) == (0, 0)  # re-running the same file changes nothing
    assert (again.unchanged, again.quarantined) == (counts.inserted, counts.quarantined)
    return summary, out


def _customers(db: Session) -> dict[str, tuple[Any, ...]]:
    return {
        c.external_id or "": (c.name, c.email, c.phone, c.preferred_language, c.country)
        for c in db.scalars(select(Customer))
    }


def _orders(db: Session) -> dict[str, tuple[Any, ...]]:
    found = {}
    for order in db.scalars(select(Order)):
        owner = db.get(Customer, order.customer_id)
        assert owner is not None
        cost = None if order.cost is None else f"{order.cost:.2f}"
        row = (owner.external_id, order.ordered_at, order.total_amount, order.currency, cost)
        found[order.external_id or ""] = row
    return found


def _add_customers(db: Session) -> None:
    db.add_all([Customer(external_id=key, name=f"Customer {key}") for key in ("C-1", "C-2")])
    db.commit()


def _formula_cell(sheet: Any, row: int, column: int, text: str) -> None:
    """A text cell that merely starts with `=` (an export escaped it), not a formula."""
    cell = sheet.cell(row=row, column=column, value=text)
    cell.data_type = "s"


def test_it_imports_customers_from_excel_and_quarantines_to_excel(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    header = ["Kundnummer", "Namn", "E-post", "Telefon", "Språk", "Land"]
    book = Workbook()
    sheet = book.active
    sheet.title = "Kunder"
    sheet.append(header)
    sheet.append(["C-1", "Jana Dvořáková", "JANA@example.cz", "+420 601 234 567", "cs", "cz"])
    sheet.append(["C-2", "Пётр Жуков", None, None, "ru", "ru"])
    sheet.append([])  # an empty row is not a record
    sheet.append(["C-3", None, "x@", None, None, None])
    sheet.append([1004, "Åsa Öberg", "asa@example.se", 46701234567, "sv", "SE"])
    sheet.append(["C-1", "Twice", None, None, None, None])
    sheet.append(["C-7", None, "bad", None, None, None, "an extra cell"])
    sheet.append(["C-8", None, "bad", None, None, None])
    _formula_cell(sheet, 9, 2, "=1+1")
    path = tmp_path / "kunder.xlsx"
    book.save(path)

    summary, out = _import(session_maker, path, "customers", tmp_path / "q")
    assert summary.counts.line() == "read=7 inserted=3 updated=0 unchanged=0 quarantined=4"
    assert _customers(db) == STORED_CUSTOMERS
    written = load_workbook(out)
    assert written.sheetnames == ["quarantine"]
    rows = [list(r) for r in written["quarantine"].iter_rows(values_only=True)]
    assert rows == [
        ["line", "reason", *header, None],
        [5, NAME_REQUIRED, "C-3", None, "x@", None, None, None, None],
        [7, DUPLICATE, "C-1", "Twice", None, None, None, None, None],
        [
            8,
            "has 7 fields; the header has 6",
            "C-7",
            None,
            "bad",
            None,
            None,
            None,
            "an extra cell",
        ],
        [9, BAD_EMAIL, "C-8", "'=1+1", "bad", None, None, None, None],  # escaped like exports
    ]
    formula_looking = written["quarantine"].cell(row=5, column=4)
    assert formula_looking.data_type == "s"  # text, never a formula a spreadsheet would run


def test_it_imports_customers_from_parquet_and_quarantines_to_parquet(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    header = ["external_id", "name", "email", "phone", "preferred_language", "country"]
    rows = [
        ["C-1", "Jana Dvořáková", "JANA@example.cz", "+420 601 234 567", "cs", "cz"],
        ["C-2", " Пётр Жуков ", None, "", "ru", "ru"],
        ["C-3", "", "x@", None, None, None],
        ["1004", "Åsa Öberg", "asa@example.se", "46701234567", "sv", "SE"],
        ["C-1", "Twice", None, None, None, None],
        ["C-8", "=1+1\nsecond line", "bad", None, None, None],
    ]
    path = tmp_path / "customers.parquet"
    pl.DataFrame(rows, schema=dict.fromkeys(header, pl.String), orient="row").write_parquet(path)

    summary, out = _import(session_maker, path, "customers", tmp_path / "q")
    assert summary.counts.line() == "read=6 inserted=3 updated=0 unchanged=0 quarantined=3"
    assert _customers(db) == STORED_CUSTOMERS
    written = pl.read_parquet(out)
    assert written.columns == ["line", "reason", *header]
    assert written.schema["line"] == pl.Int64 and written.schema["reason"] == pl.String
    assert written.rows() == [
        (3, NAME_REQUIRED, "C-3", None, "x@", None, None, None),
        (5, DUPLICATE, "C-1", "Twice", None, None, None, None),
        (6, BAD_EMAIL, "C-8", "=1+1\nsecond line", "bad", None, None, None),
    ]


def test_it_imports_customers_from_json_lines_and_quarantines_to_json_lines(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    records: list[Any] = [
        {"Číslo zákazníka": "C-1", "Jméno": "Jana Dvořáková", "E-mail": "JANA@example.cz",
         "Telefon": "+420 601 234 567", "Jazyk": "cs", "Země": "cz"},
        {"Číslo zákazníka": "C-2", "Jméno": "Пётр Жуков", "Jazyk": "ru", "Země": "ru",
         "Poznámka": {"vip": True}},
        {"Číslo zákazníka": "C-3", "Jméno": None, "E-mail": "x@"},
        {"Číslo zákazníka": 1004, "Jméno": "Åsa Öberg", "E-mail": "asa@example.se",
         "Telefon": 46701234567, "Jazyk": "sv", "Země": "SE"},
        {"Číslo zákazníka": "C-1", "Jméno": "Twice"},
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "zakaznici.jsonl", records)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('\n{"Číslo zákazníka": "C-9", broken\n[1, 2]\n')
        handle.write(
            '{"Číslo zákazníka": "C-10", "Jméno": "Half \\ud83d an emoji", "E-mail": "@"}\n'
        )

    summary, out = _import(session_maker, path, "customers", tmp_path / "q")
    assert summary.counts.line() == "read=8 inserted=3 updated=0 unchanged=0 quarantined=5"
    assert _customers(db) == STORED_CUSTOMERS
    lines = out.read_text(encoding="utf-8").splitlines()
    written = [json.loads(line) for line in lines]
    assert all(list(entry)[:2] == ["line", "reason"] for entry in written)
    # Objects compare as objects: PostgreSQL's JSONB keeps an original's keys in its own order.
    assert written == [
        {"line": 3, "reason": NAME_REQUIRED, **records[2]},
        {"line": 5, "reason": DUPLICATE, **records[4]},
        {"line": 7, "reason": "not valid JSON", "raw": '{"Číslo zákazníka": "C-9", broken'},
        {"line": 8, "reason": "not a JSON object", "raw": [1, 2]},
        {
            "line": 9,
            "reason": BAD_EMAIL,
            "Číslo zákazníka": "C-10",
            "Jméno": "Half \ufffd an emoji",  # a lone surrogate no store can hold
            "E-mail": "@",
        },
    ]


def _order_records() -> list[dict[str, Any]]:
    """Orders as typed values: Python numbers, dates and decimals."""
    return [
        {"external_id": "O-1", "customer": "C-1", "ordered_at": datetime(2025, 1, 5, 10, 30),
         "total": 1234.5, "currency": "Kč", "cost": 800},
        {"external_id": "O-2", "customer": "C-404", "ordered_at": datetime(2025, 1, 6),
         "total": 10.0, "currency": "CZK", "cost": None},
        {"external_id": "O-3", "customer": "C-2", "ordered_at": "2025-01-07T09:00:00+01:00",
         "total": "99.90", "currency": "eur", "cost": None},
        {"external_id": "O-4", "customer": "C-1", "ordered_at": "not a date",
         "total": "abc", "currency": "CZK", "cost": None},
        {"external_id": "O-5", "customer": "C-2", "ordered_at": datetime(2025, 2, 1),
         "total": 10.555, "currency": "CZK", "cost": None},
        {"external_id": "O-1", "customer": "C-2", "ordered_at": datetime(2025, 3, 1),
         "total": 1.0, "currency": "CZK", "cost": None},
    ]  # fmt: skip


ORDER_HEADER = ["external_id", "customer", "ordered_at", "total", "currency", "cost"]


def test_it_imports_orders_from_excel_with_typed_cells(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    _add_customers(db)
    book = Workbook()
    sheet = book.active
    sheet.append(["Číslo objednávky", "Zákazník", "Datum", "Celkem", "Měna", "Náklady"])
    for record in _order_records():
        sheet.append([record[name] for name in ORDER_HEADER])
    path = tmp_path / "objednavky.xlsx"
    book.save(path)

    summary, out = _import(session_maker, path, "orders", tmp_path / "q")
    assert summary.counts.line() == "read=6 inserted=2 updated=0 unchanged=0 quarantined=4"
    assert _orders(db) == STORED_ORDERS
    rows = [list(r) for r in load_workbook(out).active.iter_rows(values_only=True)]
    assert rows == [
        ["line", "reason", "Číslo objednávky", "Zákazník", "Datum", "Celkem", "Měna", "Náklady"],
        [3, UNKNOWN, "O-2", "C-404", "2025-01-06 00:00:00", "10", "CZK", None],
        [5, BAD_DATE_AND_TOTAL, "O-4", "C-1", "not a date", "abc", "CZK", None],
        # a number with three decimals gains a fourth, so no decimal mark can misread it
        [6, TOO_PRECISE, "O-5", "C-2", "2025-02-01 00:00:00", "10.5550", "CZK", None],
        [7, DUPLICATE, "O-1", "C-2", "2025-03-01 00:00:00", "1", "CZK", None],
    ]


def test_it_imports_orders_from_parquet_with_typed_columns(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    _add_customers(db)
    records = _order_records()
    frame = pl.DataFrame(
        {
            "order id": [r["external_id"] for r in records],
            "customer": [r["customer"] for r in records],
            "ordered_at": [_stamp(r["ordered_at"]) for r in records],
            "amount": [_decimal(r["total"]) for r in records],
            "currency": [r["currency"] for r in records],
            "cost": [None if r["cost"] is None else Decimal(r["cost"]) for r in records],
        },
        schema={
            "order id": pl.String,
            "customer": pl.String,
            "ordered_at": pl.Datetime("us", "UTC"),
            "amount": pl.Decimal(14, 3),
            "currency": pl.String,
            "cost": pl.Decimal(14, 2),
        },
    )
    path = tmp_path / "orders.parquet"
    frame.write_parquet(path)

    summary, out = _import(session_maker, path, "orders", tmp_path / "q")
    assert summary.counts.line() == "read=6 inserted=2 updated=0 unchanged=0 quarantined=4"
    assert _orders(db) == STORED_ORDERS
    written = pl.read_parquet(out)
    assert written.columns == ["line", "reason", *frame.columns]
    assert written.rows() == [
        # a number with three decimals gains a fourth, so no decimal mark can misread it
        (2, UNKNOWN, "O-2", "C-404", "2025-01-06T00:00:00Z", "10.0000", "CZK", None),
        (4, MISSING_DATE_AND_TOTAL, "O-4", "C-1", None, None, "CZK", None),
        (5, TOO_PRECISE, "O-5", "C-2", "2025-02-01T00:00:00Z", "10.5550", "CZK", None),
        (6, DUPLICATE, "O-1", "C-2", "2025-03-01T00:00:00Z", "1.0000", "CZK", None),
    ]


def _stamp(value: Any) -> datetime | None:
    """A Parquet timestamp column holds instants; text that is no date becomes null."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    if value == "2025-01-07T09:00:00+01:00":
        return datetime(2025, 1, 7, 8, 0, tzinfo=UTC)
    return None


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def test_it_imports_orders_from_json_lines_with_decimal_commas_and_european_dates(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    _add_customers(db)
    records: list[dict[str, Any]] = [
        {"order": "O-1", "customer": "C-1", "date": "05.01.2025 10:30", "total": "1 234,50",
         "currency": "Kč", "cost": 800},
        {"order": "O-2", "customer": "C-404", "date": "6. 1. 2025", "total": "10,00",
         "currency": "CZK"},
        {"order": "O-3", "customer": "C-2", "date": "2025-01-07T09:00:00+01:00", "total": "99,90",
         "currency": "€", "cost": None, "note": {"gift": True}},
        {"order": "O-4", "customer": "C-1", "date": "31.02.2025", "total": "dvanáct",
         "currency": "CZK"},
        {"order": "O-5", "customer": "C-2", "date": "01/02/2025", "total": "10,555",
         "currency": "CZK"},
        {"order": "O-1", "customer": "C-2", "date": "2025-03-01", "total": "1,00",
         "currency": "CZK"},
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "orders.jsonl", records)

    summary, out = _import(session_maker, path, "orders", tmp_path / "q")
    assert summary.counts.line() == "read=6 inserted=2 updated=0 unchanged=0 quarantined=4"
    assert _orders(db) == STORED_ORDERS
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written == [
        {"line": 2, "reason": UNKNOWN, **records[1]},
        {"line": 4, "reason": BAD_DATE_AND_TOTAL, **records[3]},
        {"line": 5, "reason": TOO_PRECISE, **records[4]},
        {"line": 6, "reason": DUPLICATE, **records[5]},
    ]
    assert all(list(entry)[:2] == ["line", "reason"] for entry in written)


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet", ".jsonl"])
def test_a_file_without_a_required_column_writes_nothing(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"names{suffix}"
    if suffix == ".xlsx":
        book = Workbook()
        book.active.append(["name", "email"])
        book.active.append(["Jana", "jana@example.cz"])
        book.save(path)
    elif suffix == ".parquet":
        pl.DataFrame({"name": ["Jana"], "email": ["jana@example.cz"]}).write_parquet(path)
    else:
        write_jsonl(path, [{"name": "Jana", "email": "jana@example.cz"}])
    with pytest.raises(MappingError, match="required column\\(s\\) not found: external_id"):
        run_import(session_maker, path, "customers")
    assert db.scalars(select(ImportJob)).all() == []
    assert db.scalars(select(Customer)).all() == []


def test_number_cells_keep_their_value_next_to_text_with_decimal_commas(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    _add_customers(db)
    book = Workbook()
    book.active.append(["external_id", "customer_external_id", "ordered_at", "total", "currency"])
    book.active.append(["O-1", "C-1", "2025-01-05", 12.5, "CZK"])
    book.active.append(["O-2", "C-1", "2025-01-06", "99,90", "CZK"])
    book.active.append(["O-3", "C-1", "2025-01-07", "10,00", "CZK"])
    path = tmp_path / "mixed.xlsx"
    book.save(path)
    summary = run_import(session_maker, path, "orders")
    assert summary.counts.line() == "read=3 inserted=3 updated=0 unchanged=0 quarantined=0"
    amounts = {o.external_id: o.total_amount for o in db.scalars(select(Order))}
    assert amounts == {"O-1": Decimal("12.50"), "O-2": Decimal("99.90"), "O-3": Decimal("10.00")}


@pytest.mark.parametrize("decimal", [",", "."])
def test_typed_numbers_read_the_same_under_either_decimal_mark(decimal: str) -> None:
    written = [typed_number_text(v) for v in (12.5, 1.234, 3.0, Decimal("7.10"), 0.00001)]
    assert written == ["12.5", "1.2340", "3", "7.10", "0.00001"]
    parsed = normalise_decimal(pl.Series(written), decimal).to_list()
    assert parsed == ["12.5", "1.2340", "3", "7.10", "0.00001"]
    frame = pl.DataFrame({"x": [12.5, 1.234, 3.0]}, schema={"x": pl.Float64})
    texts = frame.select(as_text("x", pl.Float64())).to_series().to_list()
    assert texts == ["12.5", "1.2340", "3"]
