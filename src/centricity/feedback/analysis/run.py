"""The text analysis run (`centricity voice analyze`, the nightly `voice.analyze` job): every
feedback item's language, embedding, theme and sentiment, from feedback items of every
source (survey comments and marked case messages and contact notes are feedback items too).

The run works in stages, each committed in batches through `checkpoint`, so a run stopped
at any point resumes where it stopped and never embeds an item twice (an item with a row in
`feedback_embeddings` is never sent to the embedder again):

1. **new items** (`analysed_at` empty): an item that cannot be analysed (empty, no
   letters) gets its reason and is done; the others get a language when they had none
   (among `CENTRICITY_TEXT_LANGUAGES`, one- and two-word texts taking the customer's
   preferred language) and two embeddings in one call to the embedder: of the text as
   written (sentiment reads it) and of its topic text, the base forms without punctuation
   (`topic_text`; themes read it). An item embedded before revision 0028 has only the
   first; the run embeds its topic text once, in the same batches (`_add_topic_vectors`);
2. **themes**: a full run (`full`, no themes yet, or a stored model fitted on other
   vectors) fits the theme model on a sample of
   every embedded item, matches it to the previous themes by centroid similarity (kept
   themes keep their id, name, owner and keyword rules; new ones are added, lost ones
   retired) and assigns every item; otherwise only the new items are assigned to the
   stored themes. Staff keyword rules (`feedback_themes.keywords`) come before vectors;
3. **sentiment**: trained on the items that carry a score (NPS, CSAT, CES, stars: the score
   as the label) when the run is full or no model is stored, then given to the items of
   this run; below the minimum of ratings the run says so and gives none;
4. the items are marked analysed and the themes' sizes counted.

With `CENTRICITY_TEXT_EMBEDDER=none` no item is embedded and there are no themes;
sentiment then comes from TF-IDF on lemmas (`ClassicSentimentModel`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import exists, func, null, select, update
from sqlalchemy.orm import Session

from centricity.analytics.text import embedding as embeddings
from centricity.analytics.text.analysable import analysable
from centricity.analytics.text.classic import ClassicSentimentModel
from centricity.analytics.text.language import detect_languages
from centricity.analytics.text.normalise import normalise_many, topic_texts
from centricity.analytics.text.ratings import NotEnoughRatings, score_label, shortfall
from centricity.analytics.text.sentiment import SentimentModel
from centricity.analytics.text.themes import ThemeModel
from centricity.config import Settings
from centricity.customers.models import Customer
from centricity.feedback.analysis import stored
from centricity.feedback.analysis.models import FeedbackEmbedding, TextModel, Theme
from centricity.feedback.models import FeedbackItem
from centricity.kit.time import utcnow

BATCH = 256  # items embedded and committed together
ASSIGN_CHUNK = 20_000  # items whose vectors are held at once while assigning themes
MIN_THEME_ITEMS = 20  # fewer embedded items than this: no themes yet
FIT_SAMPLE = 20_000  # items the theme model is fitted on (seeded sample)
RATED_SCALES = ("nps", "csat", "ces", "stars")
IN_CHUNK = 10_000  # ids per `IN (...)` query
# Ratings the sentiment model is trained on at most (a seeded sample beyond): 50,000 short
# comments are far more than a 3-class linear model on 384 dimensions needs, and training
# on every rating of a million-item store would take minutes of cross-validation.
MAX_TRAINING = 50_000

Progress = Callable[[str], None]


@dataclass
class Result:
    """What one run did: items analysed, embeddings made, active themes and notes."""

    items: int = 0
    embedded: int = 0
    topic_vectors_added: int = 0  # items embedded before revision 0028 given a topic vector
    themes: int = 0
    not_analysable: int = 0
    languages_detected: int = 0
    full: bool = False
    unthemed_share: float | None = None
    themes_added: list[int] = field(default_factory=list)
    themes_retired: list[int] = field(default_factory=list)
    sentiment_note: str | None = None
    # Wall seconds per stage: prepare (reasons, languages, embeddings), themes, sentiment,
    # finish (marking analysed, counting sizes).
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """The run's last line, as the CLI prints it (`items=N embedded=N themes=N`)."""
        return f"items={self.items} embedded={self.embedded} themes={self.themes}"


