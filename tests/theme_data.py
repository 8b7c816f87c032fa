"""A store with analysed feedback for the theme pages and their browser test: comments of
tests/data/text_eval (each language, each topic) as items of one customer per language, an
NPS score matching each comment's labelled sentiment, spread over the last weeks, plus
score-only answers (in no theme: the drivers' reference).

The embedder is the hashing embedder (spelling: instant, deterministic) beside the
comment's labelled topic, standing in for a multilingual model that groups by meaning: the
hashing embedder alone makes ~30 themes of 5 items from 150 comments, and driver analysis
needs 30 items per theme. The real model's quality is measured in tests/analytics/text."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from centricity.analytics.text.embedding import HashingEmbedder, normalise_rows
from centricity.analytics.text.normalise import topic_text
from centricity.config import Settings
from centricity.customers.models import Customer
from centricity.feedback.analysis import run
from centricity.feedback.models import FeedbackItem
from centricity.kit.time import utcnow

COMMENTS = Path(__file__).parent / "data" / "text_eval" / "comments.csv"
SCORE = {"negative": Decimal(2), "neutral": Decimal(7), "positive": Decimal(10)}


class TopicEmbedder:
    """Each text's labelled topic (one-hot) with a little of its spelling (hashing)."""

    name = "test/topic+hashing"
    version = "1"

    def __init__(self, topics: dict[str, str]) -> None:
        self.topics = topics
        self.names = sorted(set(topics.values()))
        self.hashing = HashingEmbedder(64)

    def embed(self, texts: Any) -> Any:
        """Topic one-hot (weight 1) beside the hashed spelling (weight 0.3), unit length."""
        spelling = self.hashing.embed(list(texts)) * 0.3
        topic = np.zeros((len(texts), len(self.names)), dtype=np.float32)
        for row, text in enumerate(texts):
            if text in self.topics:
                topic[row, self.names.index(self.topics[text])] = 1.0
        return normalise_rows(np.hstack([topic, spelling]))


def comments(per_language: int) -> list[dict[str, str]]:
    """The first `per_language` comments of each language, in file order."""
    with COMMENTS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    taken: Counter[str] = Counter()
    chosen = []
    for row in rows:
        if taken[row["language"]] < per_language:
            taken[row["language"]] += 1
            chosen.append(row)
    return chosen


def store_comments(
    db: Session, rows: list[dict[str, str]], *, now: datetime | None = None, hours: int = 7
) -> list[int]:
    """One customer per language; an item per comment, `hours` apart back from `now`."""
    now = now or utcnow()
    customers: dict[str, Customer] = {}
    for code in sorted({row["language"] for row in rows}):
        customer = db.scalar(select(Customer).where(Customer.name == f"Customer {code}"))
        if customer is None:
            customer = Customer(name=f"Customer {code}", preferred_language=code)
            db.add(customer)
            db.flush()
        customers[code] = customer
    items = [
        FeedbackItem(
            customer_id=customers[row["language"]].id,
            source="survey" if i % 3 else "import",
            score=SCORE[row["sentiment"]],
            scale="nps",
            text=row["text"],
            received_at=now - timedelta(hours=hours * (i + 1)),
        )
        for i, row in enumerate(rows)
    ]
    db.add_all(items)
    db.flush()
    return [item.id for item in items]


def store_scores(db: Session, count: int, *, now: datetime | None = None) -> None:
    """`count` NPS answers without words (0 to 10 in turn), in no theme."""
    now = now or utcnow()
    customer = db.scalar(select(Customer).order_by(Customer.id).limit(1))
    assert customer is not None
    db.add_all(
        FeedbackItem(
            customer_id=customer.id,
            source="survey" if i % 3 else "import",
            score=Decimal(i % 11),
            scale="nps",
            text="",
            received_at=now - timedelta(hours=5 * (i + 1)),
        )
        for i in range(count)
    )
    db.flush()


def analysed_store(db: Session, settings: Settings, per_language: int = 80) -> run.Result:
    """Store the comments (80 per language: ~48 per topic) and 150 score-only answers, and
    analyse them with the topic + hashing embedder."""
    rows = comments(per_language)
    store_comments(db, rows)
    store_scores(db, 150)
    # The run embeds each comment and its topic text (the base forms): both know the topic.
    topics = {row["text"]: row["topic"] for row in rows}
    topics |= {topic_text(row["text"], row["language"]): row["topic"] for row in rows}
    embedder = TopicEmbedder(topics)
    hashing = settings.model_copy(update={"text_embedder": "hashing"})
    return run.analyze(db, settings=hashing, embedder=embedder)


@contextmanager
def grouped_reads(db: Session) -> Iterator[list[str]]:
    """The statements run meanwhile that group or aggregate feedback items."""
    seen: list[str] = []
    engine = db.get_bind().engine

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        lowered = statement.lower()
        if "feedback_items" in lowered and ("group by" in lowered or "avg(" in lowered):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)
