"""Reading files: formats, encodings, delimiters, quoting, line numbers, zip bombs."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest
from import_files import write_csv, write_jsonl, write_parquet, write_xlsx

from centricity.imports.read import csvsource, detect
from centricity.imports.read.frames import LINE, PROBLEM, rebatch
from centricity.imports.read.readers import UnreadableFile, file_facts, open_source

SAMPLES = {
    "cp1250": "Jana Dvořáková;Příliš žluťoučký kůň úpěl ďábelské ódy;Łódź, Świętokrzyska",
    "cp1251": "Иванов Пётр Сергеевич;Москва, улица Ленина;Щукин Эдуард",
    "cp1252": "Åsa Öberg;Västra Frölunda, Göteborg;Ängelholm Malmö Jönköping",
    "cp1257": "Vardenis Pavardenis;Šiauliai, Žalgirio gatvė;Ąžuolynas, Ūkininkų, mišką",
    "iso8859_2": "Šárka Šťastná;Žďár nad Sázavou;Šternberk, Žižkov, Šumperk",
}


def _rows(path: Path, **kwargs: str) -> tuple[list[str], list[dict[str, object]]]:
    source = open_source(path, file_facts(path), **kwargs)
    frames = list(rebatch(source.batches(), 1000))
    frame = pl.concat(frames) if frames else pl.DataFrame()
    return source.header, frame.to_dicts()


@pytest.mark.parametrize("encoding", sorted(SAMPLES))
def test_it_detects_the_single_byte_encodings_of_real_exports(
    tmp_path: Path, encoding: str
) -> None:
    text = "name;address;city\n" + "\n".join([SAMPLES[encoding]] * 3) + "\n"
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    assert detect.guess_single_byte_encoding(file_facts(path).sample) == encoding
    _header, rows = _rows(path)
    assert rows[0]["c0"] == SAMPLES[encoding].split(";")[0]


def test_it_reads_utf8_with_a_bom_and_given_encodings(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfexternal_id,name\r\nC-1,J\xc3\xa1na\r\n")
    header, rows = _rows(path)
    assert header == ["external_id", "name"] and rows[0]["c1"] == "Jána"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id;name\n1;Šárka\n".encode("iso8859_2"))
    assert _rows(latin, encoding="ISO-8859-2")[1][0]["c1"] == "Šárka"
    with pytest.raises(UnreadableFile, match="not valid UTF-8"):
        open_source(latin, file_facts(latin), encoding="utf-8")
    with pytest.raises(UnreadableFile, match="unsupported encoding"):
        open_source(latin, file_facts(latin), encoding="ebcdic")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_it_detects_the_delimiter(tmp_path: Path, delimiter: str) -> None:
    path = write_csv(
        tmp_path / "d.csv",
        ["id", "name", "email"],
        [["1", "Novák, Jan", "jan@x.cz"], ["2", "Öberg", ""]],
        delimiter=delimiter,
    )
    header, rows = _rows(path)
    assert header == ["id", "name", "email"]
    assert rows[0]["c1"] == "Novák, Jan" and rows[1]["c2"] in ("", None)


def test_it_keeps_quoted_newlines_and_counts_physical_lines(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "q.csv",
        ["id", "note"],
        [["1", 'line one\r\nline "two"'], ["2", "plain"], ["3", ""]],
        quoting=csv.QUOTE_ALL,
    )
    _header, rows = _rows(path)
    assert [r["c1"] for r in rows][:2] == ['line one\r\nline "two"', "plain"]
    assert [r[LINE] for r in rows] == [2, 4, 5]


def test_ragged_rows_and_stray_quotes_become_problems_not_crashes(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        'id,name,email\n1,Jan,a@b.cz\n2,Only two\n3,"Broken "quote,x\n'
        '4,Ten "inch" screen,c@d.cz\n\n5,Last,e@f.cz\n',
        encoding="utf-8",
    )
    _header, rows = _rows(path)
    by_line = {r[LINE]: r for r in rows}
    assert by_line[3][PROBLEM] == "has 2 fields; the header has 3"
    assert by_line[5]["c1"] == 'Ten "inch" screen' and by_line[5][PROBLEM] is None
    assert by_line[7]["c1"] == "Last"
    assert sorted(by_line) == [2, 3, 4, 5, 7]


def test_the_fast_path_and_the_csv_module_agree(tmp_path: Path) -> None:
    rows = [[str(i), f'name "{i}"\n{i}', "x;y" if i % 3 else "", ""] for i in range(3000)]
    path = write_csv(tmp_path / "big.csv", ["a", "b", "c", "d"], rows, delimiter=";")
    _header, fast = _rows(path)
    reader = csv.reader(io.StringIO(path.read_text("utf-8"), newline=""), delimiter=";")
    next(reader)
    expected = [[(v or None) for v in r] for r in reader]
    got = [[(r[f"c{i}"] or None) for i in range(4)] for r in fast]
    assert got == expected


def test_it_reads_excel_parquet_and_json_lines(tmp_path: Path) -> None:
    header = ["external_id", "name", "total"]
    book = write_xlsx(tmp_path / "a.xlsx", header, [["C-1", "Jana", 12.5], ["C-2", "Petr", 3]])
    _h, rows = _rows(book)
    assert [(r["c0"], r["c1"], r["c2"], r[LINE]) for r in rows] == [
        ("C-1", "Jana", "12.5", 2),
        ("C-2", "Petr", "3", 3),
    ]
    parquet = write_parquet(tmp_path / "a.parquet", header, [["C-1", "Jana", "1"]])
    assert _rows(parquet)[1][0]["c1"] == "Jana"
    lines = write_jsonl(tmp_path / "a.jsonl", [{"external_id": "C-1", "name": "Jana", "vip": True}])
    with lines.open("a", encoding="utf-8") as handle:
        handle.write("not json\n[1, 2]\n")
    h, rows = _rows(lines)
    assert h == ["external_id", "name", "vip"] and rows[0]["c2"] == "true"
    assert [r[PROBLEM] for r in rows[1:]] == ["not valid JSON", "not a JSON object"]


def test_it_refuses_an_xlsx_zip_bomb_before_opening_it(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(UnreadableFile, match="zip bomb"):
        open_source(bomb, file_facts(bomb))
    with pytest.raises(UnreadableFile, match="zip bomb"):
        open_source(bomb, file_facts(bomb), max_unpacked_bytes=1024 * 1024)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK not a zip")
    with pytest.raises(UnreadableFile, match="damaged"):
        open_source(broken, file_facts(broken))


def test_it_guesses_decimal_marks_and_date_order_only_when_unambiguous() -> None:
    assert detect.guess_decimal(["1 234,50", "12,5"]) == (",", None)
    assert detect.guess_decimal(["1,234.50", "0.99"]) == (".", None)
    assert detect.guess_decimal(["1,234", "12"]) == (".", None)
    assert detect.guess_day_first(["31/01/2025"]) == (True, None)
    assert detect.guess_day_first(["01/31/2025"]) == (False, None)
    day_first, note = detect.guess_day_first(["01/02/2025"])
    assert day_first and note is not None


def test_a_chunk_boundary_never_splits_a_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvsource, "CHUNK_BYTES", 64)
    rows = [[str(i), f'"quoted\nvalue {i}"', "ž" * (i % 5)] for i in range(200)]
    path = write_csv(tmp_path / "chunks.csv", ["a", "b", "c"], rows)
    _header, got = _rows(path)
    assert [r["c1"] for r in got] == [r[1] for r in rows]
    assert len({r[LINE] for r in got}) == 200
