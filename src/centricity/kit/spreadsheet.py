"""Spreadsheet cells that never run: the one escaping every export uses (customer CSV and
XLSX, quarantine files).

A spreadsheet evaluates a cell whose text starts with `=`, `+`, `-` or `@` (CSV injection:
`=HYPERLINK(...)` sends neighbouring cells away, DDE formulas start programs). Attackers
hide the sign behind characters that the export drops or the spreadsheet skips: control
characters (removed on the way into XLSX, since XML 1.0 cannot hold them; a check made
before that removal let `\\x01=HYPERLINK(...)` through as a formula), leading spaces,
tabs and line breaks (trimmed by some importers), zero-width and direction marks, and
look-alike signs (full-width `＝`, small `﹦`, which IMEs and some spreadsheets turn into
`=`). So `cell` cleans first and checks after, on the cleaned text: anything invisible at
the start is skipped, the first visible character is compared after NFKC folding, and a
formula-looking text gets a leading `'`, the spreadsheet convention for "this is text".
XLSX cells are also stored as strings whatever their content (`xlsx_cells`), so a
workbook never holds a formula (`<f>`) from our data.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# Everything XML 1.0 cannot hold (C0 controls but tab, CR and LF; lone surrogates; the
# non-characters U+FFFE and U+FFFF) plus DEL and the C1 controls, which no name or note
# needs and which spreadsheets treat inconsistently.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
FORMULA_SIGNS = ("=", "+", "-", "@", "\u2212")  # U+2212 MINUS SIGN: read as `-` by some
# Escaped whatever follows (OWASP lists tab and carriage return; a line feed does the same).
LEADING_ESCAPED = ("\t", "\r", "\n")


def _invisible(char: str) -> bool:
    """Characters a spreadsheet may skip or drop before the first sign it reads: spaces
    and separators, controls and format marks (zero-width, direction, BOM), combining
    marks with nothing to combine with, private-use and unassigned code points."""
    return char.isspace() or unicodedata.category(char)[0] in "CZM"


def clean(text: str) -> str:
    """The text without the characters a workbook cannot hold (see `_UNWRITABLE`)."""
    return _UNWRITABLE.sub("", text)


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could evaluate this (already cleaned) text."""
    if text.startswith(LEADING_ESCAPED):
        return True
    for char in text:
        if not _invisible(char):
            return unicodedata.normalize("NFKC", char).startswith(FORMULA_SIGNS)
    return False


def cell(value: Any) -> Any:
    """A value ready for a spreadsheet cell: text cleaned, then prefixed with `'` when it
    could run as a formula; times as ISO 8601 text; numbers and empty cells unchanged;
    anything else (a list from a JSON source) as its text, checked like text."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = clean(value if isinstance(value, str) else str(value))
    return "'" + text if looks_like_formula(text) else text


def unescape(text: str) -> str:
    """The text `cell` was given, when `text` is what `cell` made of it: a quarantine file
    fixed in a spreadsheet and imported again must not keep the protective apostrophe
    (`'+420 601 234 567` would no longer be a phone number). Other text is left alone."""
    if text.startswith("'") and looks_like_formula(text[1:]):
        return text[1:]
    return text


def xlsx_cells(sheet: Any, values: list[Any]) -> list[Any]:
    """One write-only XLSX row of `cell` values, every text stored as a string (`t="s"`),
    never as a formula, whatever it starts with."""
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    cells = []
    for value in values:
        safe = cell(value)
        written = WriteOnlyCell(sheet, value=safe)
        if isinstance(safe, str):
            written.data_type = "s"
        cells.append(written)
    return cells
