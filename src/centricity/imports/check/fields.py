"""Vectorised cell parsing: each source column becomes a typed Polars Series plus errors.

Whole batches are checked at once (no Python loop per row), which lets an import
validate every row and still keep up with the database. Steps are evaluated eagerly so
no intermediate result is computed twice, and dates try Polars' native `strptime`
formats first, falling back to the forgiving regular-expression parser only for the rows
those formats miss. Messages never quote the value: they end up in quarantine reasons
and stored API answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import polars as pl

from centricity.imports import reasons as r
from centricity.imports.registry import FieldSpec, FieldType
from centricity.kit import spreadsheet
from centricity.kit.time import utcnow
from centricity.kit.validation import EMAIL_PATTERN, PHONE_PATTERN

_SPECIAL_LETTERS = {"ß": "ss", "ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i"}
_CURRENCY_SIGNS = {"€": "EUR", "kč": "CZK", "zł": "PLN", "₽": "RUB", "руб": "RUB", "£": "GBP"}
_TIME = r"(?:(?:[T ]|, ?)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
_ZONE = r"\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$"
# (pattern, which groups hold year, month, day); slash dates are day-first unless detected.
_PATTERNS = {
    "iso": (r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + _ZONE, ("1", "2", "3")),
    "ymd": (r"^(\d{4})[./](\d{1,2})[./](\d{1,2})\.?" + _TIME + _ZONE, ("1", "2", "3")),
    "dmy": (r"^(\d{1,2})[.\-](\d{1,2})[.\-](\d{4})" + _TIME + _ZONE, ("3", "2", "1")),
    "dmy_slash": (r"^(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME + _ZONE, ("3", "2", "1")),
    "mdy_slash": (r"^(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME + _ZONE, ("3", "1", "2")),
}
_CLOCKS = ("%H:%M:%S%.f", "%H:%M:%S", "%H:%M")
_FAST_DATES = ("%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d")
_TOKENS = (
    ("YYYY", "%Y"),
    ("YY", "%y"),
    ("MM", "%m"),
    ("DD", "%d"),
    ("HH", "%H"),
    ("mm", "%M"),
    ("ss", "%S"),
)


@dataclass(frozen=True)
class Formats:
    """How numbers and dates are written in this file (detected or given)."""

    decimal: str = "."
    day_first: bool = True
    date_format: str | None = None
    timezone: str = "UTC"
    date_hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Parsed:
    """A field's typed values (null when empty or invalid) and its error messages."""

    value: pl.Series
    error: pl.Series


def _where(mask: pl.Series, then: Any, otherwise: Any = None) -> pl.Series:
    return pl.select(pl.when(mask).then(then).otherwise(otherwise)).to_series()


def fold(text: pl.Series) -> pl.Series:
    """Lower-case and strip diacritics, so `Příchozí` matches `prichozi`."""
    lowered = text.str.to_lowercase().str.replace_many(_SPECIAL_LETTERS)
    return lowered.str.normalize("NFKD").str.replace_all(r"\p{M}", "")


def strftime_format(text: str) -> str:
    """Accept `DD.MM.YYYY HH:mm` as well as `%d.%m.%Y %H:%M` for `--date-format`."""
    if "%" in text:
        return text
    for token, code in _TOKENS:
        text = text.replace(token, code)
    return text


def _localise(naive: pl.Series, timezone: str) -> pl.Series:
    if timezone == "UTC":
        return naive
    local = naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    return local.dt.convert_time_zone("UTC").dt.replace_time_zone(None)


def _offset_seconds(zone: pl.Series) -> pl.Series:
    digits = zone.str.replace_all(r"[^0-9]", "")
    hours = digits.str.slice(0, 2).cast(pl.Int64, strict=False).fill_null(0)
    minutes = digits.str.slice(2, 2).cast(pl.Int64, strict=False).fill_null(0)
    sign = _where(zone.str.starts_with("-"), -1, 1)
    return _where(zone.is_in(["Z", "UTC"]), 0, sign * (hours * 3600 + minutes * 60))


