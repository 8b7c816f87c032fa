"""Likely duplicate customers: find them, review them as pairs, merge or dismiss.

A pair is likely the same customer when both share a normalised e-mail, the same phone
number (last nine digits, so `+420 601 234 567` meets `601234567`), or a similar name
(folded, words in any order, ≥ 85 % alike) at the same postcode. Merging moves every row
that points at the duplicate — orders, contacts, contact people, scores, later cases and
feedback — to the surviving record, found generically through foreign keys.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Table, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.schema import ColumnCollectionConstraint

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.customers import service as customer_service
from centricity.customers.models import Customer
from centricity.db import Base
from centricity.imports.check.fields import fold
from centricity.imports.models import CustomerMerge, DuplicatePair
from centricity.kit.errors import Invalid, NotFound
from centricity.kit.i18n import lazy, pnoop, register_labels
from centricity.kit.pagination import MAX_LIMIT, Page
from centricity.kit.time import utcnow
from centricity.orders.models import Order
from centricity.privacy.registry import jsonable

GROUP_LIMIT = 20  # a shared address used by more customers is an office, not a duplicate
SIMILARITY = 0.85
FILLABLE = ("email", "phone", "preferred_language", "country", "postcode")
SNAPSHOT = ("external_id", "kind", "name", *FILLABLE, "attributes", "created_at")
Pairs = dict[tuple[int, int], tuple[str, float]]
# Why a pair was found (`DuplicatePair.reason`), labelled for the catalog; the review page
# shows `pair.reason|duplicate_reason`.
REASON_LABELS = register_labels(
    "duplicate reason",
    {
        "email": pnoop("duplicate reason", "same e-mail"),
        "phone": pnoop("duplicate reason", "same phone"),
        "name_postcode": pnoop("duplicate reason", "similar name, same postcode"),
    },
)


@dataclass(frozen=True)
class PairView:
    """A pair with both customers and their order counts, for the review page."""

    pair: DuplicatePair
    first: Customer
    second: Customer
    first_orders: int
    second_orders: int


def _frame(session: Session) -> pl.DataFrame:
    query = select(Customer.id, Customer.name, Customer.email, Customer.phone, Customer.postcode)
    rows = session.execute(query.where(Customer.erased_at.is_(None))).all()
    schema = {
        "id": pl.Int64,
        "name": pl.String,
        "email": pl.String,
        "phone": pl.String,
        "postcode": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _groups(frame: pl.DataFrame, key: str) -> list[list[int]]:
    grouped = frame.filter(pl.col(key).is_not_null()).group_by(key).agg(pl.col("id"))
    sizes = grouped["id"].list.len()
    return [sorted(ids) for ids in grouped.filter((sizes > 1) & (sizes <= GROUP_LIMIT))["id"]]


def _add(pairs: Pairs, ids: list[int], reason: str, score: float = 1.0) -> None:
    for a, b in itertools.combinations(ids, 2):
        pairs.setdefault((a, b), (reason, score))


def _similar_names(frame: pl.DataFrame, pairs: Pairs) -> None:
    words = fold(frame["name"]).str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()
    signature = words.str.split(" ").list.sort().list.join(" ")
    postcode = frame["postcode"].str.to_uppercase().str.replace_all(r"[^0-9A-Z]", "")
    blocks = pl.DataFrame({"id": frame["id"], "sig": signature, "pc": postcode})
    blocks = blocks.filter(pl.col("pc").is_not_null() & (pl.col("pc") != ""))
    blocks = blocks.with_columns(pl.concat_str([pl.col("pc"), pl.col("sig").str.slice(0, 2)]))
    for group in blocks.group_by("pc").agg(pl.col("id"), pl.col("sig")).iter_rows(named=True):
        if not 1 < len(group["id"]) <= GROUP_LIMIT:
            continue
        members = sorted(zip(group["id"], group["sig"], strict=True))
        for (a, sa), (b, sb) in itertools.combinations(members, 2):
            ratio = difflib.SequenceMatcher(None, sa, sb).ratio()
            if ratio >= SIMILARITY:
                pairs.setdefault((a, b), ("name_postcode", round(ratio, 3)))


def find_pairs(session: Session) -> Pairs:
    """Every likely duplicate pair (lower id first) with the strongest reason."""
    frame = _frame(session)
    pairs: Pairs = {}
    if frame.is_empty():
        return pairs
    emails = frame.with_columns(pl.col("email").str.to_lowercase().str.strip_chars())
    for ids in _groups(emails, "email"):
        _add(pairs, ids, "email")
    digits = frame["phone"].str.replace_all(r"\D", "").str.replace(r"^00", "")
    phones = frame.with_columns(
        pl.when(digits.str.len_chars() >= 7).then(digits.str.slice(-9)).alias("phone")
    )
    for ids in _groups(phones, "phone"):
        _add(pairs, ids, "phone")
    _similar_names(frame, pairs)
    return pairs


def scan(session: Session) -> int:
    """Refresh the open pairs (dismissed ones stay dismissed); returns how many are open."""
    found = find_pairs(session)
    existing = {
        (p.customer_a_id, p.customer_b_id): p for p in session.scalars(select(DuplicatePair))
    }
    for key, pair in existing.items():
        if pair.dismissed_at is None and key not in found:
            session.delete(pair)
    for (a, b), (reason, score) in found.items():
        if (a, b) not in existing:
            session.add(DuplicatePair(customer_a_id=a, customer_b_id=b, reason=reason, score=score))
    session.flush()
    return open_count(session)


def open_count(session: Session) -> int:
    """How many pairs wait for review."""
    query = (
        select(func.count()).select_from(DuplicatePair).where(DuplicatePair.dismissed_at.is_(None))
    )
    return int(session.scalar(query) or 0)


def _order_counts(session: Session, ids: set[int]) -> dict[int, int]:
    if not ids:
        return {}
    query = select(Order.customer_id, func.count()).where(Order.customer_id.in_(ids))
    return {int(c): int(n) for c, n in session.execute(query.group_by(Order.customer_id))}


def list_pairs(
    session: Session, *, actor: User, limit: int = 25, offset: int = 0
) -> Page[PairView]:
    """Open pairs, strongest reasons first, with both customers."""
    limit = max(1, min(limit, MAX_LIMIT))
    first, second = aliased(Customer), aliased(Customer)
    visible = customer_service.accessible_customers(actor).with_only_columns(Customer.id)
    query = (
        select(DuplicatePair, first, second)
        .join(first, first.id == DuplicatePair.customer_a_id)
        .join(second, second.id == DuplicatePair.customer_b_id)
        .where(DuplicatePair.dismissed_at.is_(None), first.id.in_(visible))
    )
    rows = session.execute(
        query.order_by(DuplicatePair.score.desc(), DuplicatePair.id).limit(limit).offset(offset)
    ).all()
    counts = _order_counts(session, {r[1].id for r in rows} | {r[2].id for r in rows})
    items = [PairView(p, a, b, counts.get(a.id, 0), counts.get(b.id, 0)) for p, a, b in rows]
    return Page(items=items, total=open_count(session), limit=limit, offset=offset)


def get_pair(session: Session, pair_id: int) -> DuplicatePair:
    """One pair, or NotFound."""
    pair = session.get(DuplicatePair, pair_id)
    if pair is None:
        raise NotFound(lazy("duplicate pair not found"))
    return pair


def dismiss(session: Session, *, pair: DuplicatePair, actor: User) -> None:
    """Mark a pair as two different customers; later scans leave it alone."""
    pair.dismissed_at, pair.dismissed_by_user_id = utcnow(), actor.id
    audit.record(
        session,
        actor=actor,
        action="customer.duplicate_dismiss",
        entity=("customer", pair.customer_a_id),
        details={"other_id": pair.customer_b_id},
    )
    session.flush()


def _unique_groups(table: Table, column: Any) -> list[list[Any]]:
    groups = [
        list(c.columns) for c in table.constraints if isinstance(c, ColumnCollectionConstraint)
    ]
    groups += [list(i.columns) for i in table.indexes if i.unique]
    return [g for g in groups if column in g and len(g) > 1]


def _move(session: Session, table: Table, column: Any, duplicate: int, survivor: int) -> int:
    other = table.alias("other")
    for group in _unique_groups(table, column):
        same = [other.c[c.name] == table.c[c.name] for c in group if c is not column]
        clash = exists().where(other.c[column.name] == survivor, *same)
        session.execute(delete(table).where(column == duplicate, clash))
    result = session.execute(
        update(table).where(column == duplicate).values({column.name: survivor})
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _move_references(session: Session, duplicate: int, survivor: int) -> dict[str, int]:
    moved: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if table.name == DuplicatePair.__tablename__:
            continue
        for key in table.foreign_keys:
            if key.column.table.name == Customer.__tablename__:
                count = _move(session, table, key.parent, duplicate, survivor)
                if count:
                    moved[f"{table.name}.{key.parent.name}"] = count
    return moved


def _fill(survivor: Customer, duplicate: Customer) -> None:
    for name in FILLABLE:
        if getattr(survivor, name) in (None, "") and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
    combined = {**(duplicate.attributes or {}), **(survivor.attributes or {})}
    if combined != survivor.attributes:
        survivor.attributes = combined


def _audit_merge(session: Session, record: CustomerMerge, actor: User) -> None:
    ids = (record.survivor_id, record.duplicate_id)
    details = {"survivor_id": ids[0], "duplicate_id": ids[1], "moved": record.moved}
    for entity in ids:
        audit.record(
            session, actor=actor, action="customer.merge", entity=("customer", entity),
            details=details,
        )  # fmt: skip


def merge(
    session: Session, *, survivor: Customer, duplicate: Customer, actor: User
) -> CustomerMerge:
    """Fold `duplicate` into `survivor`: move its history, keep a snapshot, delete it."""
    if survivor.id == duplicate.id:
        raise Invalid(lazy("choose two different customers"))
    snapshot = {name: jsonable(getattr(duplicate, name)) for name in SNAPSHOT}
    pairs = or_(
        DuplicatePair.customer_a_id == duplicate.id, DuplicatePair.customer_b_id == duplicate.id
    )
    session.execute(delete(DuplicatePair).where(pairs))
    moved = _move_references(session, duplicate.id, survivor.id)
    external_id, duplicate.external_id = duplicate.external_id, None
    session.flush()
    _fill(survivor, duplicate)
    if survivor.external_id is None and external_id:
        survivor.external_id = external_id
    record = CustomerMerge(
        survivor_id=survivor.id,
        duplicate_id=duplicate.id,
        duplicate_external_id=external_id,
        snapshot=snapshot,
        moved=moved,
        merged_by_user_id=actor.id,
    )
    session.add(record)
    _audit_merge(session, record, actor)
    session.delete(duplicate)
    session.flush()
    customer_service.refresh_search_key(survivor)
    session.flush()
    return record
