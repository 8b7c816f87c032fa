"""The five core import kinds: customers, products, orders, order lines, contacts.

Each spec states the file contract (field names, types, which are required), how a row
is identified (external id or a declared natural key) and which fields name other
records. Synonyms for header names live in `check/synonyms.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from typing import cast as typed

import polars as pl
from sqlalchemy import Select, String, Table, bindparam, cast, exists, literal, select, update
from sqlalchemy.orm import Session

from centricity.accounts.models import Role
from centricity.customers.models import Customer
from centricity.imports import reasons
from centricity.imports.check import synonyms as syn
from centricity.imports.models import CustomerMerge
from centricity.imports.registry import (
    CUSTOMER_REFERENCE,
    FieldSpec,
    KeyOption,
    KindSpec,
    Reference,
    register,
)
from centricity.imports.registry import FieldType as T
from centricity.interactions import service as interaction_service
from centricity.interactions.schemas import MAX_SECONDS
from centricity.kit.i18n import noop, pnoop
from centricity.kit.text import digits, fold, search_key
from centricity.kit.time import utcnow
from centricity.telephony.phones import customer_e164


def choice_key(text: str) -> str:
    """A spelling of a choice as the importer compares it: folded, without spaces,
    underscores, hyphens and dots (the way `fields.fold` folds cells)."""
    return "".join(ch for ch in fold(text) if ch not in " _-.")


def words(text: str) -> tuple[str, ...]:
    """Spellings written as `a|b|c` (header synonyms in six languages read best so)."""
    return tuple(word.strip() for word in text.split("|") if word.strip())


def choices(table: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Folded spelling → stored value, for a CHOICE field of any kind."""
    found: dict[str, str] = {}
    for value, spellings in table.items():
        for spelling in (value, *spellings):
            found[choice_key(spelling)] = value
    return found


def _stamps() -> dict[str, Any]:
    now = utcnow()
    return {"created_at": now, "updated_at": now}


def _touch() -> dict[str, Any]:
    return {"updated_at": utcnow()}


def _merged_away(_session: Session, staging: Table) -> Select[Any]:
    """Rows for a customer that was merged into another one are skipped, not recreated."""
    prefix = reasons.MERGED_AWAY.removesuffix("%(id)s")
    reason = literal(prefix) + cast(CustomerMerge.survivor_id, String)
    return (
        select(staging.c.line, reason)
        .join(CustomerMerge, CustomerMerge.duplicate_external_id == staging.c.external_id)
        .where(~exists().where(Customer.external_id == staging.c.external_id))
    )


_KEY_INPUTS = ("name", "email", "phone", "external_id", "postcode")


def _with_search_key(frame: pl.DataFrame, mapped: frozenset[str]) -> pl.DataFrame:
    """The folded search key, exactly as `customers.service.refresh_search_key` builds it."""
    frame = _fill(frame, {"kind": "person"})
    columns = [frame[c].to_list() if c in mapped else [None] * frame.height for c in _KEY_INPUTS]
    keys = [
        search_key(name, email, digits(phone) or None, external_id, postcode)
        for name, email, phone, external_id, postcode in zip(*columns, strict=True)
    ]
    frame = frame.with_columns(pl.Series("search_key", keys, dtype=pl.String))
    if "phone" not in mapped:
        return frame  # the stored E.164 form stays (or is rebuilt after the merge)
    countries = frame["country"].to_list() if "country" in mapped else [None] * frame.height
    e164 = [
        customer_e164(phone, country)
        for phone, country in zip(frame["phone"].to_list(), countries, strict=True)
    ]
    return frame.with_columns(pl.Series("phone_e164", e164, dtype=pl.String))


def _refresh_search_keys(session: Session, staging: Table) -> None:
    """When the file lacks some search-key inputs, rebuild keys from the stored record."""
    _refresh_phones(session, staging)
    if all(name in staging.c for name in _KEY_INPUTS):
        return
    columns = (Customer.name, Customer.email, Customer.phone, Customer.external_id)
    query = select(Customer.id, *columns, Customer.postcode, Customer.search_key).where(
        Customer.external_id.in_(select(staging.c.external_id))
    )
    changes = []
    for row in session.execute(query):
        key = search_key(
            row.name, row.email, digits(row.phone) or None, row.external_id, row.postcode
        )
        if key != row.search_key:
            changes.append({"b_id": row.id, "b_key": key})
    if changes:
        table = typed(Table, Customer.__table__)
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(search_key=bindparam("b_key"))
        )
        session.connection().execute(statement, changes)


def _refresh_phones(session: Session, staging: Table) -> None:
    """A file with a phone but no country (or a country but no phone) reads the number with
    the stored other half, as saving the customer would."""
    if ("phone" in staging.c) == ("country" in staging.c):
        return
    query = select(Customer.id, Customer.phone, Customer.country, Customer.phone_e164).where(
        Customer.external_id.in_(select(staging.c.external_id))
    )
    changes = [
        {"b_id": row.id, "b_e164": e164}
        for row in session.execute(query)
        if (e164 := customer_e164(row.phone, row.country)) != row.phone_e164
    ]
    if changes:
        table = typed(Table, Customer.__table__)
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(phone_e164=bindparam("b_e164"))
        )
        session.connection().execute(statement, changes)


