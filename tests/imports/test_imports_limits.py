"""Decompression limits on XLSX files, and the stored preview (no re-parse on a view).

The bombs are small: the limit is set low in each test, so a few megabytes prove the
check; `benchmarks/import_bomb.py` measures the server's memory with a full-size one.
"""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from import_files import write_csv, write_xlsx
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner
from xlsx_bombs import MAIN, _write_parts, inline_row, sheet_of, strings_bomb

from centricity.accounts import service as accounts
from centricity.app import create_app
from centricity.cli import app as cli_app
from centricity.config import Settings
from centricity.imports import service
from centricity.imports.models import ImportJob
from centricity.imports.plan import ImportOptions, prepare
from centricity.imports.read.readers import UnreadableFile, file_facts, open_source
from centricity.imports.read.xlsxsource import SharedStrings, XlsxSource, read_shared_strings
from centricity.web.deps import SESSION_COOKIE
from fixtures_web import Browser

MB = 1024 * 1024
SETTING = "CENTRICITY_IMPORT_MAX_UNPACKED_BYTES"


def _open(path: Path, limit: int) -> Any:
    return open_source(path, file_facts(path), max_unpacked_bytes=limit)


def test_a_workbook_over_the_absolute_limit_is_refused_before_it_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = strings_bomb(tmp_path / "bomb.xlsx", 3 * MB)
    opened: list[Path] = []
    monkeypatch.setattr(
        "centricity.imports.read.readers.XlsxSource", lambda *a, **k: opened.append(a)
    )
    with pytest.raises(UnreadableFile) as refused:
        _open(bomb, 1 * MB)
    assert str(refused.value) == (
        f"the XLSX file unpacks to 3 MB, more than the limit of 1 MB ({SETTING}; possible zip bomb)"
    )
    assert opened == []  # refused from the zip directory, nothing decompressed


def test_a_workbook_unpacking_to_far_more_than_it_weighs_is_refused(tmp_path: Path) -> None:
    bomb = strings_bomb(tmp_path / "bomb.xlsx", 40 * MB)  # ~40 KB on disk
    assert bomb.stat().st_size < 200 * 1024
    with pytest.raises(UnreadableFile, match="more than 100 times its size"):
        _open(bomb, 1024 * MB)  # under the absolute limit: the ratio refuses it


def test_shared_strings_are_counted_as_they_are_read(tmp_path: Path) -> None:
    # 600 KB of text passes the 1 MB check of the zip directory, but the table may take
    # at most half the limit in memory: refused while the strings are read.
    book = strings_bomb(tmp_path / "strings.xlsx", 600 * 1024)
    expected = f"shared strings take more than 512 KB in memory, half the limit set by {SETTING}"
    with pytest.raises(UnreadableFile, match=expected):
        _open(book, 1 * MB)
    assert _open(book, 2 * MB).header == ["external_id", "name"]  # a larger limit reads it


def test_shared_strings_are_packed_and_looked_up_by_index() -> None:
    strings = SharedStrings(budget=1024)
    for text in ("external_id", "Dvořáková", "", "Иванов 😀"):
        strings.append(text)
    assert [strings[i] for i in range(len(strings))] == [
        "external_id",
        "Dvořáková",
        "",
        "Иванов 😀",
    ]
    with pytest.raises(IndexError):
        strings[-1]
    with pytest.raises(IndexError):
        strings[4]
    with pytest.raises(UnreadableFile, match="more than 1 KB"):
        strings.append("x" * 1024)


def test_the_sheet_is_read_cell_by_cell_in_flat_memory(tmp_path: Path) -> None:
    rows = inline_row(1, "external_id", "name") + "".join(
        inline_row(n, f"R-{n}", "Jana Dvořáková") for n in range(2, 4_002)
    )
    source = XlsxSource(sheet_of(tmp_path / "tall.xlsx", rows), None, budget=64 * MB)
    tracemalloc.start()
    try:
        read = sum(1 for _row in source._rows())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read == 4_001
    # Parsed elements kept until the sheet ends cost ~2 KB a row (8 MB here): each is
    # dropped once read, so the peak stays that of a few rows, whatever the sheet's size.
    assert peak < 2 * MB