def _from_pattern(text: pl.Series, name: str, timezone: str) -> pl.Series:
    pattern, order = _PATTERNS[name]
    parts = text.str.extract_groups(pattern).struct.unnest()
    year, month, day = (parts[i] for i in order)
    fraction = parts["7"].fill_null("0").str.pad_end(6, "0").str.slice(0, 6)
    canonical = pl.select(
        pl.format(
            "{}-{}-{} {}:{}:{}.{}",
            year,
            month.str.zfill(2),
            day.str.zfill(2),
            parts["4"].fill_null("0").str.zfill(2),
            parts["5"].fill_null("00"),
            parts["6"].fill_null("0").str.zfill(2),
            fraction,
        )
    ).to_series()
    naive = canonical.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S%.f", strict=False)
    zone = parts["8"]
    shifted = naive - pl.select(pl.duration(seconds=pl.lit(_offset_seconds(zone)))).to_series()
    return _where(zone.is_null(), _localise(naive, timezone), shifted)


def _fast_formats(day_first: bool) -> list[tuple[str, bool]]:
    """Native formats to try, each with whether it is already UTC (a literal Z)."""
    slash = "%d/%m/%Y" if day_first else "%m/%d/%Y"
    dates = (*_FAST_DATES, slash)
    timed = [(f"{d}{sep}{c}", False) for d in dates for sep in (" ", "T") for c in _CLOCKS]
    zulu = [(f"%Y-%m-%dT{c}Z", True) for c in _CLOCKS[:2]]
    return [*timed, *zulu, *((d, False) for d in dates)]


def date_hints(text: pl.Series, day_first: bool) -> tuple[str, ...]:
    """The native formats that read a sample of dates, most useful first (tried first)."""
    remaining = text.str.strip_chars().drop_nulls()
    found: list[str] = []
    for fmt, _utc in _fast_formats(day_first):
        if remaining.is_empty():
            break
        parsed = remaining.str.strptime(pl.Datetime("us"), fmt, strict=False)
        if parsed.null_count() < len(parsed):
            found.append(fmt)
            remaining = remaining.filter(parsed.is_null())
    return tuple(found)


def _ordered_formats(formats: Formats) -> list[tuple[str, bool]]:
    candidates = _fast_formats(formats.day_first)
    hinted = [c for h in formats.date_hints for c in candidates if c[0] == h]
    return [*hinted, *(c for c in candidates if c[0] not in formats.date_hints)]


def parse_datetime(text: pl.Series, formats: Formats) -> pl.Series:
    """Parse ISO, day-first European and (when detected) month-first dates to naive UTC."""
    if formats.date_format:
        fmt = strftime_format(formats.date_format)
        parsed = text.str.strptime(pl.Datetime("us"), fmt, strict=False)
        if "%z" in fmt or "%:z" in fmt:
            return parsed.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return _localise(parsed, formats.timezone)
    result = pl.Series(text.name, [None] * len(text), dtype=pl.Datetime("us"))
    for fmt, utc in _ordered_formats(formats):
        missing = result.is_null() & text.is_not_null()
        if not missing.any():
            break
        parsed = text.str.strptime(pl.Datetime("us"), fmt, strict=False)
        if parsed.null_count() == len(parsed):
            continue
        result = _where(missing, parsed if utc else _localise(parsed, formats.timezone), result)
    missing = result.is_null() & text.is_not_null()
    if missing.any():
        result = result.scatter(missing.arg_true(), _forgiving(text.filter(missing), formats))
    return result


def _forgiving(text: pl.Series, formats: Formats) -> pl.Series:
    cleaned = text.str.replace_all(r"\s+", " ")
    for _ in range(2):  # "5. 1. 2025": matches overlap, so a second pass catches the rest
        cleaned = cleaned.str.replace_all(r"(\d)\. (\d)", "${1}.${2}")
    slash = "dmy_slash" if formats.day_first else "mdy_slash"
    candidates = [_from_pattern(cleaned, n, formats.timezone) for n in ("iso", "ymd", "dmy", slash)]
    return pl.select(pl.coalesce(candidates)).to_series()


