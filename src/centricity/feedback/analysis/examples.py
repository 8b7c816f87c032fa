"""The example quotes of the themes: customers' own words, only items the viewer may see
(`feedback.service.visible_items`), each in another language where a theme has several.

Every theme's examples are found together in three statements whatever the number of
themes: the newest few items of each theme in each language it needs (one `UNION ALL` of
small index reads, `ix_feedback_items_theme_id_received_at`), which of them the viewer may
see (one query by id), and their words. Asking per theme and language with the viewer's
rule in the same query led SQLite's planner to walk every item of every customer the viewer
sees (the rule's `customer_id IN (…)`): 2.3 s a query, 150 queries, at a million items.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select, union_all
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.feedback import service as feedback
from centricity.feedback.models import FeedbackItem

EXAMPLES = 3
# Items read per theme and language before the viewer's rights are checked: most viewers
# see nearly every item, so the newest visible one is almost always among the first few
# (`FIRST`); when none is, the search goes on `CANDIDATES` at a time (`newest_visible`).
# Checking 50 a pair at once took 0.9 s on SQLite for 150 pairs, 5 a pair 0.1 s.
FIRST = 5
CANDIDATES = 50
# Ids checked against the viewer's rule per query. Up to 50 SQLite reads them by rowid; from
# about 100 (measured at a million items and 100,000 customers) its planner walks the
# customers' index instead, every item of every customer seen: 0.5 s for 750 ids against
# 5 ms by rowid. 25 keeps a margin for other stores' statistics.
VISIBLE_CHUNK = 25
NEWEST = (FeedbackItem.received_at.desc(), FeedbackItem.id.desc())


@dataclass(frozen=True)
class Quote:
    """A customer's own words as a theme example."""

    id: int
    text: str
    language: str | None


def ranked_languages(language: str | None, languages: list[str]) -> list[str]:
    """The languages to take examples in, in order: the viewer's first where the theme
    has items in it, then the theme's largest (`languages`, most items first)."""
    ranked = [code for code in languages if code != language]
    if language and language in (languages or [language]):
        ranked.insert(0, language)
    return ranked


def examples_of(
    session: Session,
    themes: dict[int, list[str]],
    *,
    actor: User,
    language: str | None,
    limit: int = EXAMPLES,
) -> dict[int, list[Quote]]:
    """Up to `limit` examples of each theme of `themes` (theme id: its languages, most
    items first): the newest item the viewer may see in each ranked language
    (`ranked_languages`) until `limit` are found, then the theme's newest others."""
    ranked = {theme_id: ranked_languages(language, codes) for theme_id, codes in themes.items()}
    wanted = [(t, code) for t, codes in ranked.items() for code in codes[:limit]]
    candidates = _candidates(session, wanted)
    seen = _visible(session, actor, [i for ids in candidates.values() for i in ids])
    chosen: dict[int, list[int]] = {}
    for theme_id, codes in ranked.items():
        picked: list[int] = []
        for code in codes:
            found = _first_visible(session, actor, theme_id, code, candidates, seen)
            picked.extend(found)
            if len(picked) == limit:
                break
        if len(picked) < limit:
            others = [*_words(theme_id)] + ([FeedbackItem.id.not_in(picked)] if picked else [])
            picked.extend(newest_visible(session, actor, others, limit - len(picked)))
        chosen[theme_id] = picked
    return _quotes(session, chosen)


def _words(theme_id: int) -> list[ColumnElement[bool]]:
    return [FeedbackItem.theme_id == theme_id, FeedbackItem.text != ""]


def _in_language(code: str) -> ColumnElement[bool]:
    return FeedbackItem.language.is_(None) if code == "und" else FeedbackItem.language == code


def _newest_ids(conditions: list[ColumnElement[bool]], offset: int = 0) -> Select[int]:
    query = select(FeedbackItem.id).where(*conditions).order_by(*NEWEST)
    return query.offset(offset).limit(CANDIDATES)


def _candidates(
    session: Session, wanted: list[tuple[int, str]]
) -> dict[tuple[int, str], list[int]]:
    """The newest `FIRST` item ids of each (theme, language), newest first."""
    found: dict[tuple[int, str], list[int]] = {pair: [] for pair in wanted}
    if not wanted:
        return found
    parts = [
        select(
            FeedbackItem.id, FeedbackItem.theme_id, FeedbackItem.language, FeedbackItem.received_at
        )
        .where(*_words(theme_id), _in_language(code))
        .order_by(*NEWEST)
        .limit(FIRST)
        .subquery()
        .select()
        for theme_id, code in wanted
    ]
    rows = session.execute(union_all(*parts)).all()
    for item_id, theme_id, code, _received in sorted(
        rows, key=lambda r: (r[3], r[0]), reverse=True
    ):
        found[(int(theme_id), code or "und")].append(int(item_id))
    return found


def _visible(session: Session, actor: User, ids: list[int]) -> set[int]:
    """Which of `ids` the viewer may see, asked `VISIBLE_CHUNK` ids at a time on SQLite
    (PostgreSQL's planner looks a long id list up by key: one query)."""
    seen: set[int] = set()
    step = VISIBLE_CHUNK if session.get_bind().dialect.name == "sqlite" else 5_000
    for start in range(0, len(ids), step):
        chunk = ids[start : start + step]
        query = feedback.visible_items(actor).where(FeedbackItem.id.in_(chunk))
        seen.update(session.scalars(query.with_only_columns(FeedbackItem.id)))
    return seen


def _first_visible(
    session: Session,
    actor: User,
    theme_id: int,
    code: str,
    candidates: dict[tuple[int, str], list[int]],
    seen: set[int],
) -> list[int]:
    """The newest visible item of a theme in one language: from the candidates read
    together, else (a language past the first few, or none of the candidates visible)
    searched on its own."""
    ids = candidates.get((theme_id, code))
    if ids is not None:
        for item_id in ids:
            if item_id in seen:
                return [item_id]
        if len(ids) < FIRST:
            return []
    conditions = [*_words(theme_id), _in_language(code)]
    return newest_visible(session, actor, conditions, 1)


def newest_visible(
    session: Session, actor: User, conditions: list[ColumnElement[bool]], count: int
) -> list[int]:
    """The ids of the newest `count` items meeting `conditions` that the viewer may see:
    candidates read newest first, `CANDIDATES` at a time, then checked by id."""
    found: list[int] = []
    offset = 0
    while len(found) < count:
        ids = list(session.scalars(_newest_ids(conditions, offset)))
        if not ids:
            break
        seen = _visible(session, actor, ids)
        found.extend([i for i in ids if i in seen][: count - len(found)])
        if len(ids) < CANDIDATES:
            break
        offset += CANDIDATES
    return found


def _quotes(session: Session, chosen: dict[int, list[int]]) -> dict[int, list[Quote]]:
    """The chosen items' words, in the order chosen."""
    ids = [i for picked in chosen.values() for i in picked]
    rows = {}
    for start in range(0, len(ids), 5_000):
        query = select(FeedbackItem.id, FeedbackItem.text, FeedbackItem.language).where(
            FeedbackItem.id.in_(ids[start : start + 5_000])
        )
        rows.update({int(r[0]): Quote(int(r[0]), r[1], r[2]) for r in session.execute(query)})
    return {theme_id: [rows[i] for i in picked] for theme_id, picked in chosen.items()}
