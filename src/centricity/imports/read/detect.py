"""Guess what a file does not say: its encoding, CSV delimiter, decimal mark, date order.

Every guess is only made where the evidence is unambiguous; otherwise the documented
default holds and the import notes the assumption (override with an option).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from centricity.imports import reasons
from centricity.kit.i18n import lazy

# Single-byte encodings of the exports this product meets (CZ, PL, SE, LT, RU, DE).
CANDIDATE_ENCODINGS = ("cp1250", "cp1252", "cp1257", "cp1251", "iso8859_2")
ENCODING_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "windows-1250": "cp1250",
    "windows-1251": "cp1251",
    "windows-1252": "cp1252",
    "windows-1257": "cp1257",
    "iso-8859-2": "iso8859_2",
    "latin2": "iso8859_2",
    "latin-2": "iso8859_2",
}
DELIMITERS = (";", ",", "\t", "|")
_COMMON_LETTERS = set(
    "áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ"  # Czech
    "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"  # Polish
    "åäöéÅÄÖÉüÜß"  # Swedish, German
    "ąčęėįšųūžĄČĘĖĮŠŲŪŽ"  # Lithuanian
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"  # Russian
    "–—€„“”‚‘’…•"  # punctuation office programs type
)


def canonical_encoding(name: str) -> str:
    """Map user spellings (`windows-1250`, `latin2`) to Python codec names, or fail."""
    key = name.strip().lower()
    codec = ENCODING_ALIASES.get(key, key.replace("-", "").replace("_", ""))
    allowed = {"utf-8", "utf8", *CANDIDATE_ENCODINGS, "iso88592"}
    if codec not in allowed:
        raise ValueError(
            lazy(
                "unsupported encoding %(name)s; use utf-8, windows-1250, windows-1251, "
                "windows-1252, windows-1257 or iso-8859-2",
                name=repr(name),
            )
        )
    return {"utf8": "utf-8", "iso88592": "iso8859_2"}.get(codec, codec)


def _score(text: str) -> int:
    score = 0
    for char in text:
        if char.isascii():
            continue
        score += 1 if char in _COMMON_LETTERS else -3
    return score


def guess_single_byte_encoding(sample: bytes) -> str:
    """Pick the candidate whose decoding yields the most plausible letters (ties: order)."""
    best, best_score = CANDIDATE_ENCODINGS[0], None
    for encoding in CANDIDATE_ENCODINGS:
        score = _score(sample.decode(encoding, errors="replace"))
        if best_score is None or score > best_score:
            best, best_score = encoding, score
    return best


def guess_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most, equally long, fields."""
    best, best_key = DELIMITERS[0], (-1, -1)
    for delimiter in DELIMITERS:
        counts = _field_counts(text, delimiter)
        if not counts:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        key = (int(counts[0] > 1 and consistent == len(counts)), counts[0])
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _field_counts(text: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    counts: list[int] = []
    try:
        for record in reader:
            if record:
                counts.append(len(record))
            if len(counts) >= 20:
                break
    except csv.Error:
        pass
    return counts[:-1] if len(counts) > 2 else counts  # the last record may be cut off


_COMMA_DECIMAL = re.compile(r"^[+-]?[\d.\s\u00a0]*\d,(\d{1,2}|\d{4,})\D*$|\d\.\d{3},\d")
_DOT_DECIMAL = re.compile(r"^[+-]?[\d,\s\u00a0]*\d\.(\d{1,2}|\d{4,})\D*$|\d,\d{3}\.\d")


def guess_decimal(values: Iterable[str]) -> tuple[str, str | None]:
    """Decide `,` or `.` from sample numbers; returns (mark, note when it was assumed)."""
    comma = dot = 0
    for value in values:
        text = value.strip()
        comma += bool(_COMMA_DECIMAL.search(text))
        dot += bool(_DOT_DECIMAL.search(text))
    if comma and not dot:
        return ",", None
    if dot and not comma:
        return ".", None
    if comma or dot:
        mark = "," if comma > dot else "."
        return mark, reasons.fill(reasons.BOTH_DECIMAL_MARKS, mark=mark)
    return ".", None


_SLASH_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/\d{4}")


def guess_day_first(values: Iterable[str]) -> tuple[bool, str | None]:
    """Slash dates: day first unless a value can only be month first (e.g. 12/31/2024)."""
    day_first = month_first = seen = False
    for value in values:
        match = _SLASH_DATE.match(value)
        if not match:
            continue
        seen = True
        first, second = int(match.group(1)), int(match.group(2))
        day_first |= first > 12
        month_first |= second > 12
    if month_first and not day_first:
        return False, None
    if seen and not day_first:
        return True, reasons.DAY_FIRST
    return True, None
