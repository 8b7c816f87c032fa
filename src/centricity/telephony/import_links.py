"""What the store adds to imported call records: before a batch is staged, each call's
owning department, its customer (found by the outside party's number in E.164) and that
customer's tier; after the merge, each new or changed call with a customer becomes (or
updates) its contact in the contact log; once the file is in, the call-backs.

The owner, customer and tier are resolved in the batch's frame rather than by an UPDATE
of the merged calls: the rows go in complete, so `calls` and its customer index are
written once per call instead of twice (on 200,000 records the UPDATE took 4.4 s of 26 s
on SQLite and 10 s of 49 s on PostgreSQL, measured under the profiler).
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import and_, func, insert, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.customers.models import Customer
from centricity.db import in_keys
from centricity.imports.load import merge
from centricity.interactions.models import Interaction
from centricity.kit.time import utcnow
from centricity.telephony import callbacks, owners
from centricity.telephony.models import CONTACT_PREFIX, Call, CallDirection
from centricity.value import queries as value_queries
from centricity.value.models import CustomerValue

RESOLVED = ("customer_id", "department_id", "tier")  # what the store decides for a call
KEPT = ("department_id",)  # a stored call keeps its owner (the merge fills only an empty one)


def complete(
    session: Session, frame: pl.DataFrame, actor: User | None, memo: dict[str, Any]
) -> pl.DataFrame:
    """The batch's calls with their customer, owner and (when a value run exists) tier,
    as the calls would be after merging them and resolving them in the store."""
    known = memo.setdefault("customer_by_number", {})
    customer = _customers(session, frame["party_e164"], known)
    frame = frame.with_columns(customer.alias("customer_id"))
    frame = frame.with_columns(_owners(session, frame, actor).alias("department_id"))
    run = value_queries.latest_run(session)
    if run is None:  # no tiers yet: a stored call keeps the tier it has
        return frame
    return frame.with_columns(_tiers(session, run.id, frame["customer_id"]).alias("tier"))


def _lookup(session: Session, query: Any, values: pl.Series, dtype: Any) -> pl.Series:
    """`values` mapped through the (key, value) rows `query` gives for its keys."""
    found = dict(session.execute(query).all())
    return values.replace_strict(found, default=None, return_dtype=dtype)


def _customers(session: Session, numbers: pl.Series, known: dict[str, int | None]) -> pl.Series:
    """The customer whose phone is each number (the oldest record when several share
    it; erased ones never); null for numbers nobody has. Each number is looked up once a
    run and `known` keeps the answer for the later batches, as the importer keeps the ids
    of references: a million records name 130,000 numbers, and asking for each batch's
    again took 6.6 s of a 70 s import on SQLite (under the profiler)."""
    distinct = numbers.drop_nulls().unique().to_list()
    asked = [number for number in distinct if number not in known]
    if asked:
        query = (
            select(Customer.phone_e164, func.min(Customer.id))
            .where(in_keys(session, Customer.phone_e164, asked), Customer.erased_at.is_(None))
            .group_by(Customer.phone_e164)
        )
        found = dict(session.execute(query).all())
        known.update({number: found.get(number) for number in asked})
    mapping = {number: known[number] for number in distinct}
    return numbers.replace_strict(mapping, default=None, return_dtype=pl.Int64)


def _tiers(session: Session, run_id: int, customer_ids: pl.Series) -> pl.Series:
    """Each customer's tier in the value run `run_id` (null: not scored, or no customer)."""
    distinct = customer_ids.drop_nulls().unique().to_list()
    query = select(CustomerValue.customer_id, CustomerValue.tier).where(
        CustomerValue.run_id == run_id, in_keys(session, CustomerValue.customer_id, distinct)
    )
    return _lookup(session, query, customer_ids, pl.String)