def test_rows_and_columns_past_excel_limits_are_refused(tmp_path: Path) -> None:
    far = (
        inline_row(1, "external_id", "name") + '<row r="1048577"><c r="A1048577"><v>1</v></c></row>'
    )
    with pytest.raises(UnreadableFile, match="more than 1,048,576 rows"):
        list(_open(sheet_of(tmp_path / "far.xlsx", far), 64 * MB).batches())
    wide = inline_row(1, "external_id", "name") + '<row r="2"><c r="XFE2"><v>1</v></c></row>'
    with pytest.raises(UnreadableFile, match="16,384 columns"):
        list(_open(sheet_of(tmp_path / "wide.xlsx", wide), 64 * MB).batches())


def test_an_ordinary_workbook_still_reads_with_dates_numbers_and_gaps(tmp_path: Path) -> None:
    from datetime import datetime

    path = write_xlsx(
        tmp_path / "ok.xlsx",
        ["external_id", "name", "since"],
        [["K-1", "Jana", datetime(2025, 1, 5, 10, 30)], [None, None, None], ["K-2", 12.5, None]],
    )
    source = _open(path, 1 * MB)
    frames = list(source.batches())
    rows = [r for f in frames for r in f.to_dicts()]
    assert source.header == ["external_id", "name", "since"]
    assert [(r["c0"], r["c1"], r["c2"], r["__line"]) for r in rows] == [
        ("K-1", "Jana", "2025-01-05 10:30:00", 2),
        ("K-2", "12.5", None, 4),
    ]


def test_prepare_and_the_cli_apply_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = strings_bomb(tmp_path / "bomb.xlsx", 3 * MB)
    with pytest.raises(UnreadableFile, match="limit of 1 MB"):
        prepare(bomb, ImportOptions(kind="customers"), max_unpacked_bytes=1 * MB)
    env = {
        "CENTRICITY_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "CENTRICITY_DATA_DIR": str(tmp_path / "data"),
        SETTING: str(1 * MB),
    }
    result = CliRunner().invoke(cli_app, ["import", "customers", str(bomb)], env=env)
    assert result.exit_code == 2
    assert "limit of 1 MB" in result.output and SETTING in result.output
    monkeypatch.delenv(SETTING, raising=False)


def _manager_client(
    settings: Settings, sessions: sessionmaker[Session], db: Session, user: Any
) -> tuple[TestClient, Browser]:
    started = accounts.start_session(db, user=user, max_age_seconds=3600)
    db.commit()
    client = TestClient(create_app(settings, sessions=sessions), follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, started.token)
    return client, Browser(client=client, csrf=started.csrf_token)


def _upload(browser: Browser, path: Path, kind: str = "customers") -> Any:
    with path.open("rb") as handle:
        return browser.client.post(
            "/imports",
            data={"csrf_token": browser.csrf, "kind": kind},
            files={"file": (path.name, handle, "application/octet-stream")},
        )


def test_the_upload_refuses_a_bomb_naming_the_limit_and_the_setting(
    settings: Settings, session_maker: sessionmaker[Session], db: Session, personas: Any,
    tmp_path: Path,
) -> None:  # fmt: skip
    low = settings.model_copy(update={"import_max_unpacked_bytes": 1 * MB})
    bomb = strings_bomb(tmp_path / "bomb.xlsx", 3 * MB)
    client, browser = _manager_client(low, session_maker, db, personas.alice)
    with client:
        answer = _upload(browser, bomb)
    assert answer.status_code == 422
    assert "more than the limit of 1 MB" in answer.text and SETTING in answer.text
    assert list(service.upload_dir(low).iterdir()) == []
    assert db.scalar(select(ImportJob)) is None


