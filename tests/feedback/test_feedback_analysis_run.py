"""The text analysis run on the store: new items get a language, two embeddings (the text
and its topic text), a theme and a sentiment; items embedded before the topic vectors get
theirs once, and their themes carry over; re-runs embed nothing again; an interrupted run
resumes; a full re-run keeps the themes' ids; texts that cannot be analysed are marked with a
reason.

The embedder here is the library's hashing embedder (spelling, not meaning: instant and
deterministic) wrapped to count what it is asked; the real model's quality is measured in
tests/analytics/text and benchmarks/text_quality.py."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from centricity.analytics.text.embedding import HashingEmbedder, default_embedder
from centricity.analytics.text.normalise import topic_texts
from centricity.config import Settings
from centricity.customers.models import Customer
from centricity.feedback.analysis import run, stored
from centricity.feedback.analysis.models import FeedbackEmbedding, Theme
from centricity.feedback.models import FeedbackItem
from theme_data import TopicEmbedder, comments, store_comments, store_scores

SCORE = {"negative": Decimal(2), "neutral": Decimal(7), "positive": Decimal(10)}


class CountingEmbedder:
    """The hashing embedder, counting every text it embeds; fails after `fail_after`
    calls when set (a run stopped half-way)."""

    name = "hashing/char-3-5"
    version = "1"
    dimension = 256

    def __init__(self, fail_after: int | None = None, inner: Any = None) -> None:
        self.inner = inner or HashingEmbedder(self.dimension)
        self.name, self.version = self.inner.name, self.inner.version
        self.seen: Counter[str] = Counter()
        self.calls = 0
        self.fail_after = fail_after

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise RuntimeError("stopped")
        self.calls += 1
        self.seen.update(texts)
        return self.inner.embed(texts)


def _store(db: Session, rows: list[dict[str, str]], *, first: int = 0) -> list[int]:
    """One customer per language (their preferred language set), an item per comment: the
    rated ones carry an NPS score matching their label; none carries a language."""
    customers: dict[str, Customer] = {}
    for code in sorted({row["language"] for row in rows}):
        customer = db.scalar(select(Customer).where(Customer.name == f"Customer {code}"))
        if customer is None:
            customer = Customer(name=f"Customer {code}", preferred_language=code)
            db.add(customer)
            db.flush()
        customers[code] = customer
    start = datetime(2026, 11, 1, tzinfo=UTC)
    items = [
        FeedbackItem(
            customer_id=customers[row["language"]].id,
            source="import",
            score=SCORE[row["sentiment"]],
            scale="nps",
            text=row["text"],
            received_at=start + timedelta(hours=first + i),
        )
        for i, row in enumerate(rows)
    ]
    db.add_all(items)
    db.flush()
    return [item.id for item in items]


@pytest.fixture()
def hashing_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"text_embedder": "hashing"})


def test_a_run_gives_every_new_item_language_embedding_theme_and_sentiment(
    db: Session, hashing_settings: Settings
) -> None:
    rows = comments(20)
    ids = _store(db, rows)
    embedder = CountingEmbedder()
    result = run.analyze(db, settings=hashing_settings, embedder=embedder)
    assert result.items == len(ids) and result.embedded == len(ids)
    assert result.themes >= 2
    assert result.summary() == f"items={len(ids)} embedded={len(ids)} themes={result.themes}"
    items = db.scalars(select(FeedbackItem).order_by(FeedbackItem.id)).all()
    assert all(item.analysed_at is not None for item in items)
    assert all(item.sentiment in ("negative", "neutral", "positive") for item in items)
    assert all(0 < (item.sentiment_probability or 0) <= 1 for item in items)
    # Detected (three words and more) or the customer's language (shorter).
    expected = {row["text"]: row["language"] for row in rows}
    right = sum(item.language == expected[item.text] for item in items)
    assert right >= 0.95 * len(items)
    themed = [item for item in items if item.theme_id is not None]
    assert themed and {item.theme_id for item in themed} <= set(db.scalars(select(Theme.id)))
    sizes = dict(db.execute(select(Theme.id, Theme.size)).all())
    assert sum(sizes.values()) == len(themed)
    assert max(embedder.seen.values()) == 1


def test_a_re_run_embeds_nothing_again_and_analyses_only_new_items(
    db: Session, hashing_settings: Settings
) -> None:
    rows = comments(20)
    _store(db, rows[:90])
    run.analyze(db, settings=hashing_settings, embedder=CountingEmbedder())
    again = CountingEmbedder()
    assert (
        run.analyze(db, settings=hashing_settings, embedder=again)
        .summary()
        .startswith("items=0 embedded=0 ")
    )
    assert again.calls == 0
    _store(db, rows[90:], first=90)
    result = run.analyze(db, settings=hashing_settings, embedder=again)
    assert result.items == result.embedded == len(rows) - 90
    # Each new item twice, as written and as its topic text; no earlier item again.
    assert sum(again.seen.values()) == 2 * (len(rows) - 90)
    assert {row["text"] for row in rows[90:]} <= set(again.seen)
    assert not {row["text"] for row in rows[:90]} & set(again.seen)
    assert db.scalar(select(func.count()).select_from(FeedbackEmbedding)) == len(rows)


def test_a_stopped_run_resumes_without_embedding_an_item_twice(
    db: Session, hashing_settings: Settings
) -> None:
    rows = comments(60)
    _store(db, rows)
    stopping = CountingEmbedder(fail_after=1)
    with pytest.raises(RuntimeError):
        run.analyze(db, settings=hashing_settings, embedder=stopping, checkpoint=db.flush)
    # The embedder also saw each item's topic text: count the comments as written.
    first_batch = {row["text"] for row in rows} & set(stopping.seen)
    assert 0 < len(first_batch) < len(rows)
    resumed = CountingEmbedder()
    result = run.analyze(db, settings=hashing_settings, embedder=resumed)
    assert not first_batch & set(resumed.seen)
    assert result.embedded == len(rows) - len(first_batch)
    assert db.scalar(select(func.count()).select_from(FeedbackEmbedding)) == len(rows)
    assert db.scalar(select(func.count()).where(FeedbackItem.analysed_at.is_(None))) == 0


def test_texts_that_cannot_be_analysed_get_their_reason_and_never_fail_the_run(
    db: Session, hashing_settings: Settings
) -> None:
    _store(db, comments(20))
    customer_id = db.scalar(select(Customer.id).limit(1))
    odd = {"": "empty", "   \n\t ": "empty", "👍👍🙂": "no letters", "12345 !!!": "no letters"}
    received = datetime(2026, 12, 1, tzinfo=UTC)
    for text in odd:
        db.add(FeedbackItem(customer_id=customer_id, source="api", text=text, received_at=received))
    long_text = "Zásilka přišla pozdě. " * 5_000  # about 110,000 characters
    db.add(
        FeedbackItem(customer_id=customer_id, source="api", text=long_text, received_at=received)
    )
    db.flush()
    result = run.analyze(db, settings=hashing_settings, embedder=CountingEmbedder())
    assert result.not_analysable == len(odd)
    found = db.execute(
        select(FeedbackItem.text, FeedbackItem.not_analysable).where(
            FeedbackItem.not_analysable.is_not(None)
        )
    )
    reasons = dict(found.all())
    assert reasons == odd
    long_item = db.scalar(select(FeedbackItem).where(FeedbackItem.text == long_text))
    assert long_item is not None and long_item.sentiment is not None
    assert long_item.language == "cs"


def _themes_of(db: Session, ids: list[int]) -> dict[int, int | None]:
    found = db.execute(
        select(FeedbackItem.id, FeedbackItem.theme_id).where(FeedbackItem.id.in_(ids))
    )
    return dict(found.all())


def test_a_full_re_run_with_ten_percent_new_items_keeps_the_themes_ids(
    db: Session, hashing_settings: Settings
) -> None:
    # The real model: spelling-only vectors make no stable themes to keep.
    model = CountingEmbedder(inner=default_embedder())
    rows = comments(40)
    cut = int(len(rows) * 0.9)
    old_ids = _store(db, rows[:cut])
    first = run.analyze(db, settings=hashing_settings, embedder=model, full=True)
    before = _themes_of(db, old_ids)
    themes_before = set(db.scalars(select(Theme.id).where(Theme.status == "active")))
    db.execute(
        Theme.__table__.update().where(Theme.id == min(themes_before)).values(name="Our name")
    )
    _store(db, rows[cut:], first=cut)
    second = run.analyze(db, settings=hashing_settings, embedder=model, full=True)
    assert max(model.seen.values()) == 1
    after = _themes_of(db, old_ids)
    themes_after = set(db.scalars(select(Theme.id).where(Theme.status == "active")))
    assert first.themes >= 2 and second.themes >= 2
    # Most themes survive under their id; the items that had one mostly keep it.
    assert len(themes_before & themes_after) >= 0.6 * len(themes_before)
    kept = sum(1 for i in old_ids if before[i] is not None and before[i] == after[i])
    assert kept >= 0.6 * sum(1 for i in old_ids if before[i] is not None)
    named = db.get(Theme, min(themes_before))
    assert named is not None and named.name == "Our name"


def test_too_few_ratings_leave_sentiment_empty_with_the_reason(
    db: Session, hashing_settings: Settings
) -> None:
    rows = comments(5)
    _store(db, rows)
    result = run.analyze(db, settings=hashing_settings, embedder=CountingEmbedder())
    assert result.sentiment_note is not None and "not enough ratings" in result.sentiment_note
    assert db.scalar(select(func.count()).where(FeedbackItem.sentiment.is_not(None))) == 0
    assert result.items == len(rows)


def test_sentiment_trains_on_a_seeded_sample_when_ratings_exceed_the_cap(
    db: Session, hashing_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from centricity.analytics.text.sentiment import SentimentModel
    from centricity.feedback.analysis import stored

    rows = comments(40)
    _store(db, rows)
    monkeypatch.setattr(run, "MAX_TRAINING", 150)
    run.analyze(db, settings=hashing_settings, embedder=CountingEmbedder())
    saved = stored.latest(db, "sentiment")
    assert saved is not None
    assert stored.load(saved, SentimentModel).n_ratings_ == 150 < len(rows)
    assert db.scalar(select(func.count()).where(FeedbackItem.sentiment.is_(None))) == 0


class CountingTopics(CountingEmbedder):
    """The tests' topic embedder (labelled topic beside spelling), counting its texts."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        topics = {row["text"]: row["topic"] for row in rows}
        texts, languages = [row["text"] for row in rows], [row["language"] for row in rows]
        topics |= dict(zip(topic_texts(texts, languages), map(topics.get, texts), strict=True))
        super().__init__(inner=TopicEmbedder({k: v for k, v in topics.items() if v}))


