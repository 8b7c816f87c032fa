"""Column mapping: header names in six languages, overrides, saved mapping files."""

from __future__ import annotations

from pathlib import Path

import pytest

from centricity.imports import registry
from centricity.imports.check import mapping

HEADERS = {
    "en": ["Customer number", "Full name", "E-mail", "Phone", "Language", "Country"],
    "cs": ["Číslo zákazníka", "Jméno", "E-mail", "Telefon", "Jazyk", "Země"],
    "sv": ["Kundnummer", "Namn", "E-post", "Telefon", "Språk", "Land"],
    "lt": ["Kliento kodas", "Vardas", "El. paštas", "Telefonas", "Kalba", "Šalis"],
    "pl": ["Numer klienta", "Imię i nazwisko", "Adres e-mail", "Telefon", "Język", "Kraj"],
    "ru": ["Номер клиента", "ФИО", "Электронная почта", "Телефон", "Язык", "Страна"],
}
FIELDS = ["external_id", "name", "email", "phone", "preferred_language", "country"]


@pytest.mark.parametrize("language", sorted(HEADERS))
def test_it_maps_customer_headers_in_every_supported_language(language: str) -> None:
    found = mapping.auto_map(registry.get("customers"), HEADERS[language])
    assert [target for _header, target in found.pairs()] == FIELDS


def test_it_maps_order_and_contact_exports() -> None:
    orders = mapping.auto_map(
        registry.get("orders"),
        ["Číslo objednávky", "Zákazník", "Datum objednávky", "Celkem", "Měna", "Poznámka"],
    )
    assert orders.fields == {
        "external_id",
        "customer_external_id",
        "ordered_at",
        "total_amount",
        "currency",
    }
    assert orders.ignored() == ["Poznámka"]
    calls = mapping.auto_map(
        registry.get("interactions"),
        ["Kund", "Kanal", "Riktning", "Starttid", "Väntetid", "Samtalstid", "Anteckning"],
    )
    assert calls.fields == {
        "customer_external_id",
        "channel",
        "direction",
        "started_at",
        "waiting_seconds",
        "duration_seconds",
        "note",
    }


def test_line_is_a_line_number_except_as_the_quarantine_files_first_column() -> None:
    spec = registry.get("order-lines")
    plain = mapping.auto_map(spec, ["order", "line", "unit price"])
    assert plain.pairs() == [
        ("order", "order_external_id"),
        ("line", "line_number"),
        ("unit price", "unit_price"),
    ]
    fixed = mapping.auto_map(spec, ["line", "reason", "order", "line", "unit price"])
    assert [target for _header, target in fixed.pairs()] == [
        None,
        None,
        "order_external_id",
        "line_number",
        "unit_price",
    ]


def test_overrides_win_and_an_empty_target_ignores_a_column(tmp_path: Path) -> None:
    spec = registry.get("customers")
    found = mapping.auto_map(spec, ["id", "Name", "Mail", "Notes"])
    changed = mapping.apply_overrides(
        spec, found, mapping.parse_overrides(["Notes=postcode", "mail=", "#1=name"])
    )
    assert changed.columns() == {
        "id": "external_id",
        "Name": "name",
        "Mail": None,
        "Notes": "postcode",
    }
    with pytest.raises(mapping.MappingError, match="no field 'shoe_size'"):
        mapping.apply_overrides(spec, found, {"Notes": "shoe_size"})
    with pytest.raises(mapping.MappingError, match="no column named"):
        mapping.apply_overrides(spec, found, {"Nope": "name"})
    saved = tmp_path / "m.json"
    mapping.save_file(saved, spec, changed, {"decimal": ",", "ignored": 1})
    columns, options = mapping.load_file(saved)
    assert (
        columns["Notes"] == "postcode" and columns["Mail"] is None and options == {"decimal": ","}
    )


def test_it_says_which_required_columns_are_missing() -> None:
    spec = registry.get("orders")
    found = mapping.auto_map(spec, ["external_id", "total"])
    with pytest.raises(mapping.MappingError, match="customer_external_id, ordered_at, currency"):
        mapping.check_complete(spec, found)
    lines = registry.get("order-lines")
    partial = mapping.auto_map(lines, ["order", "price"])
    with pytest.raises(mapping.MappingError, match="rows cannot be identified"):
        mapping.check_complete(lines, partial)