def _fill(frame: pl.DataFrame, defaults: dict[str, Any]) -> pl.DataFrame:
    present = [pl.col(c).fill_null(v) for c, v in defaults.items() if c in frame.columns]
    return frame.with_columns(present) if present else frame


CUSTOMERS = register(
    KindSpec(
        name="customers",
        table="customers",
        description=noop("customer records, keyed by external_id"),
        fields=(
            FieldSpec(
                "external_id",
                required=True,
                max_length=100,
                synonyms=(*syn.CUSTOMER_NUMBER, *syn.EXTERNAL_ID),
            ),
            FieldSpec("name", required=True, max_length=200, synonyms=syn.NAME),
            FieldSpec("email", T.EMAIL, synonyms=syn.EMAIL),
            FieldSpec("phone", T.PHONE, synonyms=syn.PHONE),
            FieldSpec("preferred_language", T.LANGUAGE, synonyms=syn.LANGUAGE),
            FieldSpec("country", T.COUNTRY, synonyms=syn.COUNTRY),
            FieldSpec("postcode", max_length=20, synonyms=syn.POSTCODE),
            FieldSpec(
                "kind",
                T.CHOICE,
                choices=choices(syn.CUSTOMER_KINDS),
                synonyms=(
                    "type",
                    "customer type",
                    "typ",
                    "typ zákazníka",
                    "kundtyp",
                    "tipas",
                    "typ klienta",
                    "тип",
                    "тип клиента",
                ),
            ),
        ),
        keys=(KeyOption(("external_id",), "external_id"),),
        insert_defaults=lambda: {"kind": "person", "attributes": {}, "search_key": "", **_stamps()},
        update_values=_touch,
        derived=("search_key", "phone_e164"),
        computed=("search_key", "phone_e164"),
        prepare=_with_search_key,
        checks=(_merged_away,),
        after_merge=_refresh_search_keys,
    )
)


PRODUCTS = register(
    KindSpec(
        name="products",
        table="products",
        description=noop("the product catalogue, keyed by external_id"),
        fields=(
            FieldSpec(
                "external_id",
                required=True,
                max_length=100,
                synonyms=(*syn.PRODUCT_ID, *syn.EXTERNAL_ID),
            ),
            FieldSpec("name", required=True, max_length=200, synonyms=syn.PRODUCT_NAME),
            FieldSpec("category", column=None, max_length=120, synonyms=syn.CATEGORY),
            FieldSpec("unit_price", T.DECIMAL, minimum=0, synonyms=syn.UNIT_PRICE),
            FieldSpec("unit_cost", T.DECIMAL, minimum=0, synonyms=syn.UNIT_COST),
            FieldSpec("currency", T.CURRENCY, synonyms=syn.CURRENCY),
        ),
        keys=(KeyOption(("external_id",), "external_id"),),
        references=(
            Reference(
                "category",
                "category_id",
                "product_categories",
                key="name",
                label="category",
                create_missing=True,
            ),
        ),
        insert_defaults=lambda: {"currency": "EUR"},
        prepare=lambda frame, _mapped: _fill(frame, {"currency": "EUR"}),
        min_role=Role.MANAGER,
    )
)

ORDERS = register(
    KindSpec(
        name="orders",
        table="orders",
        description=noop("orders, keyed by external_id; customers named by their external_id"),
        fields=(
            FieldSpec("external_id", required=True, max_length=100, synonyms=syn.ORDER_ID),
            FieldSpec(
                "customer_external_id",
                required=True,
                column=None,
                max_length=100,
                synonyms=syn.CUSTOMER_REF,
            ),
            FieldSpec("ordered_at", T.DATETIME, required=True, synonyms=syn.ORDERED_AT),
            FieldSpec("total_amount", T.DECIMAL, required=True, synonyms=syn.TOTAL),
            FieldSpec("currency", T.CURRENCY, required=True, synonyms=syn.CURRENCY),
            FieldSpec("cost", T.DECIMAL, minimum=0, synonyms=syn.COST),
            FieldSpec("status", T.CHOICE, choices=choices(syn.STATUSES), synonyms=syn.STATUS),
        ),
        keys=(KeyOption(("external_id",), "external_id"),),
        references=(CUSTOMER_REFERENCE,),
        insert_defaults=lambda: {"status": "completed", "created_at": utcnow()},
        prepare=lambda frame, _mapped: _fill(frame, {"status": "completed"}),
    )
)

_CENT = Decimal("0.01")