def test_items_embedded_before_topic_vectors_get_them_once_and_keep_their_themes(
    db: Session, hashing_settings: Settings
) -> None:
    rows = comments(40)
    store_comments(db, rows)
    store_scores(db, 30)
    run.analyze(db, settings=hashing_settings, embedder=CountingTopics(rows))
    # As a store analysed before revision 0028: sentence vectors only, and a theme model
    # fitted on them (its state does not say "topic_vectors").
    db.execute(update(FeedbackEmbedding).values(topic_vector=None))
    model_row = stored.latest(db, "themes")
    assert model_row is not None and run.on_topics(model_row)
    model_row.state = {
        "model": model_row.state["model"],
        "store": {"rows": model_row.state["store"]["rows"]},
    }
    db.flush()
    before = dict(db.execute(select(FeedbackItem.id, FeedbackItem.theme_id)).all())
    themes_before = set(db.scalars(select(Theme.id).where(Theme.status == "active")))

    upgrade = CountingTopics(rows)
    result = run.analyze(db, settings=hashing_settings, embedder=upgrade)
    embedded = db.scalar(select(func.count()).select_from(FeedbackEmbedding))
    assert result.embedded == 0 and result.topic_vectors_added == embedded == len(rows)
    assert sum(upgrade.seen.values()) == len(rows)  # each item's topic text, once
    assert not {row["text"] for row in rows} & set(upgrade.seen)
    missing = select(func.count()).where(FeedbackEmbedding.topic_vector.is_(None))
    assert db.scalar(missing) == 0
    # The refit in the new space found the same groups: each theme kept its id and name.
    assert set(db.scalars(select(Theme.id).where(Theme.status == "active"))) == themes_before
    after = dict(db.execute(select(FeedbackItem.id, FeedbackItem.theme_id)).all())
    assert after == before
    latest = stored.latest(db, "themes")
    assert latest is not None and run.on_topics(latest)

    again = CountingTopics(rows)
    result = run.analyze(db, settings=hashing_settings, embedder=again, full=True)
    assert result.embedded == result.topic_vectors_added == again.calls == 0


