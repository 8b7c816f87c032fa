"""Import jobs belong to their uploader's department: other managers get 404, and
quarantined confidential contacts follow the contact log's visibility rule."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from import_files import write_csv
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, Role
from centricity.imports import access, service
from centricity.imports.models import ImportJob
from centricity.kit.errors import NotFound
from fixtures_web import make_user

HEADER = ["customer_external_id", "channel", "started_at", "note", "confidential"]
ROWS = [
    ["NOBODY-1", "phone", "2025-01-07 09:30", "Secret salary talk", "ano"],
    ["NOBODY-2", "phone", "2025-01-07 10:30", "Open question about delivery", "ne"],
]


def _upload(browser: Any, path: Path, kind: str) -> str:
    with path.open("rb") as handle:
        answer = browser.client.post(
            "/imports",
            data={"csrf_token": browser.csrf, "kind": kind},
            files={"file": (path.name, handle, "text/csv")},
        )
    assert answer.status_code == 303
    return str(answer.headers["location"])


@pytest.fixture()
def contacts_job(browser_for: Any, personas: Any, tmp_path: Path) -> str:
    """Alice (department A) imports two contacts of unknown customers: both quarantined,
    one of them confidential."""
    browser = browser_for(personas.alice)
    job_url = _upload(browser, write_csv(tmp_path / "kontakty.csv", HEADER, ROWS), "interactions")
    run = {"csrf_token": browser.csrf, "action": "import"}
    assert browser.client.post(f"{job_url}/run", data=run).status_code == 303
    assert "quarantined=2" in browser.client.get(job_url).text
    return job_url


def _quarantine(browser: Any, job_url: str) -> list[list[str]]:
    answer = browser.client.get(f"{job_url}/quarantine")
    assert answer.status_code == 200
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8"))))


def test_another_departments_manager_gets_404_on_every_job_path(
    contacts_job: str, browser_for: Any, db: Session
) -> None:
    mona = make_user(db, "mona@test.example", Role.MANAGER, "Department B")
    db.commit()
    browser = browser_for(mona)
    assert browser.client.get(contacts_job).status_code == 404
    assert browser.client.get(f"{contacts_job}/quarantine").status_code == 404
    run = {"csrf_token": browser.csrf, "action": "preview"}
    assert browser.client.post(f"{contacts_job}/run", data=run).status_code == 404
    listing = browser.client.get("/imports").text
    assert "kontakty.csv" not in listing and contacts_job not in listing
    missing = contacts_job.rsplit("/", 1)[0] + "/999999"
    assert browser.client.get(missing).status_code == 404  # the same answer as a foreign job


def test_the_uploaders_department_and_admins_read_the_job_and_its_confidential_rows(
    contacts_job: str, browser_for: Any, personas: Any, db: Session
) -> None:
    colleague = make_user(db, "anna@test.example", Role.MANAGER, "Department A")
    db.commit()
    for reader in (personas.alice, colleague, personas.admin):
        browser = browser_for(reader)
        assert browser.client.get(contacts_job).status_code == 200
        assert "kontakty.csv" in browser.client.get("/imports").text
        notes = [row[5] for row in _quarantine(browser, contacts_job)[1:]]
        assert notes == ["Secret salary talk", "Open question about delivery"]


def test_an_uploader_who_left_the_department_keeps_the_job_but_not_its_confidential_rows(
    contacts_job: str, browser_for: Any, personas: Any, db: Session
) -> None:
    other = db.scalar(select(Department).where(Department.name == "Department B"))
    assert other is not None
    mona = make_user(db, "mona@test.example", Role.MANAGER, "Department B")
    personas.alice.department_id = other.id
    db.commit()
    browser = browser_for(personas.alice)
    assert browser.client.get(contacts_job).status_code == 200  # still her own import
    rows = _quarantine(browser, contacts_job)
    assert [row[5] for row in rows[1:]] == ["Open question about delivery"]
    # Her new department does not inherit department A's import.
    assert browser_for(mona).client.get(contacts_job).status_code == 404


def test_service_and_cli_paths_apply_the_same_rule(
    contacts_job: str, personas: Any, db: Session, session_maker: Any, tmp_path: Path
) -> None:
    job_id = int(contacts_job.rsplit("/", 1)[1])
    outsider = make_user(db, "mona@test.example", Role.MANAGER, "Department B")
    db.commit()
    assert service.list_jobs(db, actor=outsider) == []
    assert [j.id for j in service.list_jobs(db, actor=personas.alice)] == [job_id]
    with pytest.raises(NotFound):
        service.get_job(db, job_id, actor=outsider)
    target = tmp_path / "q.csv"
    with pytest.raises(NotFound):
        service.write_quarantine(job_id, target, factory=session_maker, actor=outsider)
    assert service.write_quarantine(job_id, target, factory=session_maker) == 2  # operator
    job = db.get(ImportJob, job_id)
    assert job is not None and job.created_by_user_id == personas.alice.id


def test_command_line_imports_are_shown_to_admins_only(
    browser_for: Any, personas: Any, db: Session
) -> None:
    db.add(
        ImportJob(
            kind="customers",
            source="cli",
            source_name="server-side.csv",
            source_format="csv",
            file_sha256="0" * 64,
            fingerprint="0" * 64,
            status="done",
        )
    )
    db.commit()
    assert "server-side.csv" in browser_for(personas.admin).client.get("/imports").text
    assert "server-side.csv" not in browser_for(personas.alice).client.get("/imports").text


def test_a_row_is_confidential_unless_its_cell_clearly_says_no() -> None:
    header = ["customer_external_id", "note", "Důvěrné"]
    columns = {"customer_external_id": "customer_external_id", "note": "note"}
    columns["Důvěrné"] = "confidential"
    job = ImportJob(kind="interactions", options={"header": header, "columns": columns})
    confidential = access.confidential_row(job)
    cases = [("ano", True), ("TRUE", True), ("x", True), ("maybe", True), ("ne", False)]
    cases += [("No", False), ("0", False), ("", False), (None, False)]
    for cell, hidden in cases:
        assert confidential(["C-1", "n", cell]) is hidden, cell
    assert confidential(["C-1", "shifted", "ne", "extra"]) is True  # ragged: cells may shift
    assert confidential({"customer_external_id": "C-1", "Důvěrné": False}) is False  # JSON
    assert confidential({"customer_external_id": "C-1", "Důvěrné": True}) is True
    customers = ImportJob(kind="customers", options={"header": ["a"], "columns": {"a": "name"}})
    assert access.confidential_row(customers)(["anything"]) is False