@dataclass
class ThemePass:
    """The theme model to assign with, its labels' theme rows, and the items to assign."""

    model: ThemeModel
    rows_of: dict[int, int]
    targets: list[int]
    # The stored model whose assignment of every item is still to finish (after a fit).
    pending: TextModel | None = None


@dataclass
class SentimentPass:
    """The sentiment classifier, the items to score, and whether it reads vectors (else
    texts: the classic path)."""

    classifier: Any
    targets: list[int]
    from_vectors: bool


def embedder_for(settings: Settings) -> embeddings.Embedder | None:
    """The embedder the settings choose (None: embeddings switched off)."""
    if settings.text_embedder == "none":
        return None
    if settings.text_embedder == "hashing":
        return embeddings.HashingEmbedder()
    if settings.text_embedder == "transformer":
        if settings.text_model_path is None:
            raise ValueError(
                "CENTRICITY_TEXT_EMBEDDER=transformer needs CENTRICITY_TEXT_MODEL_PATH"
            )
        from centricity.analytics.text.transformer import TransformerEmbedder

        return TransformerEmbedder(settings.text_model_path)
    return embeddings.default_embedder()


def embedder_key(embedder: embeddings.Embedder) -> str:
    """The name and version stored beside every vector: vectors of two models never mix."""
    return f"{embedder.name}@{embedder.version}"[:80]


def on_topics(row: TextModel) -> bool:
    """Whether a stored theme model was fitted on topic vectors (a model stored before
    revision 0028 was fitted on the sentence vectors: another space)."""
    return bool(row.state.get("store", {}).get("topic_vectors"))


def assigned(row: TextModel) -> bool:
    """Whether every item was given its theme by a stored theme model. A fit saves its
    model before the items are reassigned; a run stopped in between leaves it unassigned,
    and the next run (even with nothing new) finishes the assignment. Models stored
    before this flag, and the ones staff edits save, count as assigned."""
    return bool(row.state.get("store", {}).get("assigned", True))


def analyze(
    session: Session,
    *,
    settings: Settings,
    full: bool = False,
    embedder: embeddings.Embedder | None = None,
    checkpoint: Callable[[], None] | None = None,
    progress: Progress | None = None,
) -> Result:
    """Analyse the items not analysed yet (all items' themes and sentiment when `full`)."""
    commit = checkpoint or session.flush
    say = progress or (lambda _stage: None)
    result = Result(full=full)
    waiting = session.scalar(
        select(FeedbackItem.id).where(FeedbackItem.analysed_at.is_(None)).limit(1)
    )
    themes_row = stored.latest(session, "themes")
    upgrading = (
        themes_row is not None and not on_topics(themes_row) and settings.text_embedder != "none"
    )
    unfinished = themes_row is not None and not assigned(themes_row)
    if waiting is None and not full and not upgrading and not unfinished:
        # Nothing new: answer without loading the embedder (the hourly job's usual case).
        # A theme model of sentence vectors (before revision 0028) is worth a run: the
        # items get their topic vectors and the themes are refitted on them.
        result.themes = _active_themes(session)
        return result
    model = embedder if embedder is not None else embedder_for(settings)
    key = embedder_key(model) if model is not None else ""
    languages = settings.text_languages.split(",")
    now = utcnow()
    began = time.perf_counter()
    new_ids = _prepare(session, model, key, languages, result, commit, say)
    if model is not None and (themes_row is None or upgrading):
        # Once a theme model of topic vectors is stored every item has one (the first
        # stage writes both), so the search is skipped: on 1,000,000 items it reads the
        # whole embeddings table (4.9 s from a cold cache).
        _add_topic_vectors(session, model, key, result, commit, say)
    result.seconds["prepare"] = time.perf_counter() - began
    themes: ThemePass | None = None
    if model is not None:
        began = time.perf_counter()
        themes = _themes(session, key, full, new_ids, result, commit, say)
        result.seconds["themes"] = time.perf_counter() - began
    began = time.perf_counter()
    sentiment = _sentiment(session, model, key, full, new_ids, result, say)
    result.seconds["sentiment"] = time.perf_counter() - began
    began = time.perf_counter()
    _assign(session, key, themes, sentiment, result, commit, say)
    if themes is not None and themes.pending is not None:
        row = themes.pending
        row.state = {**row.state, "store": {**row.state.get("store", {}), "assigned": True}}
    result.seconds["assign"] = time.perf_counter() - began
    began = time.perf_counter()
    say("marking items analysed")
    for chunk in _chunks(new_ids, 5_000):
        session.execute(
            update(FeedbackItem)
            .where(FeedbackItem.id.in_(chunk), FeedbackItem.analysed_at.is_(None))
            .values(analysed_at=now)
        )
    _count_sizes(session)
    result.items = len(new_ids) + result.not_analysable
    result.themes = _active_themes(session)
    commit()
    result.seconds["finish"] = time.perf_counter() - began
    return result


