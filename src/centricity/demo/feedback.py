"""The demo's feedback from other sources: a year of reviews (stars), chats (CSAT), imported
post-purchase surveys (NPS), e-mails and social-media posts (words only), written by the
demo customers in their own languages, so the Voice page's themes, drivers and spike alerts
have something real to find after `centricity demo`.

Comments are composed from `feedback_texts` (ten topics, each negative, neutral and
positive, with openings, details and closings), scores follow the comment's sentiment with
some noise. The data tells a story a manager can find:

- **spike**: complaints that the courier did not call rise sharply in the last seven days
  (`SPIKE_TOPIC`), enough for the week's spike alert;
- **drivers**: damaged parcels (`DRIVER_TOPIC`) are nearly always negative with the lowest
  scores, so they pull NPS and CSAT down most; praise for friendly staff pulls up. Most
  items carry an NPS or CSAT score, so the larger themes reach the driver analysis's
  minimum of items per scale;
- **value**: billing errors (`VALUED_TOPIC`) come more often from the best value tiers
  (read from the value analysis that ran before), so the most valuable customers'
  complaint shows first by tier.

Seeded (`DemoOptions.rng`): the same seed and as-of day give the same items. Idempotent:
every item's external id starts with the workspace's prefix and `F`, and a store holding
one is never given more. Items are bulk-inserted (no audit entry each); one audit entry
`generator.FEEDBACK_ACTION` records the step, so a rebuild check does not read it as a
change made since the build.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.audit import service as audit
from centricity.customers.models import Customer
from centricity.demo import generator
from centricity.demo.feedback_texts import CLOSINGS, MONEY, OPENINGS, SENTIMENTS, TEXTS
from centricity.feedback import service as feedback_service
from centricity.feedback.models import FeedbackItem
from centricity.kit.i18n import supported
from centricity.value import queries as value_queries
from centricity.value.models import CustomerValue

RNG_STREAM = 21
ITEMS_PER_CUSTOMER = 0.29
MIN_ITEMS, MAX_ITEMS = 150, 1450  # before the spike's extra items
HISTORY_DAYS = 365
SPIKE_TOPIC = "courier_no_call"
SPIKE_DAYS = 7
DRIVER_TOPIC = "damaged_parcel"
VALUED_TOPIC = "billing_error"
# How much more often the best value tier (and the second best) writes about VALUED_TOPIC.
VALUED_WEIGHTS = (6.0, 3.0)


@dataclass(frozen=True)
class Mix:
    """How often a topic comes up and how its comments split into negative, neutral and
    positive."""

    weight: float
    sentiments: tuple[float, float, float]


MIX: dict[str, Mix] = {
    "late_delivery": Mix(0.13, (0.60, 0.25, 0.15)),
    "courier_no_call": Mix(0.05, (0.75, 0.15, 0.10)),
    "damaged_parcel": Mix(0.10, (0.88, 0.10, 0.02)),
    "phone_unanswered": Mix(0.10, (0.70, 0.20, 0.10)),
    "slow_email": Mix(0.09, (0.65, 0.25, 0.10)),
    "billing_error": Mix(0.08, (0.70, 0.20, 0.10)),
    "refund_waiting": Mix(0.07, (0.80, 0.15, 0.05)),
    "price": Mix(0.10, (0.45, 0.30, 0.25)),
    "website_app": Mix(0.10, (0.60, 0.25, 0.15)),
    "friendly_staff": Mix(0.18, (0.04, 0.10, 0.86)),
}
# Source, its scale (None: words only) and its share of the items.
SOURCES: tuple[tuple[str, str | None, float], ...] = (
    ("review", "stars", 0.15),
    ("chat", "csat", 0.30),
    ("import", "nps", 0.35),
    ("email", "nps", 0.10),
    ("email", None, 0.05),
    ("social", None, 0.05),
)
SOURCE_SHARES = np.asarray([share for _s, _c, share in SOURCES]) / sum(s for *_, s in SOURCES)
# Satisfaction (0–1) a comment of each sentiment is scored from, before the scale.
SATISFACTION = {"negative": (0.0, 0.32), "neutral": (0.42, 0.72), "positive": (0.8, 1.0)}
NOISE = 0.1  # share of scores pulled away from their comment's sentiment


@dataclass(frozen=True)
class Writers:
    """The demo customers who may write: ids, languages, since when they are customers,
    and how much more likely each is to write about VALUED_TOPIC."""

    ids: list[int]
    languages: list[str]
    since: np.ndarray[Any, np.dtype[np.float64]]  # POSIX seconds
    valued: np.ndarray[Any, np.dtype[np.float64]]


def item_count(customers: int) -> int:
    """How many regular items (the spike adds a few): about three per ten customers,
    enough for stable themes in a small demo, bounded so the build stays quick."""
    return min(MAX_ITEMS, max(MIN_ITEMS, round(customers * ITEMS_PER_CUSTOMER)))


def spike_count(items: int) -> int:
    """The extra SPIKE_TOPIC items of the last SPIKE_DAYS days: enough to alert."""
    return max(15, items // 40)


def wanted(session: Session, options: generator.DemoOptions) -> bool:
    """Whether to add the feedback: only to this seed's workspace, once (no item with the
    demo's feedback ids yet), and only while nobody has changed the workspace."""
    if generator.existing_seed(session) != options.seed:
        return False
    taken = select(FeedbackItem.id).where(FeedbackItem.external_id.like(options.prefix + "F%"))
    if session.scalar(taken.limit(1)) is not None:
        return False
    return not generator.changed_since_build(session, options)


