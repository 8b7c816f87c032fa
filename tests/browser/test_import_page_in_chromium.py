"""In a real Chromium: a manager imports a Czech export, fixes a column on the preview,
downloads the quarantined rows, exports the list and merges the duplicate it created."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session
from test_customer_360_in_chromium import OUTPUT, browser  # noqa: F401  (fixture)

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.config import Settings
from live_server import served_store

pytestmark = pytest.mark.browser
PASSWORD = "import-manager-passphrase"
HEADER = ["Číslo zákazníka", "Jméno", "E-mail", "Telefon", "Kód pošty"]
ROWS = [
    ["CZ-1", "Jana Dvořáková", "jana@example.cz", "+420 601 234 567", "110 00"],
    ["CZ-2", "Petr Čížek", "petr@example.cz", "", "602 00"],
    ["CZ-3", "J. Dvořáková", "JANA@example.cz", "601234567", "110 00"],  # the same person
    ["CZ-4", "", "nobody@example.cz", "", ""],  # no name: quarantined
]


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    """A live server on a fresh SQLite store with one manager."""

    def fill(session: Session, _settings: Settings) -> None:
        accounts.create(
            session,
            data=UserCreate(
                email="manager@browser.example", name="Mia", password=PASSWORD, role=Role.MANAGER
            ),
            actor=None,
        )

    with served_store(tmp_path, "import-browser-secret-key-0123456789abcdef", fill) as base:
        yield base


def _export(path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([HEADER, *ROWS])
    path.write_bytes(buffer.getvalue().encode("cp1250"))
    return path


def test_a_manager_imports_fixes_downloads_exports_and_merges(
    browser: Browser,  # noqa: F811
    server: str,
    tmp_path: Path,
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1400}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server}/login?next=/customers")
    page.fill("#email", "manager@browser.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import", exact=True)).to_be_visible()

    page.select_option("#f-kind", "customers")
    page.set_input_files("#f-file", str(_export(tmp_path / "zakaznici.csv")))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("encoding cp1250")).to_be_visible()
    expect(page.get_by_text("In the first 4 rows, 1 would be quarantined.")).to_be_visible()
    postcode = page.get_by_label("Field for Kód pošty")
    expect(postcode).to_have_value("")  # not a header the importer knows
    postcode.select_option("postcode")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    expect(
        page.get_by_text("read=4 inserted=3 updated=0 unchanged=0 quarantined=1")
    ).to_be_visible()

    with page.expect_download() as quarantined:
        page.get_by_role("link", name="Download the 1 quarantined row").click()
    rows = list(
        csv.reader(
            io.StringIO(Path(quarantined.value.path()).read_bytes().decode("cp1250")),
            delimiter=";",
        )
    )
    assert rows == [["line", "reason", *HEADER], ["5", "name: required", *ROWS[3]]]

    page.goto(f"{server}/customers?q=dvorakova")
    expect(page.locator("table.list tbody tr")).to_have_count(2)
    with page.expect_download() as exported:
        page.get_by_role("link", name="CSV", exact=True).click()
    listed = list(csv.DictReader(io.StringIO(Path(exported.value.path()).read_text("utf-8-sig"))))
    assert sorted(r["external_id"] for r in listed) == ["CZ-1", "CZ-3"]
    assert {r["postcode"] for r in listed} == {"110 00"}

    page.goto(f"{server}/customers/duplicates")
    page.get_by_role("button", name="Scan now").click()
    expect(page.get_by_role("status")).to_contain_text("1 pair to review")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "duplicates-page.png"), full_page=True)
    page.get_by_role("button", name="Keep A, merge B into it").click()
    expect(page.get_by_role("heading", name="Jana Dvořáková")).to_be_visible()  # the survivor
    page.goto(f"{server}/customers/duplicates")
    expect(page.get_by_text("0 pairs to review")).to_be_visible()
    page.goto(f"{server}/customers?q=dvorakova")
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    assert errors == []
    page.close()
