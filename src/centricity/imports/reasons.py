"""The English texts an import stores, and how the import pages show them translated.

A quarantined row's reason, a preview's notes and its mapping problem are stored in
English (staging and quarantine tables, the job's preview), written to quarantine files
and answered by the API exactly so. Each is built from one of the templates below with
`fill()`; the templates are marked for the catalog, so a page reads a stored text back
into its template and values (`shown()`, `reason_shown()`) and shows it in the viewer's
language. A text no template matches (a reason stored by an older version, a kind added
later) is shown as stored.

Values in the templates are the file's own words (field names of the file contract,
header names, choice codes): they stay as they are in every language.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from centricity.kit import localeformat
from centricity.kit.i18n import LazyText, Message, lazy, noop

# Several reasons of one row are stored joined by this.
SEPARATOR = "; "

# A record the reader could not split into fields (whole-row reasons).
CSV_UNPARSABLE = noop("cannot be parsed as CSV (check the quotes)")
NOT_JSON = noop("not valid JSON")
NOT_JSON_OBJECT = noop("not a JSON object")
FIELD_COUNT = noop("has %(count)s fields; the header has %(header)s")

# A field's value; `field` is the field's name in the file contract.
REQUIRED = noop("%(field)s: required")
NUL_CHARACTER = noop("%(field)s: contains a NUL character")
NOT_EMAIL = noop("%(field)s: not a valid e-mail address")
NOT_PHONE = noop("%(field)s: not a valid phone number (5+ digits)")
NOT_LANGUAGE = noop("%(field)s: use a two-letter code, e.g. cs")
NOT_COUNTRY = noop("%(field)s: use a two-letter code, e.g. CZ")
NOT_CURRENCY = noop("%(field)s: use a three-letter code, e.g. CZK")
NOT_NON_NEGATIVE = noop("%(field)s: not a non-negative number with at most %(places)s decimals")
NOT_NUMBER = noop("%(field)s: not a number with at most %(places)s decimals")
NOT_WHOLE_NUMBER = noop("%(field)s: not a whole number from %(low)s to %(high)s")
NOT_DATE = noop("%(field)s: not a date (use e.g. 2025-01-31 or 31.01.2025 14:30)")
NOT_RECENT_DATE = noop("%(field)s: not a date from 1970 to tomorrow")
NOT_A_CHOICE = noop("%(field)s: must be one of %(choices)s")
TOO_LONG = noop("%(field)s: longer than %(limit)s characters")
EMPTY_KEY = noop("%(field)s: empty, but it identifies the row")
# `fields`: the key's fields joined by "+".
DUPLICATE = noop("duplicate: an earlier row has the same %(fields)s")

# A record the row names does not exist, by the reference's label (`Reference.label`).
UNKNOWN_REFERENCE = {
    "customer": noop("%(field)s: no customer with this id"),
    "order": noop("%(field)s: no order with this id"),
    "product": noop("%(field)s: no product with this id"),
    "department": noop("%(field)s: no department with this name"),
    "user": noop("%(field)s: no member of staff with this e-mail address"),
    "customer e-mail": noop("%(field)s: no customer, or more than one, with this e-mail address"),
}
UNKNOWN_RECORD = "%(field)s: no %(label)s with this id"  # other labels: shown as stored
MERGED_AWAY = noop("external_id: merged into customer #%(id)s")
# A row naming a record the importer may not see: the same words as a taken id on the
# REST API, so it says nothing about the record that holds it. `fields`: joined by ", ".
UNAVAILABLE = noop("%(fields)s: not available: another record uses this id; choose another")
READ_ONLY = noop(
    "%(fields)s: names another department's contact; only that department can change it"
)
READ_ONLY_CASE = noop(
    "%(fields)s: names another department's case; only that department can change it"
)
# Rules between the fields of one row. `fields`: joined by ", "; `other`: a field name.
ONE_OF_REQUIRED = noop("%(fields)s: one of them is required")
ONLY_ONE_OF = noop("%(fields)s: give only one of them")
EARLIER_THAN = noop("%(field)s: earlier than %(other)s")
REQUIRED_WHEN_SOLVED = noop("%(field)s: required for a solved or closed case")
# Feedback: a source is a code, a score lies on its scale, an item says something.
NOT_SOURCE_CODE = noop("%(field)s: use a short lower-case code, e.g. review")
SCORE_WITHOUT_SCALE = noop("%(field)s: a score needs its scale: nps, csat, ces, stars or percent")
SCALE_WITHOUT_SCORE = noop("%(field)s: a scale needs a score")
NOT_ON_SCALE = noop(
    "%(field)s: not a score of this scale (nps 0–10, csat 1–5, ces 1–7, stars 1–5 in halves, "
    "percent 0–100)"
)
NOTHING_SAID = noop("%(fields)s: give a score, a text or both")
ONLY_WHEN_SOLVED = noop("%(field)s: only a solved or closed case has one")
OWN_DEPARTMENT_ONLY = noop("%(field)s: you can import only your own department's cases")
NOT_DEPARTMENT_STAFF = noop("%(field)s: not an active member of staff of the case's department")
READ_ONLY_EVENT = noop(
    "%(fields)s: names another department's event; only that department can change it"
)
OWN_DEPARTMENT_EVENTS = noop("%(field)s: you can import only your own department's events")
NOT_TIME_ZONE = noop("%(field)s: not an IANA time zone, e.g. Europe/Prague")

ROW_TEMPLATES = (
    CSV_UNPARSABLE,
    NOT_JSON,
    NOT_JSON_OBJECT,
    FIELD_COUNT,
    REQUIRED,
    NUL_CHARACTER,
    NOT_EMAIL,
    NOT_PHONE,
    NOT_LANGUAGE,
    NOT_COUNTRY,
    NOT_CURRENCY,
    NOT_NON_NEGATIVE,
    NOT_NUMBER,
    NOT_WHOLE_NUMBER,
    NOT_DATE,
    NOT_RECENT_DATE,
    NOT_A_CHOICE,
    TOO_LONG,
    EMPTY_KEY,
    DUPLICATE,
    *UNKNOWN_REFERENCE.values(),
    MERGED_AWAY,
    UNAVAILABLE,
    READ_ONLY,
    READ_ONLY_CASE,
    ONE_OF_REQUIRED,
    ONLY_ONE_OF,
    EARLIER_THAN,
    REQUIRED_WHEN_SOLVED,
    NOT_SOURCE_CODE,
    SCORE_WITHOUT_SCALE,
    SCALE_WITHOUT_SCORE,
    NOT_ON_SCALE,
    NOTHING_SAID,
    ONLY_WHEN_SOLVED,
    OWN_DEPARTMENT_ONLY,
    NOT_DEPARTMENT_STAFF,
    READ_ONLY_EVENT,
    OWN_DEPARTMENT_EVENTS,
    NOT_TIME_ZONE,
)

# Notes of a preview: what the importer assumed. `header` is quoted as Python writes it.
ALSO_LOOKS_LIKE = noop("column %(header)s also looks like %(field)s; ignored")
BOTH_DECIMAL_MARKS = noop("numbers use both decimal marks; assumed '%(mark)s' (set --decimal)")
DAY_FIRST = noop("dates like 01/02/2024 are read day first (set --date-format)")
NOTE_TEMPLATES = (ALSO_LOOKS_LIKE, BOTH_DECIMAL_MARKS, DAY_FIRST)

# A preview's problem: the mapping cannot work yet (the page lets people fix it).
MISSING_COLUMNS = noop(
    "required column(s) not found: %(missing)s; map them with --map 'HEADER=FIELD' "
    "(columns: %(columns)s)"
)
UNIDENTIFIABLE = noop("rows cannot be identified: map %(options)s")
PROBLEM_TEMPLATES = (MISSING_COLUMNS, UNIDENTIFIABLE)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_ANYTHING = ".+?"
# A value inside one reason of a row never holds the separator (field names, codes).
_WITHIN_REASON = "(?:(?!; ).)+?"


def fill(template: str, **values: Any) -> str:
    """The English text of a template with its values (what is stored)."""
    return template % values


class LocalNumber:
    """A number in a message, written as the viewer writes numbers (`1 048 576` in Czech;
    `1,048,576` in English, outside pages too)."""

    __slots__ = ("value",)

    def __init__(self, value: int) -> None:
        self.value = value

    def __str__(self) -> str:
        return localeformat.number(self.value)


class Joined(LazyText):
    """Several texts shown one after another, each in the viewer's language."""

    __slots__ = ("_parts", "_separator")

    def __init__(self, english: str, parts: list[Message], separator: str = SEPARATOR) -> None:
        super().__init__(english)
        self._parts = tuple(parts)
        self._separator = separator

    def __str__(self) -> str:
        return self._separator.join(str(part) for part in self._parts)


