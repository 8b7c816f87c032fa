"""Parquet decompression bombs: refused from the metadata or while text is still one
dictionary entry; legitimate repetition is read in batches bounded by size."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from centricity.imports.read import parquetsource
from centricity.imports.read.readers import UnreadableFile, file_facts, open_source

MB = 1024 * 1024


def _write(path: Path, columns: dict[str, object], **options: object) -> Path:
    pq.write_table(pa.table(columns), path, compression="zstd", **options)
    return path


def _repeated(value: str, times: int) -> object:
    """One value repeated by a dictionary, as a Parquet writer stores it: never decoded."""
    indices = pa.array([0] * times, type=pa.int32())
    return pa.DictionaryArray.from_arrays(indices, pa.array([value]))


def _batches(path: Path, limit: int = 256 * MB) -> list[object]:
    return list(open_source(path, file_facts(path), max_unpacked_bytes=limit).batches())


def test_a_tiny_file_holding_a_huge_cell_is_refused_before_it_is_decompressed(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path / "giant.parquet", {"external_id": ["G-1"], "name": ["N" * 20 * MB]})
    assert path.stat().st_size < 64 * 1024
    with pytest.raises(UnreadableFile, match="more than 100 times its size"):
        _batches(path)


def test_a_row_group_over_the_limit_is_refused_naming_the_setting(tmp_path: Path) -> None:
    names = [f"Customer {i:07d} of a long export" for i in range(80_000)]
    path = _write(tmp_path / "big.parquet", {"name": names}, row_group_size=1_000_000)
    with pytest.raises(UnreadableFile, match="CENTRICITY_IMPORT_MAX_UNPACKED_BYTES"):
        _batches(path, limit=1 * MB)
    assert sum(f.height for f in _batches(path)) == 80_000  # type: ignore[attr-defined]


def test_a_cell_longer_than_a_spreadsheet_holds_is_refused_while_still_compressed(
    tmp_path: Path,
) -> None:
    long = "ř" * 200_000  # 400 KB repeated by the dictionary: 20 GB once decoded
    path = _write(tmp_path / "long.parquet", {"name": _repeated(long, 50_000)})
    with pytest.raises(UnreadableFile, match="at most 32,767 characters"):
        _batches(path)


def test_repeated_values_are_read_in_batches_bounded_by_size(tmp_path: Path) -> None:
    value = "x" * 8_000
    path = _write(tmp_path / "repeated.parquet", {"external_id": [str(i) for i in range(50_000)],
                                                  "note": _repeated(value, 50_000)})  # fmt: skip
    assert path.stat().st_size < 1 * MB  # 400 MB of text once decoded
    frames = _batches(path)
    heights = [f.height for f in frames]  # type: ignore[attr-defined]
    assert sum(heights) == 50_000 and max(heights) < 50_000
    largest = max(f.estimated_size() for f in frames)  # type: ignore[attr-defined]
    assert largest < parquetsource.BATCH_BYTES + 16 * MB
    first = frames[0]
    assert first["c1"][0] == value and first["__line"][0] == 1  # type: ignore[index]


def test_bytes_that_are_not_text_are_refused_with_a_reason(tmp_path: Path) -> None:
    names = pa.array([b"\x00ok\xff", b"caf\xc3\xa9"], type=pa.binary())
    path = _write(tmp_path / "bytes.parquet", {"external_id": ["B-1", "B-2"], "name": names})
    with pytest.raises(UnreadableFile, match="holds bytes, not text"):
        _batches(path)


def test_a_list_cell_is_read_as_json_not_as_a_printout(tmp_path: Path) -> None:
    path = _write(tmp_path / "lists.parquet", {"external_id": ["L-1"], "tags": [["vip", "cz"]]})
    frame = _batches(path)[0]
    assert frame["c1"][0] == '["vip", "cz"]'  # type: ignore[index]


def test_three_thousand_columns_are_read_as_text(tmp_path: Path) -> None:
    wide = {f"col{i}": ["x", "y"] for i in range(3_000)}
    frame = _batches(_write(tmp_path / "wide.parquet", wide))[0]
    assert frame.width == 3_000 + 3  # type: ignore[attr-defined]  # and line, problem, raw
