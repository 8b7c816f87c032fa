"""Peak memory of a real server while it refuses or previews decompression bombs.

Issue 9, finding 3: a 16.8 MB workbook whose shared strings unpacked to 1.9 GB took the
server to 2.4 GB (6.5 GB after three views of its job page). This script starts
`centricity serve` on a fresh SQLite store in its own process, signs a manager in,
uploads bombs through the import page and samples the server's resident memory from
/proc (VmRSS every 20 ms, and the kernel's own peak, VmHWM).

Bombs:
* `probe`: like the probe's, ~17 MB on disk, shared strings unpacking to ~1.9 GB
  (refused from the zip directory: over the limit and over 100 times its size);
* `strings`: just under the default limits (~250 MB unpacked, ~15 times its size) but
  with ~200 MB of shared-string text, so it is refused while the strings are counted
  (at half the limit): the most memory the default `CENTRICITY_IMPORT_MAX_UNPACKED_BYTES`
  lets a workbook's strings take;
* `parquet-giant`: one 250 MB text cell in an ~8 KB Parquet file (refused from its metadata);
* `parquet-dictionary`: one 8,000-letter value repeated 50,000 times by the dictionary
  (~100 KB on disk, 400 MB of text decoded: previewed from a batch cut at ~16 MB);
* `wide-rows`: 2,000 rows with one stray cell in column XFD (~30 KB; rows were padded to
  16,384 cells).

    .venv/bin/python benchmarks/import_bomb.py              # every bomb
    .venv/bin/python benchmarks/import_bomb.py --bomb probe
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import re
import secrets
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
from bench_kit import DATA_DIR, REPO_DIR, write_result
from bench_kit.processes import centricity_env
from bench_kit.serving import serve_command
from bench_kit.staff import add_user, sign_in
from bench_kit.stores import migrate, session

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.web.deps import SESSION_COOKIE

DATA = DATA_DIR / "import_bomb"
sys.path.insert(0, str(REPO_DIR / "tests" / "imports"))
from xlsx_bombs import CHUNK, MAIN, _write_parts  # noqa: E402

EMAIL = "bench-manager@example.com"
LETTERS = bytes(range(97, 123)) * 10  # 260 entries: a byte maps to a letter by table


def _letters(count: int) -> bytes:
    return os.urandom(count).translate(bytes(LETTERS[b % 260] for b in range(256)))


def _strings_part(archive: zipfile.ZipFile, pieces: Any) -> None:
    with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
        part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
        part.write(b"<si><t>external_id</t></si><si><t>name</t></si><si><t>B-1</t></si>")
        for piece in pieces:
            part.write(piece)
        part.write(b"</sst>")


def probe_bomb(path: Path, unpacked: int) -> Path:
    """One huge shared string: runs of 'A' with some random letters, so it packs ~110
    times (as the probe's did) rather than the ~1,000 times of a plain run."""

    def pieces() -> Any:
        yield b"<si><t>"
        for _ in range(unpacked // CHUNK):
            yield _letters(11_200) + b"A" * (CHUNK - 11_200)
        yield b"</t></si>"

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive)
        _strings_part(archive, pieces())
    return path


def strings_bomb(path: Path, unpacked: int) -> Path:
    """Millions of 40-letter shared strings drawn from 200 words: a declared size just
    under the limit, packing ~15 times, but more text than the strings may hold."""
    words = [b"<si><t>" + _letters(40) + b"</t></si>" for _ in range(200)]

    def pieces() -> Any:
        count = CHUNK // len(words[0])
        for _ in range(unpacked // CHUNK):
            yield b"".join(words[b % 200] for b in os.urandom(count))

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive)
        _strings_part(archive, pieces())
    return path


def parquet_giant(path: Path, chars: int) -> Path:
    """One 250 MB text cell in an ~8 KB Parquet file (zstd packs the run)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"external_id": ["G-1"], "name": ["N" * chars]}), path,
                   compression="zstd")  # fmt: skip
    return path


def parquet_dictionary(path: Path, rows: int) -> Path:
    """One 8,000-letter value repeated by the dictionary: ~100 KB on disk, 400 MB of text
    once decoded for 50,000 rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = pa.DictionaryArray.from_arrays(
        pa.array([0] * rows, type=pa.int32()), pa.array(["n" * 8_000])
    )
    ids = pa.array([f"D-{i}" for i in range(rows)])
    pq.write_table(pa.table({"external_id": ids, "name": names}), path, compression="zstd")
    return path


def wide_rows(path: Path, rows: int) -> Path:
    """A 30 KB sheet whose rows each have one stray cell in the last column (XFD)."""
    cell = '<c r="{c}{n}" t="inlineStr"><is><t>{v}</t></is></c>'
    head = '<row r="1">' + cell.format(c="A", n=1, v="external_id") + cell.format(
        c="B", n=1, v="name") + "</row>"  # fmt: skip
    body = "".join(
        f'<row r="{n}">' + cell.format(c="A", n=n, v=f"W-{n}") + cell.format(c="XFD", n=n, v="x")
        + "</row>" for n in range(2, rows + 2)
    )  # fmt: skip
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive, sheet + head + body + "</sheetData></worksheet>")
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}"></sst>')
    return path


