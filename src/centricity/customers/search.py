"""Customer search that stays index-backed at a million rows on SQLite and PostgreSQL.

SQLite uses the FTS5 trigram table `customers_fts` over the folded `search_key`;
PostgreSQL uses the pg_trgm GIN index on the same column (migration 0002). Queries under
three characters cannot use trigrams, so they match an external id exactly or a name prefix.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, text
from sqlalchemy.orm import Session

from centricity.customers.models import Customer
from centricity.kit.text import digits, fold

_PHONE_CHARS = set("+0123456789 ()-./")


def search_term(query: str) -> str:
    """Fold the user's query the way search keys are folded; phone-like input keeps digits."""
    stripped = query.strip()
    if stripped and set(stripped) <= _PHONE_CHARS and len(digits(stripped)) >= 3:
        return digits(stripped)
    return fold(stripped)


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def condition(session: Session, query: str) -> ColumnElement[bool]:
    """The WHERE clause matching `query` against name, e-mail, phone and external id."""
    term = search_term(query)
    if len(term) < 3:
        prefix = query.strip()
        return or_(
            Customer.external_id == prefix,
            Customer.name.between(prefix, prefix + "\uffff"),
            Customer.name.between(prefix.capitalize(), prefix.capitalize() + "\uffff"),
        )
    if session.get_bind().dialect.name == "sqlite":
        matches = (
            select(text("rowid"))
            .select_from(text("customers_fts"))
            .where(text("customers_fts MATCH :phrase").bindparams(phrase=_fts_phrase(term)))
        )
        return Customer.id.in_(matches)
    return Customer.search_key.ilike(_like_pattern(term), escape="\\")
