"""Cell parsing: decimal commas, European dates, durations, spelled-out choices."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from centricity.imports import registry
from centricity.imports.check.fields import Formats, parse_field
from centricity.imports.registry import FieldSpec, FieldType


def _parse(
    spec: FieldSpec, values: list[str | None], **formats: object
) -> list[tuple[object, object]]:
    parsed = parse_field(spec, pl.Series(values, dtype=pl.String), Formats(**formats))  # type: ignore[arg-type]
    return list(zip(parsed.value.to_list(), parsed.error.to_list(), strict=True))


@pytest.mark.parametrize(
    ("decimal", "text", "expected"),
    [
        (",", "1 234,50 Kč", "1234.50"),
        (",", "1.234,5", "1234.50"),
        (",", "-12", "-12.00"),
        (",", "99-", "-99.00"),
        (".", "1,234.50", "1234.50"),
        (".", "€ 0.5", "0.50"),
        (".", "12.3000", "12.30"),
    ],
)
def test_it_reads_amounts_in_either_notation(decimal: str, text: str, expected: str) -> None:
    assert _parse(FieldSpec("total", FieldType.DECIMAL), [text], decimal=decimal) == [
        (expected, None)
    ]


def test_it_rejects_amounts_it_cannot_read_exactly() -> None:
    spec = FieldSpec("cost", FieldType.DECIMAL, minimum=0)
    results = _parse(spec, ["12.345", "abc", "-1", "1.234,5"], decimal=".")
    assert [value for value, _ in results] == [None] * 4
    assert results[0][1] == "cost: not a non-negative number with at most 2 decimals"


def test_it_reads_iso_and_european_dates_in_one_column() -> None:
    values = [
        "2025-01-05",
        "5.1.2025 10:30",
        "5. 1. 2025",
        "05/01/2025 08:00:00",
        "2025-01-05T10:00:00+01:00",
        "2025-01-05T10:00:00Z",
        "30.2.2025",
        "yesterday",
    ]
    parsed = _parse(FieldSpec("at", FieldType.DATETIME), values)
    assert [v for v, _ in parsed] == [
        datetime(2025, 1, 5),
        datetime(2025, 1, 5, 10, 30),
        datetime(2025, 1, 5),
        datetime(2025, 1, 5, 8),
        datetime(2025, 1, 5, 9),
        datetime(2025, 1, 5, 10),
        None,
        None,
    ]
    month_first = _parse(FieldSpec("at", FieldType.DATETIME), ["12/31/2024"], day_first=False)
    assert month_first == [(datetime(2024, 12, 31), None)]


def test_local_times_are_stored_in_utc_and_formats_can_be_given() -> None:
    prague = _parse(
        FieldSpec("at", FieldType.DATETIME), ["2025-07-01 12:00"], timezone="Europe/Prague"
    )
    assert prague == [(datetime(2025, 7, 1, 10), None)]
    given = _parse(FieldSpec("at", FieldType.DATETIME), ["01|07|2025"], date_format="DD|MM|YYYY")
    assert given == [(datetime(2025, 7, 1), None)]


def test_contacts_take_clock_durations_and_refuse_the_future() -> None:
    seconds = _parse(
        FieldSpec("d", FieldType.SECONDS, maximum=604800),
        ["90", "1:30", "01:01:30", "2,5"],
        decimal=",",
    )
    assert [v for v, _ in seconds] == [90, 90, 3690, None]
    future = _parse(
        FieldSpec("at", FieldType.DATETIME, not_future=True), ["2999-01-01", "1960-01-01"]
    )
    assert [e for _, e in future] == ["at: not a date from 1970 to tomorrow"] * 2


def test_channels_and_directions_are_understood_in_six_languages() -> None:
    spec = registry.get("interactions")
    channels = _parse(
        spec.field("channel"), ["Telefon", "E-post", "el. paštas", "Телефон", "czat", "fax"]
    )
    assert [v for v, _ in channels] == ["phone", "email", "email", "phone", "chat", None]
    assert channels[-1][1] == (
        "channel: must be one of chat, email, letter, other, phone, social, visit"
    )
    directions = _parse(spec.field("direction"), ["Příchozí", "utgående", "Входящий", "out"])
    assert [v for v, _ in directions] == ["inbound", "outbound", "inbound", "outbound"]


def test_text_rules_match_the_api_schemas() -> None:
    email = _parse(FieldSpec("email", FieldType.EMAIL), ["Jana@Example.CZ", "jana@", "a\x00@b.cz"])
    assert [v for v, _ in email] == ["jana@example.cz", None, None]
    assert email[2][1] == "email: contains a NUL character"
    name = _parse(FieldSpec("name", required=True, max_length=5), ["  Jana  ", "", "Dvořáková"])
    assert name == [
        ("Jana", None),
        (None, "name: required"),
        (None, "name: longer than 5 characters"),
    ]
    codes = _parse(FieldSpec("lang", FieldType.LANGUAGE), ["CS", "sv-SE", "czech"])
    assert [v for v, _ in codes] == ["cs", "sv", None]