@cache
def _patterns(templates: tuple[str, ...], value: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each template with a regular expression that matches its filled-in texts."""
    compiled = []
    for template in templates:
        pieces = _PLACEHOLDER.split(template)  # text, name, text, name, ..., text
        pattern = "".join(
            f"(?P<{piece}>{value})" if index % 2 else re.escape(piece)
            for index, piece in enumerate(pieces)
        )
        compiled.append((template, re.compile(pattern, re.DOTALL)))
    return tuple(compiled)


def _read_back(text: str, templates: tuple[str, ...], value: str) -> LazyText | None:
    for template, pattern in _patterns(templates, value):
        found = pattern.fullmatch(text)
        if found is not None:
            return lazy(template, **found.groupdict())
    return None


def shown(text: str, templates: tuple[str, ...] = NOTE_TEMPLATES + PROBLEM_TEMPLATES) -> Message:
    """A stored note or problem for a page: translated when a template made it."""
    return _read_back(text, templates, _ANYTHING) or text


def reason_shown(reason: str) -> Message:
    """A stored row reason (one or several, joined by `SEPARATOR`) for a page, each part
    translated when a template made it."""
    pieces = reason.split(SEPARATOR)
    parts: list[Message] = []
    start = 0
    while start < len(pieces):
        # A template may itself hold the separator: try the longest run of pieces first.
        for end in range(len(pieces), start, -1):
            found = _read_back(SEPARATOR.join(pieces[start:end]), ROW_TEMPLATES, _WITHIN_REASON)
            if found is not None:
                parts.append(found)
                start = end
                break
        else:
            parts.append(pieces[start])
            start += 1
    return parts[0] if len(parts) == 1 else Joined(reason, parts)


def message_of(exc: BaseException) -> Message:
    """An exception's message as it was raised: a lazy text stays lazy, so a page shows
    it in the viewer's language (`str(exc)` is English outside a page)."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, LazyText) else str(exc)
