"""The `feedback` import kind: reviews, survey answers and comments from other tools.

A row is one item for a customer named by `customer_external_id` or `customer_email`
(the external id wins when both are given; an e-mail two customers share names nobody),
with its `source` (a short code: review, survey, ...), an optional `score` on its `scale`,
the `text` as written, `received_at`, and optionally its `language` (else detected from
the text) and `external_id`. Rows are identified by `source` + `external_id`, or, in a
file without external ids, by the customer + `source` + `received_at`, so re-running a
file changes nothing. The rules are the REST API's (`service.check_content`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, Select, String, Table, and_, case, false, literal, select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.analytics.text import language as languages
from centricity.feedback import schemas, service
from centricity.feedback.models import MAX_EXTERNAL_ID, MAX_SOURCE, MAX_TEXT, FeedbackItem
from centricity.imports import reasons
from centricity.imports.check import synonyms as syn
from centricity.imports.kinds import choices, words
from centricity.imports.models import RecordKey
from centricity.imports.registry import (
    CUSTOMER_REFERENCE,
    FieldSpec,
    KeyOption,
    KindSpec,
    Reference,
    register,
)
from centricity.imports.registry import FieldType as T
from centricity.kit.i18n import noop, pnoop
from centricity.kit.time import utcnow

NAME = "feedback"
CUSTOMER_FIELDS = ("customer_external_id", "customer_email")

SOURCE = words("source|channel|origin|zdroj|kanál|källa|kanal|šaltinis|źródło|источник|канал")
SCORE = words(
    "score|rating|grade|nps|skóre|hodnocení|známka|betyg|poäng|įvertinimas|balas|ocena|"
    "wynik|оценка|балл"
)
SCALE = words("scale|rating scale|škála|stupnice|skala|skalė|шкала")
SCALES = {
    "nps": words("nps|net promoter|net promoter score|0-10"),
    "csat": words("csat|satisfaction|spokojenost|nöjdhet|pasitenkinimas|zadowolenie|1-5"),
    "ces": words("ces|customer effort|effort|úsilí|ansträngning|pastangos|wysiłek|усилия|1-7"),
    "stars": words("stars|star|hvězdičky|hvězdy|stjärnor|žvaigždutės|gwiazdki|звёзды|звезды"),
    "percent": words("percent|%|procenta|procent|procentai|процент|проценты"),
}
TEXT = (
    *words(
        "text|feedback|review|answer|verbatim|why|zpětná vazba|recenze|odpověď|omdöme|svar|"
        "atsiliepimas|atsakymas|opinia|recenzja|odpowiedź|отзыв|ответ|текст"
    ),
    *syn.NOTE,
)
RECEIVED_AT = words(
    "received at|received|date|submitted|submitted at|created|created at|přijato|datum|"
    "mottagen|datum|gauta|data|otrzymano|получено|дата"
)
FEEDBACK_ID = words(
    "feedback id|review id|response id|answer id|id hodnocení|id recenze|recensions-id|"
    "atsiliepimo id|id opinii|id отзыва"
)
_SOURCE_CODE = re.compile(schemas.SOURCE_PATTERN)


def _text(template: str, **values: str) -> ColumnElement[str]:
    return literal(reasons.fill(template, **values), String())


def _nothing(staging: Table) -> Select[Any]:
    return select(staging.c.line, literal("")).where(false())


def _column(staging: Table, name: str) -> ColumnElement[Any]:
    return staging.c[name] if name in staging.c else literal(None)


def _customer_named(_session: Session, staging: Table) -> Select[Any]:
    """Every row names its customer by external id or by e-mail."""
    reason = _text(reasons.ONE_OF_REQUIRED, fields=", ".join(CUSTOMER_FIELDS))
    if "customer_id" not in staging.c:
        return select(staging.c.line, reason)
    return select(staging.c.line, reason).where(staging.c.customer_id.is_(None))


def row_problem(source: str, score: Decimal | None, scale: str | None, text: str) -> str | None:
    """Why a row cannot be stored (the stored English reason), or None: the REST API's
    rules (`service.check_content`) in the importer's words."""
    if not _SOURCE_CODE.fullmatch(source or ""):
        return reasons.fill(reasons.NOT_SOURCE_CODE, field="source")
    problem = schemas.check_score(score, scale)
    if problem == schemas.SCALE_NEEDS_SCORE:
        return reasons.fill(reasons.SCALE_WITHOUT_SCORE, field="scale")
    if problem == schemas.SCORE_NEEDS_SCALE:
        return reasons.fill(reasons.SCORE_WITHOUT_SCALE, field="score")
    if problem is not None:
        return reasons.fill(reasons.NOT_ON_SCALE, field="score")
    if score is None and not text.strip():
        return reasons.fill(reasons.NOTHING_SAID, fields="score, text")
    return None