def test_a_run_stopped_after_a_fit_finishes_the_assignment_next_time(
    db: Session, hashing_settings: Settings
) -> None:
    rows = comments(40)
    store_comments(db, rows)
    run.analyze(db, settings=hashing_settings, embedder=CountingTopics(rows), full=True)
    # As a run stopped after saving its fit and before reassigning the items: the model
    # says so, and some items still sit on a theme the fit retired.
    model_row = stored.latest(db, "themes")
    assert model_row is not None and run.assigned(model_row)
    model_row.state = {**model_row.state, "store": {**model_row.state["store"], "assigned": False}}
    stale = Theme(label="stale", labels={}, keywords=[], status="retired")
    db.add(stale)
    db.flush()
    moved = db.scalars(select(FeedbackItem.id).order_by(FeedbackItem.id).limit(7)).all()
    db.execute(update(FeedbackItem).where(FeedbackItem.id.in_(moved)).values(theme_id=stale.id))
    db.flush()

    resumed = CountingTopics(rows)
    result = run.analyze(db, settings=hashing_settings, embedder=resumed)
    assert result.embedded == 0 and resumed.calls == 0  # nothing new, nothing embedded
    on_stale = select(func.count()).where(FeedbackItem.theme_id == stale.id)
    assert db.scalar(on_stale) == 0
    latest = stored.latest(db, "themes")
    assert latest is not None and latest.id == model_row.id and run.assigned(latest)
    again = CountingTopics(rows)
    assert run.analyze(db, settings=hashing_settings, embedder=again).items == 0
