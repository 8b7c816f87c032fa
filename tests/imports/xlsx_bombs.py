"""Hand-built XLSX files for the decompression limits: small on disk, large unpacked.

A workbook is a zip of XML parts; these write the few parts openpyxl needs, with the
shared strings or the sheet made as large (and as compressible) as a test asks.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS_TYPE}"/>
</Types>"""
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}"><Relationship Id="rId1"
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
Target="xl/workbook.xml"/></Relationships>"""
BOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>
<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
BOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}">
<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
HEADER_SHEET = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>
</sheetData></worksheet>"""
CHUNK = 1024 * 1024


def _write_parts(archive: zipfile.ZipFile, sheet: str | None = None) -> None:
    archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    archive.writestr("_rels/.rels", ROOT_RELS)
    archive.writestr("xl/workbook.xml", BOOK)
    archive.writestr("xl/_rels/workbook.xml.rels", BOOK_RELS)
    archive.writestr("xl/worksheets/sheet1.xml", sheet or HEADER_SHEET)


def _stream(archive: zipfile.ZipFile, name: str, pieces: Iterable[bytes]) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        for piece in pieces:
            part.write(piece)


def strings_bomb(path: Path, unpacked: int) -> Path:
    """A customers workbook with about `unpacked` bytes of extra shared strings, each a
    thousand 'A's (a cell may hold 32,767 characters; deflate packs these ~1,000 times)."""
    item = b"<si><t>" + b"A" * 1_000 + b"</t></si>"
    per_block = max(1, CHUNK // len(item))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive)
        head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'
        names = "<si><t>external_id</t></si><si><t>name</t></si><si><t>B-1</t></si>"

        def pieces() -> Iterable[bytes]:
            yield (head + names).encode()
            left = -(-unpacked // len(item))  # whole items: at least `unpacked` bytes
            while left > 0:
                yield item * min(per_block, left)
                left -= per_block
            yield b"</sst>"

        _stream(archive, "xl/sharedStrings.xml", pieces())
    return path


def sheet_of(path: Path, rows_xml: str) -> Path:
    """A workbook whose sheet data is `rows_xml` (cells as inline strings or numbers)."""
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive, sheet + rows_xml + "</sheetData></worksheet>")
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}"></sst>')
    return path


def inline_row(number: int, *values: str) -> str:
    """One sheet row of inline-string cells."""
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'
