"""What `centricity voice analyze` leaves in the Voice store, written set-based: the themes
(`feedback_themes`, a label per language as `run._labels_per_language` stores them) and,
on every feedback item, its sentiment with the model's probability, its theme (or none)
and the time it was analysed, then each theme's size as `run._count_sizes` counts it.

One statement per table, no item through Python. Themes are sized like real ones, a few
large and a long tail (Zipf, s = 1), with `UNTHEMED` per cent of the items in no theme.
Sentiment follows the item's rating as the classifier trained on the ratings mostly does
(one in ten disagrees), and unhappy items fall in other themes than happy ones (a fixed
shift of the theme rank), so the drivers find themes that pull the score down or up.
The embeddings are left out: the pages never read them (1,000,000 × 384 floats would be
1.5 GB of store for nothing measured here).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from survey_bench.bulk import AS_OF, is_postgres, json_literal, numbers, quoted

THEMES = 50
UNTHEMED = 17  # per cent of the analysed items in no theme
NEGATIVE_SHIFT = 7  # unhappy items take the theme this many ranks further on
BUCKETS = 100_000
# Lemmas the labels are made of (c-TF-IDF's top terms, joined by ", "), per language.
WORDS = {
    "en": ("courier", "delivery", "refund", "call", "price", "app", "invoice", "staff", "wait",
           "package"),
    "cs": ("kurýr", "doručení", "vrácení", "hovor", "cena", "aplikace", "faktura", "personál",
           "čekání", "balík"),
    "sv": ("bud", "leverans", "återbetalning", "samtal", "pris", "app", "faktura", "personal",
           "väntan", "paket"),
    "lt": ("kurjeris", "pristatymas", "grąžinimas", "skambutis", "kaina", "programėlė",
           "sąskaita", "personalas", "laukimas", "siuntinys"),
    "pl": ("kurier", "dostawa", "zwrot", "telefon", "cena", "aplikacja", "faktura", "obsługa",
           "czekanie", "paczka"),
    "ru": ("курьер", "доставка", "возврат", "звонок", "цена", "приложение", "счёт", "персонал",
           "ожидание", "посылка"),
}  # fmt: skip


def add_analysis(db: Session, *, themes: int = THEMES) -> int:
    """Themes, sentiment and theme ids as after one analysis run; the first theme's id."""
    _add_themes(db, themes)
    first = int(db.scalar(text("SELECT min(id) FROM feedback_themes")) or 0)
    _analyse_items(db, first, themes)
    db.execute(
        text(
            "UPDATE feedback_themes SET size = (SELECT count(*) FROM feedback_items f"
            " WHERE f.theme_id = feedback_themes.id)"
        )
    )
    return first


def _label(language: str, k: str) -> str:
    """Theme `k`'s (0-based, an SQL expression) label in `language`: two of its words, a
    distinct pair per theme up to 50 themes."""
    words = quoted(WORDS[language])
    first = " ".join(f"WHEN {n} THEN {w}" for n, w in enumerate(words))
    return (
        f"(CASE ({k}) % 10 {first} END || ', ' || "
        f"CASE (({k}) % 10 + 1 + ({k}) / 10) % 10 {first} END)"
    )


def _add_themes(db: Session, count: int) -> None:
    """`count` active themes with a label in each of the six languages (the main label in
    the theme's largest language, taken here as one of the six by turn)."""
    k = "(i - 1)"
    labels = " || ', ' || ".join(f"'\"{code}\": \"' || {_label(code, k)} || '\"'" for code in WORDS)
    labels = f"'{{' || {labels} || '}}'"
    if is_postgres(db):
        labels, now = f"CAST({labels} AS JSONB)", f"TIMESTAMPTZ '{AS_OF}+00'"
    else:
        now = f"'{AS_OF}'"
    main = " ".join(f"WHEN {n} THEN {_label(code, k)}" for n, code in enumerate(WORDS))
    db.execute(
        text(
            "INSERT INTO feedback_themes (label, labels, keywords, status, size, created_at,"
            f" updated_at) {numbers(db, count)} SELECT CASE {k} % 6 {main} END, {labels},"
            f" {json_literal(db, '[]')},"
            f" 'active', 0, {now}, {now} FROM n"
        )
    )


def zipf_bounds(count: int, unthemed: int = UNTHEMED) -> list[int]:
    """The upper bucket (of `BUCKETS`) of each theme rank: rank r takes a share 1/r of the
    themed items (normalised); buckets from the last bound on are in no theme."""
    weights = [1 / rank for rank in range(1, count + 1)]
    themed = BUCKETS * (100 - unthemed) / 100
    bounds, total = [], 0.0
    for weight in weights:
        total += weight
        bounds.append(round(themed * total / sum(weights)))
    return bounds


def _analyse_items(db: Session, first: int, count: int) -> None:
    """Sentiment, probability, theme and analysed time on every item, in one UPDATE."""
    big = "CAST(id AS BIGINT)"  # the spreading products pass 2^31 on PostgreSQL's integer
    bucket = f"(({big} * 2654435761) % 1000003) % {BUCKETS}"
    rank = " ".join(f"WHEN {bucket} < {b} THEN {r}" for r, b in enumerate(zipf_bounds(count)))
    rated = (
        "CASE WHEN score IS NULL OR scale NOT IN ('nps', 'csat', 'ces', 'stars') THEN NULL"
        " WHEN scale = 'nps' THEN CASE WHEN score <= 6 THEN 'negative' WHEN score <= 8"
        " THEN 'neutral' ELSE 'positive' END"
        " WHEN scale = 'ces' THEN CASE WHEN score <= 3 THEN 'positive' WHEN score < 5"
        " THEN 'neutral' ELSE 'negative' END"
        " WHEN score < 3 THEN 'negative' WHEN score < 4 THEN 'neutral' ELSE 'positive' END"
    )
    guessed = (
        f"CASE WHEN ({big} * 48271) % 100 < 30 THEN 'negative'"
        f" WHEN ({big} * 48271) % 100 < 55 THEN 'neutral' ELSE 'positive' END"
    )
    sentiment = f"CASE WHEN ({rated}) IS NULL OR id % 10 = 0 THEN {guessed} ELSE {rated} END"
    shifted = f"CASE WHEN ({sentiment}) = 'negative' THEN {NEGATIVE_SHIFT} ELSE 0 END"
    analysed = f"TIMESTAMPTZ '{AS_OF}+00'" if is_postgres(db) else f"'{AS_OF}'"
    db.execute(
        text(
            f"UPDATE feedback_items SET sentiment = {sentiment},"
            f" sentiment_probability = 0.45 + (({big} * 7919) % 55) / 100.0,"
            f" theme_id = {first} + ((CASE {rank} END) + {shifted}) % {count},"
            f" analysed_at = {analysed}"
        )
    )
