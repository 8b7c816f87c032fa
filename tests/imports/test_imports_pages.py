"""The import page: upload, mapping preview, import, quarantine download, size limits."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from import_files import write_csv
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts import service as accounts
from centricity.app import create_app
from centricity.config import Settings
from centricity.customers.models import Customer
from centricity.imports import service
from centricity.imports.models import ImportJob
from centricity.web.deps import SESSION_COOKIE
from fixtures_web import Browser

HEADER = ["Číslo zákazníka", "Jméno", "E-mail", "Telefon"]
ROWS = [
    ["W-1", "Jana Dvořáková", "jana@example.cz", "+420 601 234 567"],
    ["W-2", "Petr Čížek", "not-an-email", ""],
]


def _upload(browser: Any, path: Path, **fields: str) -> Any:
    with path.open("rb") as handle:
        return browser.client.post(
            "/imports",
            data={"csrf_token": browser.csrf, "kind": "customers", **fields},
            files={"file": (path.name, handle, "text/csv")},
        )


def test_a_manager_uploads_previews_imports_and_downloads_the_quarantine(
    browser_for: Any, personas: Any, db: Session, tmp_path: Path
) -> None:
    browser = browser_for(personas.alice)
    assert "Upload a file" in browser.client.get("/imports").text
    path = write_csv(tmp_path / "zakaznici.csv", HEADER, ROWS, delimiter=";", encoding="cp1250")
    uploaded = _upload(browser, path)
    assert uploaded.status_code == 303
    job_url = uploaded.headers["location"]
    preview = browser.client.get(job_url).text
    assert "encoding cp1250" in preview and "delimiter “;”" in preview
    assert 'value="external_id" selected' in preview
    assert "line 3: email: not a valid e-mail address" in preview
    done = browser.client.post(
        f"{job_url}/run", data={"csrf_token": browser.csrf, "action": "import"}
    )
    assert done.status_code == 303
    result = browser.client.get(job_url).text
    assert "read=2 inserted=1 updated=0 unchanged=0 quarantined=1" in result
    download = browser.client.get(f"{job_url}/quarantine")
    assert download.status_code == 200
    assert 'filename="zakaznici.quarantine.csv"' in download.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode("cp1250")), delimiter=";"))
    assert rows == [
        ["line", "reason", *HEADER],
        ["3", "email: not a valid e-mail address", *ROWS[1]],
    ]
    assert db.scalar(select(Customer.name).where(Customer.external_id == "W-1")) == (
        "Jana Dvořáková"
    )
    job = db.scalar(select(ImportJob))
    assert job is not None and job.stored_path is None  # the upload is gone once imported


def test_unmapped_columns_can_be_chosen_on_the_preview(
    browser_for: Any, personas: Any, db: Session, tmp_path: Path
) -> None:
    browser = browser_for(personas.admin)
    path = write_csv(tmp_path / "odd.csv", ["Ident", "Who"], [["Z-1", "Zoe"]])
    job_url = _upload(browser, path).headers["location"]
    assert "required column(s) not found" in browser.client.get(job_url).text
    refused = browser.client.post(
        f"{job_url}/run", data={"csrf_token": browser.csrf, "action": "import"}
    )
    assert refused.status_code == 422
    chosen = {"csrf_token": browser.csrf, "map.0": "external_id", "map.1": "name"}
    checked = browser.client.post(f"{job_url}/run", data={**chosen, "action": "preview"})
    assert checked.status_code == 200 and "would be quarantined" in checked.text
    browser.client.post(f"{job_url}/run", data={**chosen, "action": "import"})
    assert db.scalar(select(Customer.name).where(Customer.external_id == "Z-1")) == "Zoe"


@pytest.mark.parametrize("size", [3_000, 400_000], ids=["streamed-check", "early-refusal"])
def test_big_uploads_are_refused_with_a_clear_message(
    settings: Settings, session_maker: Any, db: Session, personas: Any, tmp_path: Path, size: int
) -> None:
    # The limit is the app's own (set when it is built), so whichever layer refuses
    # first — the request-size guard or the page — the person reads what to do instead.
    small = settings.model_copy(update={"max_upload_bytes": 2048})
    started = accounts.start_session(db, user=personas.alice, max_age_seconds=3600)
    db.commit()
    path = write_csv(tmp_path / "big.csv", HEADER, [ROWS[0]] * (size // 60))
    with TestClient(create_app(small, sessions=session_maker), follow_redirects=False) as client:
        client.cookies.set(SESSION_COOKIE, started.token)
        refused = _upload(Browser(client=client, csrf=started.csrf_token), path)
        assert refused.status_code == 413
        assert refused.headers["content-type"].startswith("text/html")
        assert "centricity import KIND FILE" in refused.text
        assert "larger than the upload limit of 2 KB" in refused.text
        assert client.get("/imports").status_code == 200
    assert list(service.upload_dir(small).glob("*")) == []


def test_managers_find_the_import_page_in_the_navigation_and_agents_do_not(
    browser_for: Any, personas: Any
) -> None:
    for persona, sees in ((personas.alice, True), (personas.admin, True), (personas.bob, False)):
        page = browser_for(persona).client.get("/customers").text
        assert ('href="/imports"' in page) is sees
        assert ("/customers/export?format=xlsx" in page) is sees


def test_zip_bombs_and_unknown_files_are_refused(
    browser_for: Any, personas: Any, tmp_path: Path
) -> None:
    browser = browser_for(personas.alice)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    answer = _upload(browser, bomb)
    assert answer.status_code == 422 and "zip bomb" in answer.text
    assert list(service.upload_dir(browser.client.app.state.settings).iterdir()) == []
    exe = tmp_path / "run.exe"
    exe.write_bytes(b"MZ")
    assert _upload(browser, exe).status_code == 422


def test_the_customer_list_downloads_as_csv_with_formulas_escaped(
    browser_for: Any, personas: Any, tmp_path: Path
) -> None:
    browser = browser_for(personas.alice)
    path = write_csv(tmp_path / "c.csv", ["external_id", "name"], [["F-1", "=1+2"], ["F-2", "Ann"]])
    job_url = _upload(browser, path).headers["location"]
    browser.client.post(f"{job_url}/run", data={"csrf_token": browser.csrf, "action": "import"})
    answer = browser.client.get("/customers/export?format=csv&q=F-1")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [(r["external_id"], r["name"]) for r in rows] == [("F-1", "'=1+2")]