def _content(session: Session, staging: Table) -> Select[Any]:
    """Rows whose source is not a code, whose score is off its scale, or that say nothing
    (checked in Python by the same rules as the REST API: one rule, one place)."""
    columns = [_column(staging, n) for n in ("source", "score", "scale", "text")]
    found: dict[int, str] = {}
    for line, source, score, scale, text in session.execute(select(staging.c.line, *columns)):
        value = Decimal(str(score)) if score is not None else None
        problem = row_problem(source, value, scale, text or "")
        if problem is not None:
            found[int(line)] = problem
    if not found:
        return _nothing(staging)
    reason = case(found, value=staging.c.line)
    return select(staging.c.line, reason).where(staging.c.line.in_(list(found)))


def _source_id_taken(_session: Session, staging: Table) -> Select[Any]:
    """A `source` + `external_id` that an item added otherwise (the REST API, another
    kind of file) already holds: refused like a taken id, never duplicated."""
    if "external_id" not in staging.c or "key_hash" not in staging.c:
        return _nothing(staging)
    items = FeedbackItem.__table__
    keys = RecordKey.__table__
    own = select(keys.c.record_id).where(keys.c.kind == NAME, keys.c.key_hash == staging.c.key_hash)
    taken = (
        select(items.c.id)
        .where(
            items.c.source == staging.c.source,
            items.c.external_id == staging.c.external_id,
            items.c.id.not_in(own),
        )
        .exists()
    )
    reason = _text(reasons.UNAVAILABLE, fields="source, external_id")
    return select(staging.c.line, reason).where(and_(staging.c.external_id.is_not(None), taken))


def _prepare(frame: pl.DataFrame, _mapped: frozenset[str]) -> pl.DataFrame:
    """Codes as stored (`Review` → `review`), blank text as empty, and the language
    detected where the file gives none."""
    frame = frame.with_columns(pl.col("source").str.to_lowercase().str.replace_all(r"[ -]", "_"))
    if "text" not in frame.columns:
        frame = frame.with_columns(pl.lit("", pl.String).alias("text"))
    frame = frame.with_columns(pl.col("text").fill_null(""))
    given = frame["language"] if "language" in frame.columns else [None] * frame.height
    found = [
        code or (languages.detect(text) if text else None)
        for code, text in zip(given, frame["text"].to_list(), strict=True)
    ]
    return frame.with_columns(pl.Series("language", found, dtype=pl.String))


def hidden_from(actor: User) -> ColumnElement[bool]:
    """Items the actor may not see (`service.visibility`, null-safe): an import never
    matches, changes, counts or names them."""
    return service.visibility(actor).is_not(True)


FEEDBACK = register(
    KindSpec(
        name=NAME,
        table="feedback_items",
        description=noop(
            "feedback from other tools (reviews, survey answers, comments), keyed by source + "
            "external_id; customers by their external_id or e-mail"
        ),
        fields=(
            FieldSpec(
                "customer_external_id", column=None, max_length=100, synonyms=syn.CUSTOMER_REF
            ),
            FieldSpec("customer_email", T.EMAIL, column=None, synonyms=syn.EMAIL),
            FieldSpec("source", required=True, max_length=MAX_SOURCE, synonyms=SOURCE),
            FieldSpec("score", T.DECIMAL, minimum=0, places=2, synonyms=SCORE),
            FieldSpec("scale", T.CHOICE, choices=choices(SCALES), synonyms=SCALE),
            FieldSpec("text", max_length=MAX_TEXT, synonyms=TEXT),
            FieldSpec(
                "received_at", T.DATETIME, required=True, not_future=True, synonyms=RECEIVED_AT
            ),
            FieldSpec("language", T.LANGUAGE, synonyms=syn.LANGUAGE),
            FieldSpec("external_id", max_length=MAX_EXTERNAL_ID, synonyms=FEEDBACK_ID),
        ),
        keys=(
            KeyOption(("source", "external_id")),
            KeyOption(("customer_external_id", "source", "received_at")),
            KeyOption(("customer_email", "source", "received_at")),
        ),
        references=(
            CUSTOMER_REFERENCE,
            # E-mail cells are lower-cased when checked, as customers' e-mails are stored.
            Reference(
                "customer_email", "customer_id", "customers", key="email", label="customer e-mail"
            ),
        ),
        derived=("text", "language"),
        insert_defaults=lambda: {"created_at": utcnow()},
        prepare=_prepare,
        checks=(_customer_named, _content, _source_id_taken),
        hidden=hidden_from,
        # An imported item was recorded by its importer, as one added through the API.
        owner_values=lambda actor: {"recorded_by_user_id": actor.id},
    )
)

KIND_LABEL = pnoop("import kind", "feedback")