def _line_amounts(frame: pl.DataFrame, mapped: frozenset[str]) -> pl.DataFrame:
    """Quantity defaults to 1; a missing amount is quantity × unit price, to the cent."""
    quantity = frame["quantity"] if "quantity" in mapped else pl.Series([None] * frame.height)
    quantities = [q or "1.000" for q in quantity.cast(pl.String).to_list()]
    prices = frame["unit_price"].to_list()
    given = frame["amount"].to_list() if "amount" in mapped else [None] * frame.height
    amounts = [
        a if a is not None else str((Decimal(q) * Decimal(p)).quantize(_CENT, ROUND_HALF_EVEN))
        for a, q, p in zip(given, quantities, prices, strict=True)
    ]
    return frame.with_columns(
        pl.Series("quantity", quantities, dtype=pl.String),
        pl.Series("amount", amounts, dtype=pl.String),
    )


ORDER_LINES = register(
    KindSpec(
        name="order-lines",
        table="order_lines",
        description=noop(
            "order lines, keyed by order_external_id + line_number (or + product_external_id)"
        ),
        fields=(
            FieldSpec(
                "order_external_id",
                required=True,
                column=None,
                max_length=100,
                synonyms=syn.ORDER_ID,
            ),
            FieldSpec("line_number", T.INTEGER, column=None, minimum=1, synonyms=syn.LINE_NUMBER),
            FieldSpec("product_external_id", column=None, max_length=100, synonyms=syn.PRODUCT_ID),
            FieldSpec("quantity", T.DECIMAL, minimum=0, places=3, synonyms=syn.QUANTITY),
            FieldSpec("unit_price", T.DECIMAL, required=True, minimum=0, synonyms=syn.UNIT_PRICE),
            FieldSpec("amount", T.DECIMAL, synonyms=syn.TOTAL),
            FieldSpec("cost", T.DECIMAL, minimum=0, synonyms=syn.COST),
        ),
        keys=(
            KeyOption(("order_external_id", "line_number")),
            KeyOption(("order_external_id", "product_external_id")),
        ),
        references=(
            Reference("order_external_id", "order_id", "orders", label="order"),
            Reference("product_external_id", "product_id", "products", label="product"),
        ),
        derived=("quantity", "amount"),
        prepare=_line_amounts,
    )
)


def _contact_defaults(frame: pl.DataFrame, _mapped: frozenset[str]) -> pl.DataFrame:
    return _fill(frame, {"note": "", "direction": "inbound", "confidential": False})


INTERACTIONS = register(
    KindSpec(
        name="interactions",
        table="interactions",
        description=noop("the contact log, keyed by external_id or by customer + channel + start"),
        fields=(
            FieldSpec(
                "customer_external_id",
                required=True,
                column=None,
                max_length=100,
                synonyms=syn.CUSTOMER_REF,
            ),
            FieldSpec(
                "channel",
                T.CHOICE,
                required=True,
                choices=choices(syn.CHANNELS),
                synonyms=syn.CHANNEL,
            ),
            FieldSpec(
                "direction", T.CHOICE, choices=choices(syn.DIRECTIONS), synonyms=syn.DIRECTION
            ),
            FieldSpec(
                "started_at", T.DATETIME, required=True, not_future=True, synonyms=syn.STARTED_AT
            ),
            FieldSpec("waiting_seconds", T.SECONDS, maximum=MAX_SECONDS, synonyms=syn.WAITING),
            FieldSpec("duration_seconds", T.SECONDS, maximum=MAX_SECONDS, synonyms=syn.DURATION),
            FieldSpec("note", max_length=20_000, synonyms=syn.NOTE),
            FieldSpec(
                "external_id",
                max_length=100,
                synonyms=("contact id", "call id", "id hovoru", "samtals-id"),
            ),
            FieldSpec(
                "confidential",
                T.BOOLEAN,
                choices=choices(syn.BOOLEANS),
                synonyms=(
                    "confidential",
                    "důvěrné",
                    "konfidentiell",
                    "konfidencialu",
                    "poufne",
                    "конфиденциально",
                ),
            ),
        ),
        keys=(
            KeyOption(("external_id",), "external_id"),
            KeyOption(("customer_external_id", "channel", "started_at")),
        ),
        references=(CUSTOMER_REFERENCE,),
        insert_defaults=lambda: {
            "note": "",
            "direction": "inbound",
            "confidential": False,
            "created_at": utcnow(),
        },
        prepare=_contact_defaults,
        hidden=interaction_service.hidden_from,
        read_only=interaction_service.read_only_for,
        # An imported contact belongs to the importer's department, as one logged by hand.
        owner_values=lambda actor: {"user_id": actor.id, "department_id": actor.department_id},
    )
)

# Each kind's name for the catalog; pages show `kind.name|import_kind` (the form still
# posts the name itself).
KIND_LABELS = (
    pnoop("import kind", "customers"),
    pnoop("import kind", "products"),
    pnoop("import kind", "orders"),
    pnoop("import kind", "order-lines"),
    pnoop("import kind", "interactions"),
)