def test_a_job_page_shows_the_stored_preview_without_parsing_the_file_again(
    browser_for: Any, personas: Any, db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = browser_for(personas.alice)
    path = write_csv(tmp_path / "c.csv", ["external_id", "name"], [["P-1", "Petra"], ["P-2", ""]])
    job_url = _upload(browser, path).headers["location"]
    job = db.scalar(select(ImportJob))
    assert (
        job is not None and job.preview is not None and job.preview["rows"][0] == ["P-1", "Petra"]
    )

    def parse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(service, "prepare_file", parse)
    for _view in range(3):
        page = browser.client.get(job_url)
        assert page.status_code == 200
        assert "Petra" in page.text and "line 3: name: required" in page.text
    unchanged = {"csrf_token": browser.csrf, "map.0": "external_id", "map.1": "name"}
    again = browser.client.post(f"{job_url}/run", data={**unchanged, "action": "preview"})
    assert again.status_code == 200 and "Petra" in again.text  # same mapping: no re-parse


def test_the_preview_is_cleared_once_the_import_ran(
    browser_for: Any, personas: Any, db: Session, tmp_path: Path
) -> None:
    browser = browser_for(personas.alice)
    path = write_csv(tmp_path / "c.csv", ["external_id", "name"], [["Q-1", "Quinn"]])
    job_url = _upload(browser, path).headers["location"]
    done = browser.client.post(
        f"{job_url}/run", data={"csrf_token": browser.csrf, "action": "import"}
    )
    assert done.status_code == 303
    db.expire_all()
    job = db.scalar(select(ImportJob))
    assert job is not None and job.status == "done" and job.preview is None


def test_a_pending_upload_is_exported_then_discarded_by_an_erasure(
    browser_for: Any, personas: Any, db: Session, tmp_path: Path
) -> None:
    from centricity.customers import service as customer_service
    from centricity.customers.schemas import CustomerCreate
    from centricity.privacy.service import erase_person, export_person

    customer_service.create(
        db, data=CustomerCreate(name="Petra Nová", email="petra@example.cz"), actor=None
    )
    db.commit()
    browser = browser_for(personas.alice)
    header, rows = ["external_id", "name", "email"], [["V-1", "Petra Nová", "petra@example.cz"]]
    _upload(browser, write_csv(tmp_path / "c.csv", header, rows))
    other = write_csv(tmp_path / "d.csv", header, [["V-2", "Olga", "olga@example.cz"]])
    _upload(browser, other)
    jobs = list(db.scalars(select(ImportJob).order_by(ImportJob.id)))
    files = [Path(j.stored_path or "") for j in jobs]
    assert all(p.is_file() for p in files)
    exported = export_person(db, email="petra@example.cz", actor_label="test")["data"]
    assert [p["job_id"] for p in exported["import_job_previews"]] == [jobs[0].id]
    assert exported["import_job_previews"][0]["preview"]["rows"] == rows
    staff = export_person(db, email=personas.alice.email, actor_label="test")["data"]
    assert "preview" not in staff["import_jobs"][0]  # other people's rows stay out
    erase_person(db, email="petra@example.cz", actor_label="test")
    db.commit()
    db.expire_all()
    kept = list(db.scalars(select(ImportJob).order_by(ImportJob.id)))
    # The files cannot be searched reliably (XLSX, Parquet): every pending upload goes.
    assert [(j.status, j.stored_path, j.preview) for j in kept] == [("expired", None, None)] * 2
    assert not any(p.exists() for p in files)


def test_rich_text_strings_read_as_openpyxl_reads_them() -> None:
    import io

    table = (
        f'<sst xmlns="{MAIN}"><si><t xml:space="preserve"> Jana </t></si>'
        "<si><r><t>Dvo</t></r><r><rPr><b/></rPr><t>řáková</t></r>"
        "<rPh sb='0' eb='1'><t>ドボ</t></rPh></si><si/><si><t>a_x005F_x0041_</t></si></sst>"
    )
    strings = read_shared_strings(io.BytesIO(table.encode()), budget=1024)
    assert [strings[i] for i in range(len(strings))] == [" Jana ", "Dvořáková", "", "a_x0041_"]


def test_the_stored_preview_cuts_long_headers_and_values(
    browser_for: Any, personas: Any, db: Session, tmp_path: Path
) -> None:
    browser = browser_for(personas.alice)
    long_header, long_name = "H" * 5_000, "Ň" * 1_000_000
    path = write_csv(
        tmp_path / "c.csv", ["external_id", "name", long_header], [["P-1", long_name, "x"]]
    )
    job_url = _upload(browser, path).headers["location"]
    job = db.scalar(select(ImportJob))
    assert job is not None and job.preview is not None
    shown = job.preview["rows"][0][1]
    assert len(shown) == 200 and shown.endswith("…") and shown.startswith("ŇŇŇ")
    assert len(job.preview["pairs"][2][0]) == 200
    assert len(json.dumps(job.preview)) < 10_000
    page = browser.client.get(job_url)
    assert page.status_code == 200 and len(page.text) < 100_000


def test_a_stray_cell_far_right_does_not_pad_every_row_to_the_sheet_width(
    tmp_path: Path,
) -> None:
    stray = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>R-{n}</t></is></c>'
    stray += '<c r="XFD{n}" t="inlineStr"><is><t>far</t></is></c></row>'
    rows = inline_row(1, "external_id", "name") + "".join(
        stray.format(n=n) for n in range(2, 1_002)
    )
    source = _open(sheet_of(tmp_path / "wide.xlsx", rows), 64 * MB)
    tracemalloc.start()
    try:
        frames = list(source.batches())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(f.height for f in frames) == 1_000
    first = frames[0].row(0, named=True)
    assert (first["c0"], first["c1"]) == ("R-2", None)
    assert first["__problem"] == "has 3 fields; the header has 2"
    # Padded to 16,384 cells a row, the same sheet held about 1 GB here.
    assert peak < 32 * MB


def _long_cell_workbook(path: Path, where: str, text: str) -> Path:
    header = inline_row(1, "external_id", "name")
    if where == "inline":
        return sheet_of(path, header + inline_row(2, "L-1", text))
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>L-1</t></is></c>'
    row += '<c r="B2" t="s"><v>0</v></c></row>'
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive, sheet + header + row + "</sheetData></worksheet>")
        archive.writestr(
            "xl/sharedStrings.xml", f'<sst xmlns="{MAIN}"><si><t>{text}</t></si></sst>'
        )
    return path


