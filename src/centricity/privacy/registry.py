"""The personal-data registry: how every column is classified and who "the person" is.

Each domain declares its tables in its own `privacy.py` (CLASSIFICATION, export, erase);
this module collects them so a test can fail when a new column is left unclassified.
"""

from __future__ import annotations

import base64
import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, cast

from sqlalchemy import MetaData
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session


class Classification(StrEnum):
    """What a column holds about a person; erasure and export follow the class."""

    PERSONAL = "personal"
    """Identifies or describes a person (names, e-mails, phones, notes): erased."""
    PSEUDONYMOUS = "pseudonymous"
    """Ids, links, activity times, coarse facts: kept, they point at an anonymised record."""
    NONE = "none"
    """No personal data at all."""
    SECRET = "secret"
    """Hashes and tokens: never exported; deleted with the account they protect."""


@dataclass(frozen=True)
class PersonRef:
    """Every record that belongs to one person, found by e-mail across the domains."""

    email: str
    customer_ids: tuple[int, ...] = ()
    contact_person_ids: tuple[int, ...] = ()
    user_ids: tuple[int, ...] = ()
    emails: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        """Tell whether any customer, contact person or staff user matched."""
        return bool(self.customer_ids or self.contact_person_ids or self.user_ids)

    @property
    def all_emails(self) -> tuple[str, ...]:
        """The searched address plus every address on the person's rows, lower-cased."""
        return tuple(sorted({self.email.strip().lower(), *(e.lower() for e in self.emails)}))


Tables = dict[str, dict[str, Classification]]
Export = dict[str, list[dict[str, Any]]]


class DomainPrivacy(Protocol):
    """What a domain's `privacy.py` module provides."""

    CLASSIFICATION: Tables

    def export(self, session: Session, person: PersonRef) -> Export:
        """Return the person's rows, table by table, without SECRET columns."""

    def erase(self, session: Session, person: PersonRef) -> dict[str, int]:
        """Anonymise or delete the person's data and count the changed rows per table."""


# Erasure runs in this order; a new domain with personal data adds its module here.
DOMAIN_PRIVACY_MODULES: tuple[str, ...] = (
    "centricity.imports.privacy",  # first: it matches rows by external ids customers erase
    "centricity.telephony.privacy",  # before customers: it matches calls by phone number
    "centricity.customers.privacy",
    "centricity.interactions.privacy",
    "centricity.orders.privacy",
    "centricity.accounts.privacy",
    "centricity.audit.privacy",
    "centricity.jobs.privacy",
    "centricity.analytics.privacy",
    "centricity.value.privacy",
    "centricity.calendars.privacy",
    "centricity.cases.privacy",
    "centricity.events.privacy",
    "centricity.surveys.privacy",
    "centricity.surveys.loop.privacy",
    "centricity.feedback.privacy",
    "centricity.ideas.privacy",
    "centricity.notifications.privacy",
    "centricity.mail.privacy",
)


def privacy_modules() -> tuple[DomainPrivacy, ...]:
    """Import the domain privacy modules (lazily, so domains may import this registry)."""
    return tuple(cast(DomainPrivacy, importlib.import_module(n)) for n in DOMAIN_PRIVACY_MODULES)


def classification() -> Tables:
    """Merge every domain's classification; a table claimed by two domains is a bug."""
    merged: Tables = {}
    for module in privacy_modules():
        for table, columns in module.CLASSIFICATION.items():
            if table in merged:
                raise ValueError(f"table {table!r} is classified by more than one domain")
            merged[table] = dict(columns)
    return merged


def personal_tables() -> set[str]:
    """Tables with a personal or secret column: where an erasure may leave old copies."""
    hidden = (Classification.PERSONAL, Classification.SECRET)
    return {t for t, columns in classification().items() if set(columns.values()) & set(hidden)}


def unclassified_columns(metadata: MetaData) -> list[str]:
    """`table.column` names in the schema that no domain has classified (must be empty)."""
    known = classification()
    return [
        f"{table.name}.{column.name}"
        for table in metadata.sorted_tables
        for column in table.columns
        if column.name not in known.get(table.name, {})
    ]


def stale_classifications(metadata: MetaData) -> list[str]:
    """Classified `table.column` names that no longer exist, so the registry stays true."""
    columns = {f"{t.name}.{c.name}" for t in metadata.sorted_tables for c in t.columns}
    return sorted(
        f"{table}.{column}"
        for table, spec in classification().items()
        for column in spec
        if f"{table}.{column}" not in columns
    )


def jsonable(value: Any) -> Any:
    """Make a stored value JSON-ready: ISO-8601 dates, Decimals as exact strings, bytes
    as base64."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):  # a stored e-mail or attachment, exactly as kept
        return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def to_rows(
    objects: Iterable[object], columns: Mapping[str, Classification]
) -> list[dict[str, Any]]:
    """Turn mapped rows into export dicts, leaving out SECRET columns (hashes, tokens)."""
    rows = []
    for obj in objects:
        mapper = sa_inspect(type(obj))
        rows.append(
            {
                column.name: jsonable(getattr(obj, key))
                for key, column in mapper.columns.items()
                if columns.get(column.name) is not Classification.SECRET
            }
        )
    return rows
