"""The import engine on both stores: keys, updates, quarantine, references, natural keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_files import run_import, write_csv
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from centricity.customers.models import Customer
from centricity.imports.load import runner
from centricity.imports.load.jobstore import ImportBusy
from centricity.imports.models import ImportJob, QuarantineRow, RecordKey
from centricity.imports.plan import ImportOptions, prepare
from centricity.imports.review import quarantine
from centricity.interactions.models import Interaction
from centricity.orders.models import Order, OrderLine, Product, ProductCategory

CZECH_HEADER = ["Číslo zákazníka", "Jméno", "E-mail", "Telefon", "Jazyk", "Země"]
CUSTOMERS = [
    ["CZ-1", "Jana Dvořáková", "JANA@example.cz", "+420 601 234 567", "cs", "cz"],
    ["CZ-2", "Petr Čížek", "petr@example.cz", "", "cs", "CZ"],
    ["SE-1", "Göran Öberg", "goran@example.se", "070-123 45 67", "sv", "SE"],
]


def _customers(path: Path, rows: list[list[str]] | None = None) -> Path:
    return write_csv(path, CZECH_HEADER, rows or CUSTOMERS, delimiter=";", encoding="cp1250")


def test_it_imports_a_czech_export_and_changes_nothing_on_a_rerun(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    path = _customers(tmp_path / "zakaznici.csv")
    first = run_import(session_maker, path, "customers")
    assert first.counts.line() == "read=3 inserted=3 updated=0 unchanged=0 quarantined=0"
    again = run_import(session_maker, path, "customers")
    assert again.counts.line() == "read=3 inserted=0 updated=0 unchanged=3 quarantined=0"
    jana = db.scalar(select(Customer).where(Customer.external_id == "CZ-1"))
    assert jana is not None and jana.email == "jana@example.cz" and jana.country == "CZ"
    assert jana.search_key == "jana dvorakova jana@example.cz 420601234567 cz-1"


def test_it_updates_only_the_changed_row(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    run_import(session_maker, _customers(tmp_path / "a.csv"), "customers")
    changed = [row[:] for row in CUSTOMERS]
    changed[1][1] = "Petr Čížek ml."
    summary = run_import(session_maker, _customers(tmp_path / "b.csv", changed), "customers")
    assert summary.counts.line() == "read=3 inserted=0 updated=1 unchanged=2 quarantined=0"
    petr = db.scalar(select(Customer).where(Customer.external_id == "CZ-2"))
    assert petr is not None and petr.name == "Petr Čížek ml."
    assert petr.search_key == "petr cizek ml. petr@example.cz cz-2"


def test_it_leaves_columns_the_file_does_not_have(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    run_import(session_maker, _customers(tmp_path / "a.csv"), "customers")
    names = write_csv(tmp_path / "names.csv", ["external_id", "name"], [["CZ-1", "Jana D."]])
    summary = run_import(session_maker, names, "customers")
    assert summary.counts.updated == 1
    jana = db.scalar(select(Customer).where(Customer.external_id == "CZ-1"))
    assert jana is not None and jana.email == "jana@example.cz" and jana.phone
    # rebuilt from the new name and the stored e-mail and phone
    assert jana.search_key == "jana d. jana@example.cz 420601234567 cz-1"


def test_it_quarantines_bad_rows_with_line_and_reason(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    rows = [*CUSTOMERS, ["CZ-9", "", "x@", "", "", ""], ["CZ-1", "Twice", "", "", "", ""]]
    path = _customers(tmp_path / "bad.csv", rows)
    summary = run_import(session_maker, path, "customers")
    assert summary.counts.line() == "read=5 inserted=3 updated=0 unchanged=0 quarantined=2"
    job = db.get(ImportJob, summary.job_id)
    assert job is not None and job.status == "done"
    reasons = dict(db.execute(select(QuarantineRow.line, QuarantineRow.reason)).all())
    assert reasons[5] == "name: required; email: not a valid e-mail address"
    assert reasons[6].startswith("duplicate: an earlier row has the same external_id")
    out = tmp_path / "q.csv"
    assert quarantine.write(db, job, out) == 2
    text = out.read_bytes().decode("cp1250")
    assert text.splitlines()[0] == "line;reason;" + ";".join(CZECH_HEADER)
    assert "CZ-9" in text and "x@" in text


def test_it_quarantines_orders_of_unknown_customers_and_resolves_known_ones(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    run_import(session_maker, _customers(tmp_path / "c.csv"), "customers")
    orders = write_csv(
        tmp_path / "orders.csv",
        ["Číslo objednávky", "Zákazník", "Datum", "Celkem", "Měna", "Náklady"],
        [
            ["O-1", "CZ-1", "5.1.2025 10:30", "1 234,50", "Kč", "800,00"],
            ["O-2", "NOPE", "6.1.2025", "10,00", "CZK", ""],
            ["O-3", "SE-1", "2025-01-07T09:00:00+01:00", "99,90", "SEK", ""],
        ],
        delimiter=";",
    )
    summary = run_import(session_maker, orders, "orders")
    assert summary.counts.line() == "read=3 inserted=2 updated=0 unchanged=0 quarantined=1"
    assert summary.problems == [(3, "customer_external_id: no customer with this id")]
    first = db.scalar(select(Order).where(Order.external_id == "O-1"))
    assert first is not None and str(first.total_amount) in ("1234.50", "1234.5")
    assert first.currency == "CZK" and first.ordered_at.hour == 10
    third = db.scalar(select(Order).where(Order.external_id == "O-3"))
    assert third is not None and third.ordered_at.hour == 8  # +01:00 stored as UTC
    assert run_import(session_maker, orders, "orders").counts.unchanged == 2


def test_it_keys_contacts_without_an_id_by_customer_channel_and_start(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    run_import(session_maker, _customers(tmp_path / "c.csv"), "customers")
    calls = write_csv(
        tmp_path / "calls.csv",
        [
            "customer_external_id",
            "channel",
            "direction",
            "started_at",
            "waiting_seconds",
            "duration_seconds",
            "note",
        ],
        [
            ["CZ-1", "Telefon", "příchozí", "2025-01-05 10:00", "0:45", "00:05:00", "Reklamace"],
            ["SE-1", "E-post", "utgående", "2025-01-06 11:00", "", "120", ""],
        ],
    )
    first = run_import(session_maker, calls, "interactions")
    assert first.counts.line() == "read=2 inserted=2 updated=0 unchanged=0 quarantined=0"
    assert run_import(session_maker, calls, "interactions").counts.unchanged == 2
    call = db.scalar(select(Interaction).where(Interaction.note == "Reklamace"))
    assert call is not None
    assert (call.channel, call.direction, call.waiting_seconds) == ("phone", "inbound", 45)
    assert call.duration_seconds == 300
    assert db.scalar(select(func.count()).select_from(RecordKey)) == 2


def test_it_imports_products_and_order_lines_by_natural_key(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    run_import(session_maker, _customers(tmp_path / "c.csv"), "customers")
    orders = write_csv(
        tmp_path / "o.csv",
        ["external_id", "customer_external_id", "ordered_at", "total_amount", "currency"],
        [["O-1", "CZ-1", "2025-01-05", "21.80", "EUR"]],
    )
    run_import(session_maker, orders, "orders")
    products = write_csv(
        tmp_path / "p.csv",
        ["sku", "name", "category", "price"],
        [["P-1", "Widget", "Tools", "9.90"], ["P-2", "Gadget", "Tools", "2"]],
    )
    assert run_import(session_maker, products, "products").counts.inserted == 2
    assert db.scalar(select(func.count()).select_from(ProductCategory)) == 1
    lines = write_csv(
        tmp_path / "l.csv",
        ["order", "line", "product", "qty", "unit price"],
        [
            ["O-1", "1", "P-1", "2", "9.90"],
            ["O-1", "2", "P-2", "1", "2"],
            ["O-9", "1", "", "1", "1"],
        ],
    )
    summary = run_import(session_maker, lines, "order-lines")
    assert summary.counts.line() == "read=3 inserted=2 updated=0 unchanged=0 quarantined=1"
    amounts = sorted(str(a) for a in db.scalars(select(OrderLine.amount)))
    assert amounts in (["19.80", "2.00"], ["19.8", "2"])
    again = write_csv(
        tmp_path / "l2.csv",
        ["order", "line", "product", "qty", "unit price"],
        [["O-1", "1", "P-1", "3", "9.90"], ["O-1", "2", "P-2", "1", "2"]],
    )
    assert run_import(session_maker, again, "order-lines").counts.line() == (
        "read=2 inserted=0 updated=1 unchanged=1 quarantined=0"
    )
    assert db.scalar(select(func.count()).select_from(Product)) == 2


def test_a_row_with_an_empty_key_is_quarantined_so_a_rerun_adds_nothing(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    run_import(session_maker, _customers(tmp_path / "c.csv"), "customers")
    calls = write_csv(
        tmp_path / "calls.csv",
        ["external_id", "customer_external_id", "channel", "started_at"],
        [["C-1", "CZ-1", "phone", "2025-01-05 10:00"], ["", "CZ-2", "email", "2025-01-06 11:00"]],
    )
    first = run_import(session_maker, calls, "interactions")
    assert first.counts.line() == "read=2 inserted=1 updated=0 unchanged=0 quarantined=1"
    assert first.problems == [(3, "external_id: empty, but it identifies the row")]
    again = run_import(session_maker, calls, "interactions")
    assert again.counts.line() == "read=2 inserted=0 updated=0 unchanged=1 quarantined=1"
    assert db.scalar(select(func.count()).select_from(Interaction)) == 1
    orders = write_csv(
        tmp_path / "o.csv",
        ["external_id", "customer_external_id", "ordered_at", "total_amount", "currency"],
        [["O-1", "CZ-1", "2025-01-05", "12", "EUR"]],
    )
    run_import(session_maker, orders, "orders")
    lines = write_csv(
        tmp_path / "l.csv",
        ["order", "line", "unit price"],
        [["O-1", "", "1"], ["O-1", "", "2"], ["O-1", "1", "3"]],
    )
    summary = run_import(session_maker, lines, "order-lines")
    assert summary.counts.line() == "read=3 inserted=1 updated=0 unchanged=0 quarantined=2"
    assert {reason for _, reason in summary.problems} == {
        "line_number: empty, but it identifies the row"
    }
    assert run_import(session_maker, lines, "order-lines").counts.unchanged == 1
    assert db.scalar(select(func.count()).select_from(OrderLine)) == 1


def test_a_dry_run_writes_nothing(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    summary = run_import(session_maker, _customers(tmp_path / "c.csv"), "customers", dry_run=True)
    assert summary.counts.inserted == 3 and summary.job_id is None
    assert db.scalar(select(func.count()).select_from(Customer)) == 0
    assert db.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_it_resumes_an_interrupted_import_with_exact_counts(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    rows = [[f"R-{i}", f"Name {i}", f"r{i}@example.com"] for i in range(1, 101)]
    rows[40][2] = "broken"
    path = write_csv(tmp_path / "r.csv", ["external_id", "name", "email"], rows)
    prepared = prepare(path, ImportOptions(kind="customers", batch_size=10))

    def crash(done: int) -> None:
        if done >= 50:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner.run(session_maker, prepared, progress=crash)
    job = db.scalar(select(ImportJob))
    assert job is not None and (job.status, job.checkpoint_records) == ("interrupted", 50)
    assert db.scalar(select(func.count()).select_from(Customer)) == 49
    resumed = runner.run(session_maker, prepare(path, ImportOptions(kind="customers")))
    assert resumed.resumed and resumed.job_id == job.id
    assert resumed.counts.line() == "read=100 inserted=99 updated=0 unchanged=0 quarantined=1"
    assert db.scalar(select(func.count(func.distinct(Customer.external_id)))) == 99


def test_it_refuses_to_run_the_same_file_twice_at_once(
    session_maker: sessionmaker[Session],
    db: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _customers(tmp_path / "c.csv")
    prepared = prepare(path, ImportOptions(kind="customers"))
    with session_maker() as session:
        session.add(
            ImportJob(
                kind="customers",
                source_name="c.csv",
                source_format="csv",
                file_sha256=prepared.facts.sha256,
                fingerprint=prepared.fingerprint,
                status="running",
                owner="elsewhere:1",
            )
        )
        session.commit()
    monkeypatch.setattr("centricity.imports.load.jobstore.owner_alive", lambda job: True)
    with pytest.raises(ImportBusy):
        runner.run(session_maker, prepared)


def test_a_second_run_in_the_same_process_is_refused_while_the_first_is_live(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    # A web upload runs inline while the worker thread of the same process may pick up
    # its queued job: the pid is the same, yet the first run is alive.
    rows = [[f"L-{i}", f"Name {i}"] for i in range(40)]
    path = write_csv(tmp_path / "l.csv", ["external_id", "name"], rows)
    refused: list[int] = []

    def run_again(done: int) -> None:
        if done == 20:
            with pytest.raises(ImportBusy):
                runner.run(session_maker, prepare(path, ImportOptions(kind="customers")))
            refused.append(done)

    options = ImportOptions(kind="customers", batch_size=10)
    summary = runner.run(session_maker, prepare(path, options), progress=run_again)
    assert refused == [20]
    assert summary.counts.line() == "read=40 inserted=40 updated=0 unchanged=0 quarantined=0"
    assert db.scalar(select(func.count()).select_from(ImportJob)) == 1
    again = runner.run(session_maker, prepare(path, ImportOptions(kind="customers")))
    assert again.counts.line() == "read=40 inserted=0 updated=0 unchanged=40 quarantined=0"


def test_duplicate_keys_are_caught_when_the_key_set_moves_to_disk(
    session_maker: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("centricity.imports.check.seen.MEMORY_LIMIT", 5)
    rows = [[f"D-{i % 30}", f"Name {i}"] for i in range(60)]
    path = write_csv(tmp_path / "d.csv", ["external_id", "name"], rows)
    summary = run_import(session_maker, path, "customers", batch_size=7)
    assert summary.counts.line() == "read=60 inserted=30 updated=0 unchanged=0 quarantined=30"