@pytest.mark.parametrize("where", ["inline", "shared"])
def test_a_cell_longer_than_a_spreadsheet_holds_is_refused_as_it_is_read(
    tmp_path: Path, where: str
) -> None:
    fits = _long_cell_workbook(tmp_path / "fits.xlsx", where, "N" * 32_767)
    assert len(list(_open(fits, 64 * MB).batches())[0]["c1"][0]) == 32_767  # also warms up
    path = _long_cell_workbook(tmp_path / "long.xlsx", where, "N" * 5 * MB)
    facts = file_facts(path)  # reads 4 MB blocks: not what is measured
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile, match="longer than 32,767 characters"):
            list(open_source(path, facts, max_unpacked_bytes=64 * MB).batches())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * MB  # refused long before the 5 MB string was gathered


def test_an_upload_whose_file_is_gone_answers_with_a_message(
    browser_for: Any, personas: Any, db: Session, tmp_path: Path
) -> None:
    browser = browser_for(personas.alice)
    path = write_csv(tmp_path / "c.csv", ["external_id", "name"], [["G-1", "Gone"]])
    job_url = _upload(browser, path).headers["location"]
    job = db.scalar(select(ImportJob))
    assert job is not None and job.stored_path
    Path(job.stored_path).unlink()
    form = {"csrf_token": browser.csrf, "map.0": "external_id", "map.1": "name"}
    answer = browser.client.post(f"{job_url}/run", data={**form, "action": "import"})
    assert answer.status_code == 422 and "no longer available" in answer.text


def test_a_remap_does_not_touch_a_job_another_request_queued_meanwhile(
    browser_for: Any, personas: Any, db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from centricity.jobs.models import Job

    browser = browser_for(personas.alice)
    path = write_csv(tmp_path / "c.csv", ["external_id", "name"], [["R-1", "Rita"]])
    job_url = _upload(browser, path).headers["location"]
    job = db.scalar(select(ImportJob))
    assert job is not None
    reread = service.reprepare

    def queued_meanwhile(*args: Any, **kwargs: Any) -> Any:
        db.execute(update(ImportJob).where(ImportJob.id == job.id).values(status="queued"))
        db.commit()
        return reread(*args, **kwargs)

    monkeypatch.setattr(service, "reprepare", queued_meanwhile)
    remapped = {"csrf_token": browser.csrf, "map.0": "external_id", "map.1": "", "action": "import"}
    answer = browser.client.post(f"{job_url}/run", data=remapped)
    assert answer.status_code == 303
    db.expire_all()
    stored = db.get(ImportJob, job.id)
    assert stored is not None and stored.preview is not None
    assert [p[1] for p in stored.preview["pairs"]] == ["external_id", "name"]  # unchanged
    assert db.scalar(select(func.count()).select_from(Job)) == 0  # not queued a second time