def _owners(session: Session, frame: pl.DataFrame, actor: User | None) -> pl.Series:
    """Who owns each new call: the importer's own department when one is given (a manager
    imports only their own calls), else the department of its line, else the default
    owner. A stored call keeps the department it has (`KEPT`: the merge writes this one
    only where it has none), so stored owners are not looked up (probing the stored
    calls' keys took 6.0 s of a 1,000,000-record import on PostgreSQL, measured)."""
    lines = owners.line_departments(session)
    default = owners.default_department(session, actor)  # created when it does not exist
    given = actor.department_id if actor is not None else None
    if given is not None:
        return pl.Series("department_id", [given] * frame.height, dtype=pl.Int64)
    if lines:
        return frame["line_e164"].replace_strict(lines, default=default, return_dtype=pl.Int64)
    return pl.Series("department_id", [default] * frame.height, dtype=pl.Int64)


def after_change(session: Session, keys: builtins.list[Any], actor: User | None) -> None:
    """The batch's new or changed calls become (or update) their contacts."""
    del actor  # a call's contact follows the call, whoever imported it
    if session.get_bind().dialect.name == "postgresql":
        _analyse_new_tables(session, len(keys))
    log_contacts(session, keys, utcnow())


def _analyse_new_tables(session: Session, batch: int) -> None:
    """Give PostgreSQL statistics of `calls` and `interactions` while they are still
    smaller in its statistics than one batch (a first import into a store whose
    autovacuum has not run): planned as empty tables, the contacts' statements scanned
    `calls` whole for every batch instead of probing its key."""
    for table in ("calls", "interactions"):
        estimate = session.scalar(
            text(f"SELECT reltuples FROM pg_class WHERE oid = '{table}'::regclass")
        )
        if estimate is not None and estimate < batch:
            session.execute(text(f"ANALYZE {table}"))


def after_import(session: Session, actor: User | None) -> None:
    """Once the file is in, the call-backs follow the calls' end state. PostgreSQL first
    learns what the import wrote: with the statistics of an empty `calls` table (a server
    whose autovacuum has not run yet) the settling plan scanned the table per missed call
    and ran for minutes on a million records."""
    del actor  # call-backs follow the calls, whoever imported them
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE calls"))
        session.execute(text("ANALYZE interactions"))
    callbacks.settle_all(session, now=utcnow())


def log_contacts(session: Session, keys: builtins.list[Any], now: datetime) -> None:
    """Each call with a customer becomes (or updates) its contact in the contact log, the
    one keyed `call:<call_id>`. Both sides are named by their keys, so each engine probes
    the two unique indexes instead of joining whole tables.

    PostgreSQL first tries one plain `INSERT` of the batch's contacts, which is all a
    first import needs: the `UPDATE` of existing contacts probed every key for nothing
    (0.95 s of a 200,000-record import) and conflict handling costs each new row. When a
    contact exists the attempt is undone and both statements run. On SQLite both always
    run: its `UPDATE` of nothing costs 0.1 s a 100,000-record batch, and one `INSERT …
    ON CONFLICT DO UPDATE` instead was 0.35 s slower than `DO NOTHING` (measured)."""
    with_customer = and_(
        in_keys(session, Call.call_id, keys),
        Call.customer_id.is_not(None),
        Call.direction != CallDirection.INTERNAL.value,
    )
    key = literal(CONTACT_PREFIX) + Call.call_id
    facts = {
        "customer_id": Call.customer_id,
        "channel": literal("phone"),
        "direction": Call.direction,
        "user_id": Call.user_id,
        "department_id": Call.department_id,
        "started_at": Call.started_at,
        "waiting_seconds": Call.waiting_seconds,
        "duration_seconds": Call.duration_seconds,
    }
    rows = select(
        key, *facts.values(), literal(""), literal(False), literal(now, Interaction.created_at.type)
    ).where(with_customer)
    columns = ["external_id", *facts, "note", "confidential", "created_at"]
    postgres = session.get_bind().dialect.name == "postgresql"
    if (
        postgres
        and merge.insert_all(session, insert(Interaction).from_select(columns, rows)) is not None
    ):
        return
    contacts = in_keys(session, Interaction.external_id, [CONTACT_PREFIX + str(k) for k in keys])
    session.execute(
        update(Interaction)
        .where(contacts, Interaction.external_id == key, with_customer)
        .values(**facts)
        .execution_options(synchronize_session=False)
    )
    dialect = postgresql if postgres else sqlite
    statement = dialect.insert(Interaction).from_select(columns, rows)
    session.execute(statement.on_conflict_do_nothing(index_elements=["external_id"]))
