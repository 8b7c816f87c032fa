"""`centricity import` against a committed store on both engines: the interface contract."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from import_files import write_csv, write_xlsx
from sqlalchemy import func, select
from typer.testing import CliRunner

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.app import create_app
from centricity.cli import app as cli_app
from centricity.config import Settings
from centricity.customers.models import Customer
from centricity.db import get_engine, session_factory
from centricity.orders.models import Order
from store_helpers import (
    TEST_SECRET,
    migrated_store,
)

CUSTOMER_HEADER = ["external_id", "name", "email", "phone", "preferred_language", "country"]
ORDER_HEADER = [
    "external_id",
    "customer_external_id",
    "ordered_at",
    "total_amount",
    "currency",
    "cost",
]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated store the command commits into (not the rolled-back test store)."""
    with migrated_store(request.param, tmp_path, "centricity_import_cli") as url:
        yield url


def centricity(store: str, tmp_path: Path, *args: str) -> tuple[int, list[str]]:
    """Run `centricity ARGS` in-process; (exit code, output lines)."""
    env = {"CENTRICITY_DATABASE_URL": store, "CENTRICITY_DATA_DIR": str(tmp_path / "data")}
    result = CliRunner().invoke(cli_app, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output.strip().splitlines()


def _count(store: str, model: type) -> int:
    with session_factory(get_engine(Settings(database_url=store, secret_key=TEST_SECRET)))() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_it_imports_the_contract_columns_and_the_api_finds_them(store: str, tmp_path: Path) -> None:
    customers = write_csv(
        tmp_path / "customers.csv",
        CUSTOMER_HEADER,
        [
            ["C-1", "Jana Dvořáková", "jana@example.cz", "+420 601 234 567", "cs", "CZ"],
            ["C-2", "Erik Lindqvist", "erik@example.se", "", "sv", "SE"],
        ],
    )
    code, lines = centricity(store, tmp_path, "import", "customers", str(customers))
    assert code == 0 and lines[-1] == "read=2 inserted=2 updated=0 unchanged=0 quarantined=0"
    orders = write_csv(
        tmp_path / "orders.csv",
        ORDER_HEADER,
        [
            ["O-1", "C-1", "2025-01-05T10:00:00Z", "299.00", "CZK", "120.00"],
            ["O-2", "C-404", "2025-01-06T10:00:00Z", "10.00", "CZK", ""],
        ],
    )
    code, lines = centricity(store, tmp_path, "import", "orders", str(orders))
    assert code == 0 and lines[-1] == "read=2 inserted=1 updated=0 unchanged=0 quarantined=1"
    quarantined = tmp_path / "orders.quarantine.csv"
    assert any(str(quarantined) in line for line in lines)
    assert "customer_external_id: no customer with this id" in quarantined.read_text("utf-8")
    contacts = write_csv(
        tmp_path / "contacts.csv",
        [
            "customer_external_id",
            "channel",
            "direction",
            "started_at",
            "waiting_seconds",
            "duration_seconds",
            "note",
        ],
        [["C-2", "phone", "inbound", "2025-01-07 09:30", "20", "95", "Asked about delivery"]],
    )
    code, lines = centricity(store, tmp_path, "import", "interactions", str(contacts))
    assert lines[-1] == "read=1 inserted=1 updated=0 unchanged=0 quarantined=0"
    code, lines = centricity(store, tmp_path, "import", "orders", str(orders))
    assert code == 0 and lines[-1] == "read=2 inserted=0 updated=0 unchanged=1 quarantined=1"
    _assert_api_finds(store, tmp_path, "dvorakova", "C-1")


def _assert_api_finds(store: str, tmp_path: Path, query: str, external_id: str) -> None:
    settings = Settings(
        environment="test",
        database_url=store,
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET,
        scheduler_enabled=False,
    )
    with session_factory(get_engine(settings))() as session:
        admin = accounts.create(
            session,
            data=UserCreate(
                email="admin@test.example",
                name="Admin",
                password="correct-horse-battery",
                role=Role.ADMIN,
            ),
            actor=None,
        )
        token = accounts.create_token(session, user=admin, read_only=True, actor=None)
        session.commit()
    with TestClient(create_app(settings)) as client:
        found = client.get(
            f"/api/v1/customers?q={query}", headers={"Authorization": f"Bearer {token}"}
        ).json()
    assert [c["external_id"] for c in found["items"]] == [external_id]


def test_it_maps_swedish_excel_headers_and_explicit_overrides(store: str, tmp_path: Path) -> None:
    book = write_xlsx(
        tmp_path / "kunder.xlsx",
        ["Kundnummer", "Namn", "E-post", "Telefon", "Språk", "Land", "Anteckning"],
        [
            ["S-1", "Åsa Öberg", "asa@example.se", "070-123 45 67", "sv", "se", "vip"],
            ["S-2", "=cmd()", "x", None, None, None, None],
        ],
    )
    mapping_file = tmp_path / "mapping.json"
    code, lines = centricity(
        store,
        tmp_path,
        "import",
        "customers",
        str(book),
        "--map",
        "Anteckning=postcode",
        "--save-mapping",
        str(mapping_file),
    )
    assert code == 0, lines
    assert "Kundnummer → external_id" in "\n".join(lines) and "E-post → email" in "\n".join(lines)
    assert lines[-1] == "read=2 inserted=1 updated=0 unchanged=0 quarantined=1"
    saved = json.loads(mapping_file.read_text("utf-8"))
    assert saved["columns"]["Anteckning"] == "postcode"
    quarantine = tmp_path / "kunder.quarantine.xlsx"
    assert quarantine.exists()
    code, lines = centricity(
        store, tmp_path, "import", "customers", str(book), "--mapping", str(mapping_file)
    )
    assert lines[-1] == "read=2 inserted=0 updated=0 unchanged=1 quarantined=1"


def test_a_dry_run_prints_mapping_and_problems_and_writes_nothing(
    store: str, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        CUSTOMER_HEADER,
        [["C-1", "Jana", "not-an-email", "", "", ""], ["C-2", "Petr", "", "", "", ""]],
    )
    code, lines = centricity(store, tmp_path, "import", "customers", str(path), "--dry-run")
    assert code == 0
    text = "\n".join(lines)
    assert "email → email" in text and "line 2: email: not a valid e-mail address" in text
    assert lines[-1] == "read=2 inserted=1 updated=0 unchanged=0 quarantined=1"
    assert lines[-2].startswith("Dry run: nothing was written")
    assert _count(store, Customer) == 0
    assert not (tmp_path / "c.quarantine.csv").exists()


def test_it_exits_non_zero_only_when_nothing_can_be_imported(store: str, tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "bad.csv", CUSTOMER_HEADER, [["C-1", "", "", "", "", ""]])
    code, lines = centricity(
        store,
        tmp_path,
        "import",
        "customers",
        str(bad),
        "--quarantine",
        str(tmp_path / "rejected.csv"),
    )
    assert code == 1 and lines[-1] == "read=1 inserted=0 updated=0 unchanged=0 quarantined=1"
    assert (tmp_path / "rejected.csv").exists()
    no_name = write_csv(tmp_path / "n.csv", ["external_id", "email"], [["C-1", "a@b.cz"]])
    code, lines = centricity(store, tmp_path, "import", "customers", str(no_name))
    assert code == 2
    code, _lines = centricity(store, tmp_path, "import", "customers", str(tmp_path / "none.csv"))
    assert code == 2
    code, _lines = centricity(store, tmp_path, "import", "invoices", str(bad))
    assert code == 2
    assert _count(store, Order) == 0