def normalise_decimal(text: pl.Series, decimal: str) -> pl.Series:
    """`1 234,50 Kč` → `1234.50`; null when the text is not a number in this notation."""
    compact = text.str.replace_all(r"[\s\u00a0\u202f']", "")
    compact = compact.str.replace(r"^[^\d+\-.,]+", "").str.replace(r"[^\d.,\-]+$", "")
    compact = compact.str.replace(r"^([0-9][0-9.,]*)-$", "-${1}")
    thousands = "." if decimal == "," else ","
    t, d = "\\" + thousands, "\\" + decimal
    valid = compact.str.contains(rf"^[+-]?(\d{{1,3}}({t}\d{{3}})+|\d+)({d}\d+)?$")
    plain = compact.str.replace_all(thousands, "", literal=True)
    plain = plain.str.replace(decimal, ".", literal=True).str.replace(r"^\+", "")
    if decimal == ",":
        # A dot followed by other than exactly three digits cannot start a thousands
        # group: it is a decimal dot whatever the file's mark (typed spreadsheet and JSON
        # numbers are written so; see `sources.typed_number_text`).
        dotted = compact.str.contains(r"^[+-]?\d+\.(\d{1,2}|\d{4,})$")
        plain = _where(dotted, compact.str.replace(r"^\+", ""), plain)
        valid = valid | dotted
    return _where(valid, plain)


def _canonical_number(plain: pl.Series, places: int) -> tuple[pl.Series, pl.Series]:
    """`-0012.3400` → `-12.34` with `places` decimals; also says which lose precision."""
    parts = plain.str.extract_groups(r"^(-?)(\d+)(?:\.(\d+))?$").struct.unnest()
    fraction = parts["3"].fill_null("").str.strip_chars_end("0")
    digits = parts["2"].str.strip_chars_start("0")
    digits = _where(digits == "", pl.lit("0"), digits)
    too_precise = (fraction.str.len_chars() > places) | (digits.str.len_chars() > 12)
    pieces = [parts["1"], digits, pl.lit("."), fraction.str.pad_end(places, "0")]
    text = pl.select(pl.concat_str(pieces if places else pieces[:2])).to_series()
    return text, too_precise.fill_null(False)


def _whole_number(text: pl.Series, formats: Formats) -> pl.Series:
    number, fractional = _canonical_number(normalise_decimal(text, formats.decimal), 0)
    return _where(fractional, None, number.cast(pl.Int64, strict=False))


def _seconds(text: pl.Series, formats: Formats) -> pl.Series:
    clock = text.str.extract_groups(r"^(\d+):(\d{1,2})(?::(\d{1,2}))?$").struct.unnest()
    a, b, c = (clock[i].cast(pl.Int64, strict=False) for i in ("1", "2", "3"))
    from_clock = _where(c.is_null(), a * 60 + b, a * 3600 + b * 60 + c)
    return pl.select(pl.coalesce(from_clock, _whole_number(text, formats))).to_series()


def _choice(text: pl.Series, spec: FieldSpec) -> Checked:
    choices = dict(spec.choices or {})
    key = fold(text).str.replace_all(r"[\s_\-.]+", "")
    value = key.replace_strict(choices, default=None, return_dtype=pl.String)
    allowed = ", ".join(sorted(set(choices.values())))
    return value, value.is_null(), (r.NOT_A_CHOICE, {"choices": allowed})


# A message: its template (`reasons.py`) and values besides the field's name.
Problem = tuple[str, dict[str, Any]]
Checked = tuple[pl.Series, pl.Series, Problem]


def _decimal(text: pl.Series, spec: FieldSpec, formats: Formats) -> Checked:
    plain = normalise_decimal(text, formats.decimal)
    value, too_precise = _canonical_number(plain, spec.places)
    invalid = plain.is_null() | too_precise
    if spec.minimum is not None and spec.minimum >= 0:
        negative = value.str.starts_with("-") & value.str.contains(r"[1-9]")
        return (
            value,
            invalid | negative.fill_null(False),
            (r.NOT_NON_NEGATIVE, {"places": spec.places}),
        )
    return value, invalid, (r.NOT_NUMBER, {"places": spec.places})


def _integer(value: pl.Series, spec: FieldSpec) -> Checked:
    low, high = spec.minimum or 0, spec.maximum or 2**31 - 1
    invalid = value.is_null() | (value < low).fill_null(True) | (value > high).fill_null(True)
    return value, invalid, (r.NOT_WHOLE_NUMBER, {"low": low, "high": high})