def make_store(folder: Path, secret: str) -> tuple[str, str]:
    """A migrated store with a manager signed in: (session cookie, CSRF token)."""
    url = f"sqlite:///{folder / 'centricity.db'}"
    migrate(url)
    accounts.use_secret(secret)
    with session(url) as db:
        add_user(db, email=EMAIL, name="Bench", password=secrets.token_hex(12),
                 role=Role.MANAGER, department="Sales")  # fmt: skip
    signed = sign_in(url, EMAIL, max_age_seconds=3600)
    return signed.cookie, signed.csrf


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    """A memory figure of a process from /proc (KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def unpacked_bytes(path: Path) -> int:
    """What the file's parts (XLSX) or row groups (Parquet) declare they unpack to."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(path).metadata
        return sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    return sum(i.file_size for i in zipfile.ZipFile(path).infolist())


def upload(base: str, cookie: str, csrf: str, path: Path, pid: int) -> dict[str, Any]:
    """Upload `path` while sampling the server's memory; the answer and the peaks."""
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(rss_kib(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    before = rss_kib(pid)
    sampler.start()
    began = time.monotonic()
    with path.open("rb") as handle, httpx.Client(base_url=base, timeout=600) as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        answer = client.post(
            "/imports",
            data={"csrf_token": csrf, "kind": "customers"},
            files={"file": (path.name, handle, "application/octet-stream")},
        )
    seconds = time.monotonic() - began
    time.sleep(0.2)
    done.set()
    sampler.join()
    found = re.search(r"(the (XLSX|Parquet) file|a row group)[^<]*", html.unescape(answer.text))
    return {
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "unpacked_mb": round(unpacked_bytes(path) / 1e6),
        "status": answer.status_code,
        "seconds": round(seconds, 2),
        "rss_before_mb": round(before / 1024),
        "rss_peak_sampled_mb": round(max(samples, default=0) / 1024),
        "rss_peak_hwm_mb": round(rss_kib(pid, "VmHWM") / 1024),
        "message": found.group(0).strip() if found else "",
    }


def main() -> None:
    """Build the bombs, serve, upload each, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    names = ["probe", "strings", "parquet-giant", "parquet-dictionary", "wide-rows"]
    parser.add_argument("--bomb", choices=[*names, "all"], default="all")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    store = DATA / f"store-{os.getpid()}"
    store.mkdir()
    secret = secrets.token_hex(32)
    cookie, csrf = make_store(store, secret)
    bombs = {
        "probe": (probe_bomb, 1_900_000_000, "xlsx"),
        "strings": (strings_bomb, 250_000_000, "xlsx"),
        "parquet-giant": (parquet_giant, 250_000_000, "parquet"),
        "parquet-dictionary": (parquet_dictionary, 50_000, "parquet"),
        "wide-rows": (wide_rows, 2_000, "xlsx"),
    }
    chosen = list(bombs) if args.bomb == "all" else [args.bomb]
    files = {
        name: bombs[name][0](DATA / f"{name}.{bombs[name][2]}", bombs[name][1]) for name in chosen
    }
    env = centricity_env(data_dir=str(store), secret_key=secret, scheduler_enabled="false",
                         log_level="WARNING")  # fmt: skip
    server = serve_command(env, args.port)
    try:
        results = {name: upload(f"http://127.0.0.1:{args.port}", cookie, csrf, path, server.pid)
                   for name, path in files.items()}  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = {"machine": f"{os.cpu_count()} CPU, {platform.platform()}, Python "
              f"{platform.python_version()}", "results": results}  # fmt: skip
    print(json.dumps(report, indent=2, ensure_ascii=False))
    write_result("import_bomb", report)


if __name__ == "__main__":
    main()
