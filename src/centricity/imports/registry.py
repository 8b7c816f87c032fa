"""What can be imported: one `KindSpec` per kind, registered by name.

Core kinds (customers, products, orders, order-lines, interactions) live in `kinds.py`;
later domains register their own (cases, feedback) from a module listed in
`KIND_MODULES`, so the importer, the ingest API and the CLI pick them up unchanged.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, Select, Table
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.imports import reasons

# Modules that call `register()`; a later issue appends its module here.
KIND_MODULES: tuple[str, ...] = (
    "centricity.imports.kinds",
    "centricity.cases.imports",
    "centricity.telephony.imports",
    "centricity.events.imports",
    "centricity.feedback.imports",
)


class FieldType(StrEnum):
    """How a cell is parsed and checked (see `check/fields.py`)."""

    TEXT = "text"
    EMAIL = "email"
    PHONE = "phone"
    LANGUAGE = "language"
    COUNTRY = "country"
    CURRENCY = "currency"
    DECIMAL = "decimal"
    DATETIME = "datetime"
    INTEGER = "integer"
    SECONDS = "seconds"
    CHOICE = "choice"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class FieldSpec:
    """One importable field: its name in the file contract and how to check it.

    `column` is the target table's column (None: the field only identifies a record or a
    reference). `choices` maps folded spellings to stored values (CHOICE fields).
    """

    name: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    column: str | None = ""
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    places: int = 2
    choices: Mapping[str, str] | None = None
    synonyms: tuple[str, ...] = ()
    not_future: bool = False

    @property
    def target(self) -> str | None:
        """The table column this field writes (its own name unless told otherwise)."""
        return self.name if self.column == "" else self.column


@dataclass(frozen=True)
class Reference:
    """A field naming another record by its external id, resolved to a foreign key.

    `create_missing` adds unknown names to the referenced table (product categories);
    otherwise a row naming an unknown record is quarantined.
    """

    field: str
    column: str
    table: str
    key: str = "external_id"
    label: str = "record"
    follow_merges: bool = False
    create_missing: bool = False


# The customer a row names by `customer_external_id` (orders, contacts, cases), following
# merges so a row naming a merged-away customer lands on the one that stayed.
CUSTOMER_REFERENCE = Reference(
    "customer_external_id", "customer_id", "customers", label="customer", follow_merges=True
)


@dataclass(frozen=True)
class KeyOption:
    """Fields that identify a row; `column` is the target's unique column, or None when
    the importer keeps the (hashed) natural key in `import_record_keys`."""

    fields: tuple[str, ...]
    column: str | None = None


# A check returns (line, reason) rows for staged rows that must be quarantined.
Check = Callable[[Session, Table], Select[Any]]
# Runs after a batch is merged (customers' search keys when the file lacks some inputs).
AfterMerge = Callable[[Session, Table], None]
# Runs after a batch is merged with the keys of the rows it inserted or changed, and the
# acting user (cases rebuild their service-level targets): a re-run that changes nothing
# touches nothing. Only for kinds keyed by a unique column.
AfterChange = Callable[[Session, list[Any], User | None], None]
# A check that depends on who imports: (line, reason) of staged rows the acting user may not
# write (a case for another department); None when the user may write every row. The
# command line (no acting user) skips it.
ActorCheck = Callable[[Session, Table, User], Select[Any] | None]
# Adds derived columns to a validated batch (order lines: amount from quantity × price).
Prepare = Callable[[pl.DataFrame, frozenset[str]], pl.DataFrame]
# Adds values the store decides to a batch's resolved rows before they are staged, as the
# acting user (None: the command line) would write them (a call's customer, found by its
# phone number, and its owning department), so the merge inserts complete rows; the
# dictionary is the run's memo, kept from batch to batch.
BeforeStage = Callable[[Session, pl.DataFrame, User | None, dict[str, Any]], pl.DataFrame]
# Rows of the target table the acting user may not see (another department's confidential
# contacts): a write never matches, updates, counts or names them.
Hidden = Callable[[User], ColumnElement[bool]]
# Rows the acting user may read but not change (another department's open contacts).
ReadOnly = Callable[[User], ColumnElement[bool]]
# Values a new row takes from the acting user (the department that owns an imported contact).
OwnerValues = Callable[[User], dict[str, Any]]
# Runs once after an import's last batch (and after each ingest request) with the acting
# user, in its own transaction: work that only the end state decides (call-backs).
AfterImport = Callable[[Session, User | None], None]
# Recognises a file that has no header row by its first record (a phone system's call
# records) and returns the names of its columns; None: the first record is the header.
Headerless = Callable[[list[str]], list[str] | None]


@dataclass(frozen=True)
class KindSpec:
    """Everything the importer needs to know about one kind of record.

    `derived` columns are added by `prepare` (or `before_stage`) and stored like fields;
    `computed` ones (a search key) are stored too but never make a row count as changed;
    `kept` ones (a call's owning department) are written when a row is inserted, and an
    update writes them only where the stored row has none. `hidden`,
    `read_only`, `owner_values` and `actor_checks` apply the kind's access rules to
    writes (None: every user sees and changes every row); a row naming a read-only record
    is quarantined with `read_only_reason`.

    The import page shows a kind in the viewer's language: mark `description` with
    `noop()` and declare the name with `pnoop("import kind", name)` beside the spec.
    """

    name: str
    table: str
    description: str
    fields: tuple[FieldSpec, ...]
    keys: tuple[KeyOption, ...]
    references: tuple[Reference, ...] = ()
    insert_defaults: Callable[[], dict[str, Any]] = dict
    update_values: Callable[[], dict[str, Any]] = dict
    derived: tuple[str, ...] = ()
    computed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    prepare: Prepare | None = None
    before_stage: BeforeStage | None = None
    checks: tuple[Check, ...] = ()
    after_merge: AfterMerge | None = None
    after_change: AfterChange | None = None
    min_role: Role = Role.AGENT
    hidden: Hidden | None = None
    read_only: ReadOnly | None = None
    read_only_reason: str = reasons.READ_ONLY
    owner_values: OwnerValues | None = None
    actor_checks: tuple[ActorCheck, ...] = ()
    headerless: Headerless | None = None
    after_import: AfterImport | None = None

    def field(self, name: str) -> FieldSpec:
        """The field called `name`; KeyError names the kind's fields."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        known = ", ".join(f.name for f in self.fields)
        raise KeyError(f"{self.name} has no field {name!r}; fields: {known}")

    def key_for(self, mapped: frozenset[str]) -> KeyOption | None:
        """The first key option whose fields are all present, or None."""
        for option in self.keys:
            if set(option.fields) <= mapped:
                return option
        return None

    @property
    def required(self) -> tuple[str, ...]:
        """Fields every file of this kind must have."""
        return tuple(f.name for f in self.fields if f.required)


_KINDS: dict[str, KindSpec] = {}


def register(spec: KindSpec) -> KindSpec:
    """Make a kind importable; registering a different spec under a taken name fails."""
    existing = _KINDS.get(spec.name)
    if existing is not None and existing is not spec:
        raise ValueError(f"import kind {spec.name!r} is already registered")
    _KINDS[spec.name] = spec
    return spec


def load_kinds() -> None:
    """Import every module that registers kinds (cheap after the first call)."""
    for name in KIND_MODULES:
        importlib.import_module(name)


def get(name: str) -> KindSpec:
    """The spec of kind `name`; KeyError lists the known kinds."""
    load_kinds()
    try:
        return _KINDS[name]
    except KeyError:
        raise KeyError(f"unknown import kind {name!r}; known: {', '.join(names())}") from None


def names() -> list[str]:
    """Every registered kind, in registration order (the CLI help lists them so)."""
    load_kinds()
    return list(_KINDS)