def _active_themes(session: Session) -> int:
    return session.scalar(select(func.count()).where(Theme.status == "active")) or 0


def _prepare(
    session: Session,
    model: embeddings.Embedder | None,
    key: str,
    languages: list[str],
    result: Result,
    commit: Callable[[], None],
    say: Progress,
) -> list[int]:
    """Stage 1: reasons, languages and embeddings of new items; their ids (analysable)."""
    ready: list[int] = []
    after = 0
    while True:
        rows = session.execute(
            select(
                FeedbackItem.id,
                FeedbackItem.text,
                FeedbackItem.language,
                Customer.preferred_language,
                exists().where(FeedbackEmbedding.feedback_item_id == FeedbackItem.id),
            )
            .outerjoin(Customer, Customer.id == FeedbackItem.customer_id)
            .where(FeedbackItem.analysed_at.is_(None), FeedbackItem.id > after)
            .order_by(FeedbackItem.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return ready
        after = rows[-1][0]
        say(f"reading and embedding new items ({len(ready) + len(rows):,})")
        usable = []
        for item_id, text, _language, _default, _embedded in rows:
            reason = analysable(text)
            if reason is not None:
                session.execute(
                    update(FeedbackItem)
                    .where(FeedbackItem.id == item_id)
                    .values(not_analysable=reason[:40], analysed_at=utcnow())
                )
                result.not_analysable += 1
            else:
                usable.append((item_id, text, _language, _default, _embedded))
        found = _languages(session, usable, languages, result)
        if model is not None:
            missing = [
                (item_id, text, found.get(item_id, language))
                for item_id, text, language, _d, done in usable
                if not done
            ]
            if missing:
                texts = [text for _id, text, _language in missing]
                topics = topic_texts(texts, [language for _id, _text, language in missing])
                vectors = stored.to_bytes(model.embed([*texts, *topics]))
                session.add_all(
                    FeedbackEmbedding(
                        feedback_item_id=item_id, model=key, vector=vector, topic_vector=topic
                    )
                    for (item_id, _text, _language), vector, topic in zip(
                        missing, vectors[: len(missing)], vectors[len(missing) :], strict=True
                    )
                )
                result.embedded += len(missing)
        ready.extend(item_id for item_id, *_rest in usable)
        commit()


def _languages(
    session: Session, rows: list[tuple[Any, ...]], languages: list[str], result: Result
) -> dict[int, str]:
    """Detect the language of the items that came without one; the ones found, by item."""
    unknown = [
        (item_id, text, default) for item_id, text, language, default, _e in rows if not language
    ]
    if not unknown:
        return {}
    defaults = [default if default in languages else None for _id, _text, default in unknown]
    found = detect_languages([text for _id, text, _d in unknown], languages, defaults)
    given: dict[int, str] = {}
    for (item_id, _text, _default), code in zip(unknown, found, strict=True):
        if code:
            session.execute(
                update(FeedbackItem).where(FeedbackItem.id == item_id).values(language=code)
            )
            result.languages_detected += 1
            given[item_id] = code
    return given


def _add_topic_vectors(
    session: Session,
    model: embeddings.Embedder,
    key: str,
    result: Result,
    commit: Callable[[], None],
    say: Progress,
) -> None:
    """Give the items embedded before revision 0028 their topic vector, `BATCH` at a
    time and committed like the first stage, so an interrupted run resumes: each item's
    topic text is embedded once, ever."""
    after = 0
    while True:
        rows = session.execute(
            select(FeedbackItem.id, FeedbackItem.text, FeedbackItem.language)
            .join(FeedbackEmbedding, FeedbackEmbedding.feedback_item_id == FeedbackItem.id)
            .where(
                FeedbackEmbedding.model == key,
                FeedbackEmbedding.topic_vector.is_(None),
                FeedbackItem.not_analysable.is_(None),
                FeedbackItem.id > after,
            )
            .order_by(FeedbackItem.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        after = rows[-1][0]
        say(f"embedding the topic texts of earlier items ({result.topic_vectors_added:,})")
        topics = topic_texts([r[1] for r in rows], [r[2] for r in rows])
        vectors = stored.to_bytes(model.embed(topics))
        session.execute(
            update(FeedbackEmbedding),
            [
                {"feedback_item_id": row[0], "topic_vector": vector}
                for row, vector in zip(rows, vectors, strict=True)
            ],
        )
        result.topic_vectors_added += len(rows)
        commit()


def vectors_of(
    session: Session, key: str, ids: Sequence[int], *, topic: bool = False
) -> tuple[list[int], np.ndarray, list[str | None], list[str]]:
    """The sentence embeddings (`topic`: the topic vectors) of this embedder, languages and
    texts of the items `ids` that have them, in id order."""
    found, sentence, topics, langs, texts = _vectors(
        session, key, ids, sentence=not topic, topic=topic
    )
    vectors = topics if topic else sentence
    assert vectors is not None
    return found, vectors, langs, texts


def _vectors(
    session: Session, key: str, ids: Sequence[int], *, sentence: bool, topic: bool
) -> tuple[list[int], np.ndarray | None, np.ndarray | None, list[str | None], list[str]]:
    """Ids, sentence vectors, topic vectors (each when asked for), languages and texts of
    the items `ids` with the vectors asked for, in id order, from one read; `IN_CHUNK` ids
    per query (SQLite takes at most 32,766 parameters)."""
    rows: list[Any] = []
    for chunk in _chunks(sorted(ids), IN_CHUNK):
        query = (
            select(
                FeedbackItem.id,
                FeedbackEmbedding.vector if sentence else null(),
                FeedbackEmbedding.topic_vector if topic else null(),
                FeedbackItem.language,
                FeedbackItem.text,
            )
            .join(FeedbackEmbedding, FeedbackEmbedding.feedback_item_id == FeedbackItem.id)
            .where(FeedbackItem.id.in_(chunk), FeedbackEmbedding.model == key)
            .order_by(FeedbackItem.id)
        )
        if topic:
            query = query.where(FeedbackEmbedding.topic_vector.is_not(None))
        rows.extend(session.execute(query))
    return (
        [r[0] for r in rows],
        stored.from_bytes([r[1] for r in rows]) if sentence else None,
        stored.from_bytes([r[2] for r in rows]) if topic else None,
        [r[3] for r in rows],
        [r[4] for r in rows],
    )


def _embedded_ids(session: Session, key: str) -> list[int]:
    """Every item with an embedding of this embedder that is analysable, in id order."""
    return list(
        session.scalars(
            select(FeedbackEmbedding.feedback_item_id)
            .join(FeedbackItem, FeedbackItem.id == FeedbackEmbedding.feedback_item_id)
            .where(FeedbackEmbedding.model == key, FeedbackItem.not_analysable.is_(None))
            .order_by(FeedbackEmbedding.feedback_item_id)
        )
    )


def _themes(
    session: Session,
    key: str,
    full: bool,
    new_ids: list[int],
    result: Result,
    commit: Callable[[], None],
    say: Progress,
) -> ThemePass | None:
    """Stage 2: fit and match the themes (full, or the first run); which items `_assign`
    then gives a theme (all of them after a fit, else this run's new ones)."""
    row = stored.latest(session, "themes")
    usable = row is not None and row.embedder == key and on_topics(row)
    previous = stored.load(row, ThemeModel) if usable and row is not None else None
    rows_of: dict[int, int] = {}
    if previous is not None and row is not None:
        rows_of = {int(k): int(v) for k, v in row.state.get("store", {}).get("rows", {}).items()}
    pending: TextModel | None
    if full or previous is None:
        everything = _embedded_ids(session, key)
        if len(everything) < MIN_THEME_ITEMS:
            return None
        say(f"fitting themes on {min(len(everything), FIT_SAMPLE):,} of {len(everything):,} items")
        began = time.perf_counter()
        model, rows_of = _refit(session, key, everything, previous, rows_of, result)
        result.seconds["themes_fit"] = time.perf_counter() - began
        state = {
            "rows": {str(k): v for k, v in rows_of.items()},
            "topic_vectors": True,
            "assigned": False,
        }
        pending = stored.save(session, model, embedder=key, state=state)
        commit()
        targets = everything
    else:
        model = previous
        # A fit whose assignment a stopped run left unfinished: every item, not the new.
        pending = row if row is not None and not assigned(row) else None
        targets = _embedded_ids(session, key) if pending is not None else new_ids
    _apply_keyword_rules(session, model, rows_of)
    return ThemePass(model, rows_of, targets, pending)


def _refit(
    session: Session,
    key: str,
    everything: list[int],
    previous: ThemeModel | None,
    rows_of: dict[int, int],
    result: Result,
) -> tuple[ThemeModel, dict[int, int]]:
    """A new theme model on a seeded sample, its ids matched to the previous themes, and
    the `feedback_themes` rows of its themes (new rows for new themes, lost ones retired)."""
    rng = np.random.default_rng(0)
    sample = everything
    if len(everything) > FIT_SAMPLE:
        sample = sorted(rng.choice(everything, FIT_SAMPLE, replace=False).tolist())
    ids, vectors, langs, texts = vectors_of(session, key, sample, topic=True)
    lemmas = normalise_many(texts, langs)
    # Rated items' sentiment lets the fit remove the directions that carry it, so themes
    # follow what customers talk about rather than how happy they are.
    model = ThemeModel(max_fit_items=FIT_SAMPLE).fit(
        vectors,
        langs,
        lemmas,
        sentiments=_rated_labels(session, ids),
        previous=previous,
        embedder=key,
    )
    rows: dict[int, int] = {}
    if previous is None:
        rows = _carried_over(session, ids, model.labels_.tolist(), result)
    else:
        alignment = model.alignment_
        for theme_id in alignment.kept:
            if theme_id in rows_of:
                rows[theme_id] = rows_of[theme_id]
        retired_rows = [rows_of[t] for t in alignment.retired if t in rows_of]
        if retired_rows:
            session.execute(
                update(Theme)
                .where(Theme.id.in_(retired_rows), Theme.status == "active")
                .values(status="retired", retired_at=utcnow())
            )
        result.themes_retired = retired_rows
    from centricity.analytics.text.summaries import summarise

    closeness = model.similarity(vectors, langs).max(axis=1).tolist()
    summaries = {
        s.theme_id: s for s in summarise(model.labels_.tolist(), texts, langs, lemmas, closeness)
    }
    per_language = _labels_per_language(model.labels_.tolist(), texts, langs, lemmas, closeness)
    for index, theme_id in enumerate(model.theme_ids_.tolist()):
        centroid = stored.to_bytes(model.centroids_[index : index + 1])[0]
        summary = summaries.get(theme_id)
        label = summary.label if summary is not None else ""
        if theme_id in rows:
            theme = session.get(Theme, rows[theme_id])
            if theme is not None:
                theme.label, theme.labels, theme.centroid = (
                    label,
                    per_language.get(theme_id, {}),
                    centroid,
                )
                theme.status, theme.retired_at = "active", None
                continue
        theme = Theme(
            label=label, labels=per_language.get(theme_id, {}), centroid=centroid, keywords=[]
        )
        session.add(theme)
        session.flush()
        rows[theme_id] = theme.id
        result.themes_added.append(theme.id)
    return model, rows


def _carried_over(
    session: Session, ids: list[int], labels: list[int], result: Result
) -> dict[int, int]:
    """When the stored themes were fitted in another space (before revision 0028, or with
    another embedder), centroids cannot be compared: each new theme keeps the id, name,
    owner and rules of the old theme that holds most of its items, if that is at least half
    of them and no bigger new theme took it first; the old themes no new one took are
    retired. Returns theme id → `feedback_themes` row of the carried themes."""
    old_of: dict[int, int] = {}
    for chunk in _chunks(ids, IN_CHUNK):
        for item_id, theme_id in session.execute(
            select(FeedbackItem.id, FeedbackItem.theme_id).where(
                FeedbackItem.id.in_(chunk), FeedbackItem.theme_id.is_not(None)
            )
        ):
            if theme_id is not None:
                old_of[int(item_id)] = int(theme_id)
    active = set(session.scalars(select(Theme.id).where(Theme.status == "active")))
    if not active:
        return {}
    sizes: dict[int, int] = {}
    shared: dict[tuple[int, int], int] = {}
    for item_id, label in zip(ids, labels, strict=True):
        sizes[label] = sizes.get(label, 0) + 1
        old = old_of.get(item_id)
        if label != -1 and old in active:
            shared[(label, old)] = shared.get((label, old), 0) + 1
    rows: dict[int, int] = {}
    for (label, old), count in sorted(shared.items(), key=lambda pair: (-pair[1], pair[0])):
        if label not in rows and old not in rows.values() and 2 * count >= sizes[label]:
            rows[label] = old
    retired = sorted(active - set(rows.values()))
    if retired:
        session.execute(
            update(Theme).where(Theme.id.in_(retired)).values(status="retired", retired_at=utcnow())
        )
    result.themes_retired = retired
    return rows


def _rated_labels(session: Session, ids: list[int]) -> list[str | None]:
    """The sentiment label of each item's score (None: no score on a rated scale)."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), 5_000):
        for item_id, score, scale in session.execute(
            select(FeedbackItem.id, FeedbackItem.score, FeedbackItem.scale).where(
                FeedbackItem.id.in_(ids[start : start + 5_000]),
                FeedbackItem.score.is_not(None),
                FeedbackItem.scale.in_(RATED_SCALES),
            )
        ):
            if score is not None and scale is not None:
                found[item_id] = score_label(float(score), scale)
    return [found.get(item_id) for item_id in ids]


def _labels_per_language(
    labels: list[int],
    texts: list[str],
    langs: list[str | None],
    lemmas: list[list[str]],
    closeness: list[float],
) -> dict[int, dict[str, str]]:
    """Each theme's label in each language it has items in (the viewer reads their own)."""
    from centricity.analytics.text.summaries import summarise

    found: dict[int, dict[str, str]] = {}
    for language in sorted({code for code in langs if code}):
        for summary in summarise(labels, texts, langs, lemmas, closeness, viewer_language=language):
            if summary.label_language == language and summary.label:
                found.setdefault(summary.theme_id, {})[language] = summary.label
    return found


def _apply_keyword_rules(session: Session, model: ThemeModel, rows_of: dict[int, int]) -> None:
    """Give the model the keyword rules staff set on the themes (the store is their home)."""
    model_of = {row: theme_id for theme_id, row in rows_of.items()}
    rules: dict[int, list[str]] = {}
    for theme in session.scalars(
        select(Theme).where(Theme.status == "active", Theme.id.in_(list(model_of)))
    ):
        if theme.keywords:
            rules[model_of[theme.id]] = list(theme.keywords)
    model.set_rules(rules)


def _sentiment(
    session: Session,
    model: embeddings.Embedder | None,
    key: str,
    full: bool,
    new_ids: list[int],
    result: Result,
    say: Progress,
) -> SentimentPass | None:
    """Stage 3: train on rated items when needed (full, or no usable model); which items
    `_assign` then gives a sentiment (all embedded ones on a full run, else the new ones)."""
    kind = "sentiment" if model is not None else "sentiment_classic"
    row = stored.latest(session, kind)
    usable = row is not None and (model is None or row.embedder == key)
    if full or not usable:
        say("training sentiment on rated items")
        began = time.perf_counter()
        trained = _train(session, model, key, result)
        result.seconds["sentiment_train"] = time.perf_counter() - began
        if trained is None:
            return None
        classifier: Any = trained
    else:
        assert row is not None
        classifier = stored.load(
            row, SentimentModel if model is not None else ClassicSentimentModel
        )
    targets = _embedded_ids(session, key) if (full and model is not None) else new_ids
    return SentimentPass(classifier, targets, from_vectors=model is not None)


def _assign(
    session: Session,
    key: str,
    themes: ThemePass | None,
    sentiment: SentimentPass | None,
    result: Result,
    commit: Callable[[], None],
    say: Progress,
) -> None:
    """Stage 4: write each target item's theme and sentiment. When both go to the same
    items from their vectors (every full run, every incremental one), one pass reads the
    vectors and writes both columns: reading and updating 1,000,000 rows twice took 56 s
    of a full run's 107 (benchmarks/README.md, "Text pipeline")."""
    together = (
        themes is not None
        and sentiment is not None
        and sentiment.from_vectors
        and themes.targets == sentiment.targets
    )
    if together:
        assert themes is not None and sentiment is not None
        _write(session, key, themes.targets, themes, sentiment, result, commit, say)
        return
    if themes is not None:
        _write(session, key, themes.targets, themes, None, result, commit, say)
    if sentiment is not None:
        _write(session, key, sentiment.targets, None, sentiment, result, commit, say)


def _write(
    session: Session,
    key: str,
    targets: list[int],
    themes: ThemePass | None,
    sentiment: SentimentPass | None,
    result: Result,
    commit: Callable[[], None],
    say: Progress,
) -> None:
    """Give `targets` their theme, their sentiment or both, `ASSIGN_CHUNK` items at a time."""
    done = assigned = unthemed = 0
    for chunk in _chunks(targets, ASSIGN_CHUNK):
        vectors: np.ndarray | None = None
        topics: np.ndarray | None = None
        by_vector = sentiment is not None and sentiment.from_vectors
        if themes is not None or by_vector:
            ids, vectors, topics, langs, texts = _vectors(
                session, key, chunk, sentence=by_vector, topic=themes is not None
            )
        else:
            ids, _none, langs, texts = _texts_of(session, chunk)
        if not ids:
            continue
        rows: list[dict[str, Any]] = [{"id": item_id} for item_id in ids]
        if themes is not None:
            model = themes.model
            lemmas = normalise_many(texts, langs) if model.rules else None
            assert topics is not None
            labels = model.predict(topics, langs, lemmas)
            for row, label in zip(rows, labels.tolist(), strict=True):
                row["theme_id"] = themes.rows_of.get(label) if label != -1 else None
                unthemed += row["theme_id"] is None
            assigned += len(ids)
        if sentiment is not None:
            classifier = sentiment.classifier
            probabilities = (
                classifier.predict_proba(vectors)
                if sentiment.from_vectors
                else classifier.predict_proba(texts, langs)
            )
            best = probabilities.argmax(axis=1).tolist()
            top = probabilities.max(axis=1).tolist()
            for row, column, p in zip(rows, best, top, strict=True):
                row["sentiment"] = classifier.classes_[column]
                row["sentiment_probability"] = round(float(p), 4)
        session.execute(update(FeedbackItem), rows)
        done += len(ids)
        say(f"themes and sentiment ({done:,} of {len(targets):,})")
        commit()
    if assigned:
        result.unthemed_share = unthemed / assigned


def _texts_of(
    session: Session, ids: Sequence[int]
) -> tuple[list[int], None, list[str | None], list[str]]:
    """The languages and texts of the items `ids`, in id order (the classic path)."""
    rows: list[Any] = []
    for chunk in _chunks(sorted(ids), IN_CHUNK):
        rows.extend(
            session.execute(
                select(FeedbackItem.id, FeedbackItem.language, FeedbackItem.text)
                .where(FeedbackItem.id.in_(chunk))
                .order_by(FeedbackItem.id)
            )
        )
    return [r[0] for r in rows], None, [r[1] for r in rows], [r[2] for r in rows]


def _train(
    session: Session, model: embeddings.Embedder | None, key: str, result: Result
) -> Any | None:
    """A sentiment model from the rated, analysable items (None, with the reason noted,
    when there are too few ratings)."""
    rated = session.execute(
        select(FeedbackItem.id, FeedbackItem.score, FeedbackItem.scale)
        .where(
            FeedbackItem.score.is_not(None),
            FeedbackItem.scale.in_(RATED_SCALES),
            FeedbackItem.not_analysable.is_(None),
            FeedbackItem.text != "",
        )
        .order_by(FeedbackItem.id)
    ).all()
    label_of = {
        item_id: score_label(float(score), str(scale))
        for item_id, score, scale in rated
        if score is not None
    }
    reason = shortfall(label_of.values())
    if reason:
        result.sentiment_note = reason
        return None
    if len(label_of) > MAX_TRAINING:
        rng = np.random.default_rng(0)
        chosen = rng.choice(np.fromiter(label_of, dtype=np.int64), MAX_TRAINING, replace=False)
        label_of = {int(i): label_of[int(i)] for i in sorted(chosen.tolist())}
    try:
        if model is not None:
            ids, vectors, _langs, _words = vectors_of(session, key, list(label_of))
            trained: Any = SentimentModel().fit(vectors, [label_of[i] for i in ids], embedder=key)
        else:
            ids, _none, langs, texts = _texts_of(session, list(label_of))
            trained = ClassicSentimentModel().fit(texts, [label_of[i] for i in ids], langs)
    except NotEnoughRatings as error:
        result.sentiment_note = str(error)
        return None
    stored.save(session, trained, embedder=key)
    return trained


def _count_sizes(session: Session) -> None:
    """Each theme's number of items, as the list shows it."""
    rows = session.execute(
        select(FeedbackItem.theme_id, func.count())
        .where(FeedbackItem.theme_id.is_not(None))
        .group_by(FeedbackItem.theme_id)
    )
    counts = dict(rows.all())
    for theme in session.scalars(select(Theme)):
        theme.size = int(counts.get(theme.id, 0))


def _chunks(values: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def last_analysed(session: Session) -> datetime | None:
    """When an item was last analysed (None: never)."""
    return session.scalar(select(func.max(FeedbackItem.analysed_at)))
