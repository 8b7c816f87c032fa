"""Generated messy CSVs never crash the importer and never lose a valid row.

Files mix quotes, embedded newlines, delimiters inside values, blank and whitespace-only
names, bad e-mails and language codes, rows with a field missing, repeated ids, absent
optional columns, every supported encoding and delimiter. An oracle says which rows are
valid; the import must insert exactly those, with their exact values, and quarantine
the rest.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_files import run_import
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from centricity.customers.models import Customer
from centricity.imports.frames import LINE, rebatch
from centricity.imports.readers import file_facts, open_source

LETTERS = {
    "utf-8": "aáčéřšžÅäöąłśжЯ",
    "cp1250": "áčďéěíňóřšťúůýžąłńśźżÄÖ",
    "cp1251": "абвгдежзийклмнопрстуфхцчшщыэюяЁ",
    "cp1252": "åäöéüÅÄÖÉÜßñ",
    "cp1257": "ąčęėįšųūžĄČĘĖĮŠŲŪŽ",
    "iso8859_2": "áčďéěíňóřšťúůýžŠŽ",
}
PUNCTUATION = " \"';,|\t\n.-"
CHECKS = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def messy_files(draw: st.DrawFn) -> dict[str, Any]:
    encoding = draw(st.sampled_from(sorted(LETTERS)))
    alphabet = st.sampled_from(list("abcXYZ019" + LETTERS[encoding] + PUNCTUATION))
    names = st.text(alphabet, min_size=0, max_size=12)
    emails = st.sampled_from(["", "jana@example.cz", "x.y@mail.example.se", "not-an-email", "a@b"])
    languages = st.sampled_from(["", "cs", "SV", "lt-LT", "czech"])
    count = draw(st.integers(min_value=1, max_value=25))
    rows = []
    for index in range(count):
        key = f"ID-{draw(st.integers(min_value=0, max_value=count + 3))}"
        rows.append(
            {
                "external_id": key,
                "name": draw(names),
                "email": draw(emails),
                "preferred_language": draw(languages),
                "drop_last": draw(st.booleans()) and draw(st.integers(0, 9)) == 0,
                "index": index,
            }
        )
    optional = draw(st.lists(st.sampled_from(["email", "preferred_language"]), unique=True))
    return {
        "encoding": encoding,
        "delimiter": draw(st.sampled_from([",", ";", "\t", "|"])),
        "quoting": draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        "columns": ["external_id", "name", *optional],
        "batch_size": draw(st.integers(min_value=1, max_value=8)),
        "rows": rows,
    }


def _write(path: Path, spec: dict[str, Any]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=spec["delimiter"], quoting=spec["quoting"])
    writer.writerow(spec["columns"])
    for row in spec["rows"]:
        values = [row[c] for c in spec["columns"]]
        writer.writerow(values[:-1] if row["drop_last"] else values)
    path.write_bytes(buffer.getvalue().encode(spec["encoding"]))


def _valid(row: dict[str, Any], columns: list[str]) -> bool:
    email_ok = "email" not in columns or row["email"] in (
        "",
        "jana@example.cz",
        "x.y@mail.example.se",
    )
    lang_ok = "preferred_language" not in columns or row["preferred_language"] != "czech"
    return bool(row["name"].strip()) and email_ok and lang_ok


def _oracle(spec: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], int]:
    """Rows that must be imported (by id) and how many must be quarantined."""
    seen: set[str] = set()
    imported: dict[str, dict[str, Any]] = {}
    rejected = 0
    for row in spec["rows"]:
        ragged = row["drop_last"]
        duplicate = not ragged and row["external_id"] in seen
        if not ragged:
            seen.add(row["external_id"])
        if ragged or duplicate or not _valid(row, spec["columns"]):
            rejected += 1
        else:
            imported[row["external_id"]] = row
    return imported, rejected


@CHECKS
@given(spec=messy_files())
def test_messy_files_import_every_valid_row_and_quarantine_the_rest(
    spec: dict[str, Any],
    connection: Connection,
    session_maker: sessionmaker[Session],
    tmp_path_factory: Any,
) -> None:
    path = tmp_path_factory.mktemp("messy") / "customers.csv"
    _write(path, spec)
    expected, rejected = _oracle(spec)
    example = connection.begin_nested()
    try:
        options = {
            "encoding": spec["encoding"],
            "delimiter": spec["delimiter"],
            "batch_size": spec["batch_size"],
        }
        summary = run_import(session_maker, path, "customers", **options)
        counts = summary.counts
        assert counts.read == len(spec["rows"])
        assert (
            counts.read == counts.inserted + counts.updated + counts.unchanged + counts.quarantined
        )
        assert (counts.inserted, counts.quarantined) == (len(expected), rejected)
        with session_maker() as session:
            stored = {c.external_id: c for c in session.scalars(select(Customer))}
        assert set(stored) == set(expected)
        for key, row in expected.items():
            assert stored[key].name == row["name"].strip()
            if "email" in spec["columns"]:
                assert stored[key].email == (row["email"] or None)
    finally:
        example.rollback()


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(spec=messy_files())
def test_the_reader_returns_exactly_what_the_csv_module_reads(
    spec: dict[str, Any], tmp_path_factory: Any
) -> None:
    path = tmp_path_factory.mktemp("reader") / "any.csv"
    _write(path, spec)
    source = open_source(
        path, file_facts(path), encoding=spec["encoding"], delimiter=spec["delimiter"]
    )
    got = [row for frame in rebatch(source.batches(), 7) for row in frame.iter_rows(named=True)]
    reader = csv.reader(
        io.StringIO(path.read_bytes().decode(spec["encoding"]), newline=""),
        delimiter=spec["delimiter"],
    )
    header = next(reader)
    assert source.header == [h.strip() for h in header]
    expected = [r for r in reader if any(cell.strip() for cell in r)]
    assert len(got) == len(expected)
    width = len(header)
    for row, record in zip(got, expected, strict=True):
        if len(record) == width:
            assert [row[f"c{i}"] or "" for i in range(width)] == record
        else:
            assert row["__problem"] == f"has {len(record)} fields; the header has {width}"
    assert [row[LINE] for row in got] == sorted(row[LINE] for row in got)
