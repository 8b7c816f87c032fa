"""Every column of every table must say what it holds about a person."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table

import centricity.models  # noqa: F401  (completes the metadata)
from centricity.db import Base
from centricity.privacy import registry
from centricity.privacy.registry import Classification, unclassified_columns


def test_it_classifies_every_column_of_every_table() -> None:
    missing = unclassified_columns(Base.metadata)
    assert missing == [], (
        "unclassified columns (add them to the owning domain's privacy.py): " + ", ".join(missing)
    )


def test_it_has_no_classification_for_columns_that_do_not_exist() -> None:
    assert registry.stale_classifications(Base.metadata) == []


def test_it_uses_only_known_classes() -> None:
    for table, columns in registry.classification().items():
        for column, value in columns.items():
            assert isinstance(value, Classification), f"{table}.{column}"


def test_it_reports_a_new_unclassified_column() -> None:
    metadata = MetaData()
    Table("customers", metadata, Column("id", Integer), Column("shoe_size", String))
    Table("new_things", metadata, Column("id", Integer))
    assert unclassified_columns(metadata) == ["customers.shoe_size", "new_things.id"]


def test_it_refuses_a_table_classified_by_two_domains(monkeypatch: pytest.MonkeyPatch) -> None:
    modules = registry.DOMAIN_PRIVACY_MODULES
    monkeypatch.setattr(registry, "DOMAIN_PRIVACY_MODULES", (*modules, modules[0]))
    with pytest.raises(ValueError, match="more than one domain"):
        registry.classification()


def test_it_marks_personal_values_personal_and_hashes_secret() -> None:
    spec = registry.classification()
    for table, column in [
        ("customers", "name"),
        ("customers", "email"),
        ("customers", "phone"),
        ("customers", "postcode"),
        ("customers", "attributes"),
        ("contact_people", "email"),
        ("interactions", "note"),
        ("users", "email"),
    ]:
        assert spec[table][column] is Classification.PERSONAL, f"{table}.{column}"
    assert spec["users"]["password_hash"] is Classification.SECRET
    assert spec["api_tokens"]["token_hash"] is Classification.SECRET


def test_it_documents_every_personal_and_secret_column() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text("utf-8")
    undocumented = [
        f"{table}.{column}"
        for table, columns in registry.classification().items()
        for column, value in columns.items()
        if value in (Classification.PERSONAL, Classification.SECRET)
        and f"`{table}.{column}`" not in guide
    ]
    assert undocumented == [], "add these to docs/privacy.md: " + ", ".join(undocumented)
