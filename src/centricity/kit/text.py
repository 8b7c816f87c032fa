"""Text folding for search: `dvorakova` must find `Dvořáková` on every engine."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters that NFKD does not decompose into base + combining mark.
_SPECIAL = str.maketrans(
    {"ß": "ss", "ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"}
)


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics and squeeze spaces, so searches ignore accents and case."""
    if not text:
        return ""
    lowered = text.casefold().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(
        ch for ch in decomposed if not unicodedata.combining(ch) and ch.isprintable()
    )
    return _SPACES.sub(" ", stripped).strip()


def digits(text: str | None) -> str:
    """Keep only the digits of a phone number, so `+420 601 234 567` matches `601234567`."""
    return "".join(ch for ch in text or "" if ch.isdigit())


def search_key(*parts: str | None) -> str:
    """Build the folded search key stored beside a record (name, e-mail, phone, ids)."""
    pieces = [fold(p) for p in parts if p]
    return " ".join(p for p in pieces if p)


def size_text(size: int) -> str:
    """A number of bytes as people read it in a message ("256 MB", "512 KB")."""
    if size < 1024 * 1024:
        return f"{size / 1024:,.0f} KB"
    return f"{size / (1024 * 1024):,.0f} MB"