def _datetime(text: pl.Series, spec: FieldSpec, formats: Formats) -> Checked:
    value = parse_datetime(text, formats)
    year = value.dt.year()
    invalid = value.is_null() | ((year < 1900) | (year > 2100)).fill_null(True)
    if not spec.not_future:
        return value, invalid, (r.NOT_DATE, {})
    tomorrow = utcnow().replace(tzinfo=None) + timedelta(days=1)
    late = ((year < 1970) | (value > tomorrow)).fill_null(True)
    return value, invalid | late, (r.NOT_RECENT_DATE, {})


def _code(text: pl.Series, pattern: str, upper: bool) -> pl.Series:
    code = text.str.extract(pattern, 1)
    return code.str.to_uppercase() if upper else code.str.to_lowercase()


def _typed(text: pl.Series, spec: FieldSpec, formats: Formats) -> Checked:
    kind = spec.type
    if kind is FieldType.EMAIL:
        bad = ~text.str.contains(EMAIL_PATTERN) | (text.str.len_chars() > 254)
        return text.str.to_lowercase(), bad, (r.NOT_EMAIL, {})
    if kind is FieldType.PHONE:
        bad = ~text.str.contains(PHONE_PATTERN) | (text.str.len_chars() > 50)
        return text, bad, (r.NOT_PHONE, {})
    if kind is FieldType.LANGUAGE:
        code = _code(text, r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]{2,8})?$", upper=False)
        return code, code.is_null(), (r.NOT_LANGUAGE, {})
    if kind is FieldType.COUNTRY:
        code = _code(text, r"^([A-Za-z]{2})$", upper=True)
        return code, code.is_null(), (r.NOT_COUNTRY, {})
    if kind is FieldType.CURRENCY:
        named = text.str.to_lowercase().replace(_CURRENCY_SIGNS)
        code = _code(named, r"^([A-Za-z]{3})$", upper=True)
        return code, code.is_null(), (r.NOT_CURRENCY, {})
    if kind is FieldType.DECIMAL:
        return _decimal(text, spec, formats)
    if kind is FieldType.INTEGER:
        return _integer(_whole_number(text, formats), spec)
    if kind is FieldType.SECONDS:
        return _integer(_seconds(text, formats), spec)
    if kind is FieldType.DATETIME:
        return _datetime(text, spec, formats)
    if kind is FieldType.BOOLEAN:
        value, invalid, problem = _choice(text, spec)
        return value == "true", invalid, problem
    if kind is FieldType.CHOICE:
        return _choice(text, spec)
    limit = spec.max_length or 10_000
    return text, text.str.len_chars() > limit, (r.TOO_LONG, {"limit": limit})


def _unescaped(source: pl.Series) -> pl.Series:
    """Cells our own exports protected with a leading apostrophe, read back as they were."""
    rows = source.str.starts_with("'").fill_null(False).arg_true()
    if rows.is_empty():
        return source
    values = [spreadsheet.unescape(v) for v in source.gather(rows).to_list()]
    return source.clone().scatter(rows, pl.Series(values, dtype=pl.String))


def parse_field(spec: FieldSpec, source: pl.Series, formats: Formats) -> Parsed:
    """Parse one source column for `spec`: blank cells are null, bad ones get a message."""
    stripped = _unescaped(source).str.strip_chars()
    text = _where(stripped != "", stripped)
    present = text.is_not_null()
    value, invalid, (template, values) = _typed(text, spec, formats)
    has_nul = text.str.contains("\x00", literal=True).fill_null(False)
    bad = present & invalid.fill_null(True)
    error = pl.select(
        pl.when(~present & pl.lit(spec.required))
        .then(pl.lit(r.fill(r.REQUIRED, field=spec.name)))
        .when(has_nul)
        .then(pl.lit(r.fill(r.NUL_CHARACTER, field=spec.name)))
        .when(bad)
        .then(pl.lit(r.fill(template, field=spec.name, **values)))
        .otherwise(None)
    ).to_series()
    clean = _where(present & error.is_null(), value)
    return Parsed(value=clean.alias(spec.name), error=error.alias(f"__error_{spec.name}"))
