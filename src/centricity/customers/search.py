"""Customer search that stays index-backed at a million rows on SQLite and PostgreSQL.

SQLite uses the FTS5 trigram table `customers_fts` over the folded `search_key`;
PostgreSQL uses the pg_trgm GIN index on the same column (migration 0002).

Measured on 1,000,000 customers (benchmarks/README.md): counting and name-sorting every
match of a common trigram (`ova`: 144,549 rows) took ~100 ms each, so on SQLite at most
`SORTED_MATCHES` matches are sorted by name; beyond that the page lists the newest matches
and the exact total comes from the FTS index alone (~5 ms). A whole e-mail address is
looked up in its own index first, and queries under three characters (no trigrams) match an
external id exactly or walk one range of the folded search key's index (migration 0005),
so `ab` finds `Ábel`, listed in folded-name order.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, SQLColumnExpression, select, text
from sqlalchemy.orm import Session

from centricity.customers.models import Customer
from centricity.kit.text import digits, fold

SORTED_MATCHES = 1000
_PHONE_CHARS = set("+0123456789 ()-./")


def search_term(query: str) -> str:
    """Fold the user's query the way search keys are folded; phone-like input keeps digits."""
    stripped = query.strip()
    if stripped and set(stripped) <= _PHONE_CHARS and len(digits(stripped)) >= 3:
        return digits(stripped)
    return fold(stripped)


@dataclass(frozen=True)
class Matches:
    """How to find the customers matching a search: a list of ids, a WHERE clause, or too
    many FTS matches to sort (`fts_term` set: page through the index, newest first)."""

    ids: list[int] | None = None
    condition: ColumnElement[bool] | None = None
    fts_term: str | None = None
    order: SQLColumnExpression[str] | None = None  # the order the matcher's index gives for free


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_ids(session: Session, term: str, limit: int, offset: int = 0) -> list[int]:
    statement = text(
        "SELECT rowid FROM customers_fts WHERE customers_fts MATCH :phrase "
        "ORDER BY rowid DESC LIMIT :limit OFFSET :offset"
    )
    params = {"phrase": _fts_phrase(term), "limit": limit, "offset": offset}
    return [int(r) for r in session.scalars(statement, params)]


def fts_count(session: Session, term: str) -> int:
    """How many customers match a term, counted in the FTS index alone."""
    statement = text("SELECT count(*) FROM customers_fts WHERE customers_fts MATCH :phrase")
    return int(session.scalar(statement, {"phrase": _fts_phrase(term)}) or 0)


def fts_page(session: Session, term: str, limit: int, offset: int) -> list[int]:
    """A page of matching customer ids, newest customers first."""
    return _fts_ids(session, term, limit, offset)


def prefix_key(session: Session) -> SQLColumnExpression[str]:
    """The folded search key as the prefix index orders it (byte order on both engines)."""
    if session.get_bind().dialect.name == "postgresql":
        return Customer.search_key.collate("C")
    return Customer.search_key


def _short(session: Session, query: str) -> Matches:
    prefix = query.strip()
    exact = session.scalar(select(Customer.id).where(Customer.external_id == prefix))
    if exact is not None:
        return Matches(ids=[exact])
    # The search key starts with the folded name: one range of its index, in order, finds
    # names starting with the prefix whatever their accents and case.
    term, key = fold(prefix), prefix_key(session)
    return Matches(condition=key.between(term, term + "\uffff"), order=key)


def _email(session: Session, query: str) -> Matches | None:
    wanted = query.strip().lower()
    if "@" not in wanted or " " in wanted:
        return None
    ids = [int(i) for i in session.scalars(select(Customer.id).where(Customer.email == wanted))]
    return Matches(ids=ids) if ids else None


def find(session: Session, query: str) -> Matches:
    """Resolve a search text (name, e-mail, phone or external id) to the cheapest matcher."""
    term = search_term(query)
    if len(term) < 3:
        return _short(session, query)
    by_email = _email(session, query)
    if by_email is not None:
        return by_email
    if session.get_bind().dialect.name != "sqlite":
        return Matches(condition=Customer.search_key.ilike(_like_pattern(term), escape="\\"))
    ids = _fts_ids(session, term, SORTED_MATCHES + 1)
    if len(ids) <= SORTED_MATCHES:
        return Matches(ids=ids)
    return Matches(fts_term=term)


def to_condition(matches: Matches) -> ColumnElement[bool]:
    """The matches as a WHERE clause (to combine with other filters)."""
    if matches.ids is not None:
        return Customer.id.in_(matches.ids)
    if matches.condition is not None:
        return matches.condition
    fts = (
        select(text("rowid"))
        .select_from(text("customers_fts"))
        .where(
            text("customers_fts MATCH :phrase").bindparams(
                phrase=_fts_phrase(str(matches.fts_term))
            )
        )
    )
    return Customer.id.in_(fts)


# Leaf pages (~4 KB each) merged per step: measured at a million customers, a median of
# 0.12 s of write lock per step (longest 1.4 s), 13 s in all.
MERGE_PAGES = 500


def merge_index_step(session: Session, pages: int = MERGE_PAGES) -> bool:
    """Merge up to `pages` leaf pages of the SQLite FTS index toward one segment; False when
    there was nothing left to merge.

    FTS5 records a changed or deleted row as a delete marker in a new segment and keeps the
    old trigrams in older segments until the two are merged, so an erased name stays in
    `customers_fts_data`. A 'merge' with a negative page count merges every segment into
    one, step by step; once one segment is left the deleted trigrams are gone. One
    'optimize' does the same in one go, holding the write lock for 5.6 s at a million
    customers on a busy machine: too close to the 10 s a web request waits for it."""
    before = int(session.scalar(text("SELECT total_changes()")) or 0)
    session.execute(
        text("INSERT INTO customers_fts(customers_fts, rank) VALUES ('merge', :pages)"),
        {"pages": -abs(pages)},
    )
    # SQLite's documented test: a step that did work changed more than one row.
    return int(session.scalar(text("SELECT total_changes()")) or 0) - before >= 2