def build(session: Session, options: generator.DemoOptions, end: datetime) -> int:
    """Add a year of feedback ending at `end` (the history's end) to the freshly built
    workspace; returns how many items (0 when the store is not one to add them to)."""
    if not wanted(session, options):
        return 0
    writers = load_writers(session, options)
    if not writers.ids:
        return 0
    rows = plan(options, writers, end)
    generator.insert_rows(session, FeedbackItem, rows)
    audit.record(
        session,
        actor=None,
        action=generator.FEEDBACK_ACTION,
        entity=("demo", options.seed),
        details={"feedback_items": len(rows)},
    )
    return len(rows)


def load_writers(session: Session, options: generator.DemoOptions) -> Writers:
    """The workspace's customers in id order, with the weight of their value tier."""
    rows = session.execute(
        select(Customer.id, Customer.preferred_language, Customer.created_at)
        .where(Customer.external_id.like(options.prefix + "C%"))
        .order_by(Customer.id)
    ).all()
    run = value_queries.latest_run(session)
    tiers: dict[int, str] = {}
    weights: dict[str, float] = {}
    if run is not None:
        tiers = dict(
            session.execute(
                select(CustomerValue.customer_id, CustomerValue.tier).where(
                    CustomerValue.run_id == run.id
                )
            ).all()
        )
        weights = dict(zip(value_queries.tier_order(run), VALUED_WEIGHTS, strict=False))
    return Writers(
        ids=[row[0] for row in rows],
        languages=[supported(row[1]) or "en" for row in rows],
        since=np.asarray([_utc(row[2]).timestamp() for row in rows], dtype=np.float64),
        valued=np.asarray([weights.get(tiers.get(row[0], ""), 1.0) for row in rows]),
    )


def plan(options: generator.DemoOptions, writers: Writers, end: datetime) -> list[dict[str, Any]]:
    """The feedback rows, oldest first, numbered in that order for their external ids."""
    rng = options.rng(RNG_STREAM)
    regular = item_count(len(writers.ids))
    topics = list(MIX)
    weights = np.asarray([MIX[t].weight for t in topics])
    drawn: list[tuple[datetime, str, str]] = []
    for _ in range(regular):
        topic = topics[int(rng.choice(len(topics), p=weights / weights.sum()))]
        drawn.append((_moment(rng, end, rng.uniform(0, HISTORY_DAYS)), topic, ""))
    for _ in range(spike_count(regular)):
        # Most of the rise in the last days of the week: beta(1, 2.5) leans to the end.
        drawn.append((_moment(rng, end, SPIKE_DAYS * rng.beta(1, 2.5)), SPIKE_TOPIC, "negative"))
    drawn.sort(key=lambda entry: entry[0])
    rows = []
    for number, (at, topic, forced) in enumerate(drawn, start=1):
        sentiment = forced or _sentiment(rng, topic)
        writer = _writer(rng, writers, at, topic)
        rows.append(_row(rng, options, writers, writer, at, topic, sentiment, number))
    return rows


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _moment(rng: np.random.Generator, end: datetime, days_ago: float) -> datetime:
    """A moment on the day `days_ago` before `end`, in waking hours (07:00–22:00 UTC)."""
    day = end - timedelta(days=int(days_ago) + 1)
    return day + timedelta(seconds=int(rng.uniform(7 * 3600, 22 * 3600)))


