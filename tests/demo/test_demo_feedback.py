"""The demo's feedback: seeded, idempotent, in six languages, with a story to find."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.config import Settings
from centricity.db import make_engine
from centricity.demo import feedback, feedback_texts, generator, service_desk
from centricity.feedback.analysis import run as text_analysis
from centricity.feedback.analysis.models import Theme
from centricity.feedback.models import FeedbackItem
from centricity.migrations import runner
from centricity.value import service as value_service
from demo_letters import NATIVE
from store_helpers import TEST_SECRET

CUSTOMERS = 300
OPTIONS = generator.DemoOptions(42, CUSTOMERS)
END = service_desk.history_end(OPTIONS)


def _settings(url: str, data_dir: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=url,
        data_dir=data_dir,
        secret_key=TEST_SECRET,
        scheduler_enabled=False,
        text_embedder="hashing",
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed-42 workspace of 300 customers, value analysed, with its feedback, analysed
    with the hashing embedder (spelling only: fast, no model)."""
    folder = tmp_path_factory.mktemp("feedback42")
    url = f"sqlite:///{folder / 'centricity.db'}"
    settings = _settings(url, folder / "data")
    engine = make_engine(url)
    runner.upgrade(engine)
    try:
        with Session(engine) as session:
            generator.build(session, OPTIONS)
            session.commit()
        with Session(engine) as session:
            value_service.analyze(session, as_of=OPTIONS.as_of, settings=settings)
        with Session(engine) as session:
            assert feedback.build(session, OPTIONS, END) > 0
            session.commit()
        with Session(engine) as session:
            text_analysis.analyze(session, settings=settings, checkpoint=session.commit)
    finally:
        engine.dispose()
    return url


@pytest.fixture()
def session(store: str) -> Iterator[Session]:
    engine = make_engine(store)
    with Session(engine) as db:
        yield db
    engine.dispose()


def _items(session: Session) -> list[FeedbackItem]:
    query = select(FeedbackItem).where(FeedbackItem.external_id.like(OPTIONS.prefix + "F%"))
    return list(session.scalars(query.order_by(FeedbackItem.id)))


def test_it_plans_the_same_items_for_the_same_seed(session: Session) -> None:
    writers = feedback.load_writers(session, OPTIONS)
    first = feedback.plan(OPTIONS, writers, END)
    assert first == feedback.plan(OPTIONS, writers, END)
    other = feedback.plan(generator.DemoOptions(7, CUSTOMERS), writers, END)
    assert [r["text"] for r in other] != [r["text"] for r in first]
    stored = [(i.external_id, i.text, i.score, i.customer_id) for i in _items(session)]
    assert stored == [(r["external_id"], r["text"], r["score"], r["customer_id"]) for r in first]


def test_it_adds_nothing_when_run_again(session: Session) -> None:
    before = session.scalar(select(func.count()).select_from(FeedbackItem))
    assert feedback.build(session, OPTIONS, END) == 0
    assert session.scalar(select(func.count()).select_from(FeedbackItem)) == before
    assert not generator.changed_since_build(session, OPTIONS), "its audit entry is no change"
    session.rollback()


def test_it_writes_in_every_language_from_every_source_over_a_year(session: Session) -> None:
    items = _items(session)
    regular = feedback.item_count(CUSTOMERS)
    assert len(items) == regular + feedback.spike_count(regular)
    assert {i.language for i in items} == set(feedback_texts.TEXTS)
    assert {i.source for i in items} == {s for s, _c, _w in feedback.SOURCES}
    for language, letters in NATIVE.items():
        written = "".join(i.text for i in items if i.language == language).casefold()
        assert letters & set(written), language
    times = [i.received_at for i in items]
    assert max(times) < END and min(times) >= END - timedelta(days=feedback.HISTORY_DAYS + 1)
    assert all("{" not in i.text and i.text.strip() for i in items)


def test_its_scores_follow_the_words(session: Session) -> None:
    """Praise for staff scores higher than damaged parcels, on every scored scale."""
    items = _items(session)
    staff = feedback_texts.TEXTS
    for scale in ("nps", "csat", "stars"):
        scored = [i for i in items if i.scale == scale]

        def mean(topic: str, scored: list[FeedbackItem] = scored) -> float:
            words = {
                s
                for lang in staff.values()
                for s in (*lang[topic].negative, *lang[topic].neutral, *lang[topic].positive)
            }
            picked = [float(i.score) for i in scored if any(w in i.text for w in words)]
            assert picked, topic
            return float(np.mean(picked))

        assert mean("friendly_staff") > mean("damaged_parcel") + 1, scale


def test_the_courier_complaints_rise_in_the_last_week(session: Session) -> None:
    items = _items(session)
    courier = {
        s for lang in feedback_texts.TEXTS.values() for s in lang["courier_no_call"].negative
    }
    week = END - timedelta(days=feedback.SPIKE_DAYS)
    before = END - timedelta(days=feedback.SPIKE_DAYS + 28)

    def share(start: object, stop: object) -> float:
        window = [i for i in items if start <= i.received_at < stop]  # type: ignore[operator]
        return sum(1 for i in window if any(s.split("{")[0] in i.text for s in courier)) / max(
            1, len(window)
        )

    assert share(week, END) > 3 * share(before, week)


def test_billing_complaints_lean_to_the_best_tiers() -> None:
    """With 5,000 writers of whom the first 250 are in the best tier, billing complaints
    come from them several times as often as their share."""
    n = 5000
    valued = np.ones(n)
    valued[:250] = feedback.VALUED_WEIGHTS[0]
    writers = feedback.Writers(
        ids=list(range(1, n + 1)),
        languages=["en"] * n,
        since=np.zeros(n),
        valued=valued,
    )
    rows = feedback.plan(OPTIONS, writers, END)
    billing = {s.split("{")[0] for s in feedback_texts.EN["billing_error"].negative}
    by_best = Counter(r["customer_id"] <= 250 for r in rows if any(s in r["text"] for s in billing))
    others = Counter(r["customer_id"] <= 250 for r in rows)
    assert by_best[True] / sum(by_best.values()) > 2 * others[True] / sum(others.values())


def test_the_analysis_finds_themes_in_the_demo_feedback(session: Session) -> None:
    items = _items(session)
    assert all(i.analysed_at is not None for i in items)
    assert session.scalar(select(func.count()).select_from(Theme)) >= 2
    themed = sum(1 for i in items if i.theme_id is not None)
    assert themed > len(items) / 2


def test_the_phrase_banks_compose_hundreds_of_distinct_comments() -> None:
    rng = np.random.default_rng(1)
    for language, topics in feedback_texts.TEXTS.items():
        assert set(topics) == set(feedback_texts.TOPICS) == set(feedback.MIX), language
        made = {
            feedback.compose(rng, language, topic, sentiment)
            for _ in range(60)
            for topic in feedback_texts.TOPICS
            for sentiment in feedback_texts.SENTIMENTS
        }
        assert len(made) >= 500, language
        assert not any("{" in text for text in made)