def _sentiment(rng: np.random.Generator, topic: str) -> str:
    return SENTIMENTS[int(rng.choice(3, p=np.asarray(MIX[topic].sentiments)))]


def _writer(rng: np.random.Generator, writers: Writers, at: datetime, topic: str) -> int:
    """A customer who was one at `at` (anyone if nobody was), weighted by value tier for
    VALUED_TOPIC."""
    weight = writers.valued if topic == VALUED_TOPIC else np.ones(len(writers.ids))
    weight = np.where(writers.since <= at.timestamp(), weight, 0.0)
    if weight.sum() == 0:
        weight = np.ones(len(writers.ids))
    return int(rng.choice(len(writers.ids), p=weight / weight.sum()))


def _row(
    rng: np.random.Generator,
    options: generator.DemoOptions,
    writers: Writers,
    writer: int,
    at: datetime,
    topic: str,
    sentiment: str,
    number: int,
) -> dict[str, Any]:
    source, scale, _share = SOURCES[int(rng.choice(len(SOURCES), p=SOURCE_SHARES))]
    language = writers.languages[writer]
    text = compose(rng, language, topic, sentiment, short=source == "social")
    score = _score(rng, scale, sentiment, topic) if scale else None
    feedback_service.check_content(score, scale, text)
    return {
        "customer_id": writers.ids[writer],
        "source": source,
        "score": score,
        "scale": scale,
        "text": text,
        "language": language,
        "received_at": at,
        "created_at": at,
        "external_id": f"{options.prefix}F{number:05d}",
    }


def _pick(rng: np.random.Generator, choices: Sequence[str]) -> str:
    return choices[int(rng.integers(len(choices)))]


def compose(
    rng: np.random.Generator, language: str, topic: str, sentiment: str, *, short: bool = False
) -> str:
    """A comment about `topic` with `sentiment` in `language`: sometimes an opening, the
    core sentence, often a detail (for the topic's usual sentiment) and sometimes a closing,
    with days, sums and order numbers filled in. `short` (social posts) skips the opening
    and adds less."""
    texts = TEXTS[language][topic]
    parts = []
    if not short and rng.random() < 0.2:
        parts.append(_pick(rng, OPENINGS[language][sentiment]))
    parts.append(_pick(rng, texts.sentences(sentiment)))
    usual = "positive" if topic == "friendly_staff" else "negative"
    if sentiment == usual and rng.random() < (0.3 if short else 0.55):
        parts.append(_pick(rng, texts.details))
    if rng.random() < (0.15 if short else 0.35):
        parts.append(_pick(rng, CLOSINGS[language][sentiment]))
    return " ".join(parts).format(
        days=int(rng.integers(10, 21)),
        amount=MONEY[language].format(n=int(rng.integers(3, 37)) * 5),
        order=f"#{int(rng.integers(100_000, 1_000_000))}",
    )


def _score(rng: np.random.Generator, scale: str, sentiment: str, topic: str) -> Decimal:
    """A score on `scale` agreeing with the comment's sentiment, now and then off by a
    little; a damaged parcel is scored lowest of all."""
    low, high = SATISFACTION[sentiment]
    if topic == DRIVER_TOPIC and sentiment == "negative":
        high = 0.12
    level = rng.uniform(low, high)
    if rng.random() < NOISE:
        level = float(np.clip(level + rng.normal(0, 0.2), 0, 1))
    if scale == "nps":
        return Decimal(round(level * 10))
    return Decimal(1 + round(level * 4))
