"""Quality measures against the set's labels: language ID, sentiment, themes.

Sentiment is always scored out of sample. Parallel comments are translations of one another,
so a fold that trains on the Polish line of a group and scores its Czech line would measure
translation, not generalisation: every split keeps a group's lines on one side.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, adjusted_rand_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold

from text_quality_bench.dataset import LANGUAGES, Comments

FOLDS = 5
SENTIMENTS = ["negative", "neutral", "positive"]
Predict = Callable[[np.ndarray, list[str], np.ndarray], list[str]]  # (X_train, y, X_test)


def language_accuracy(truth: Sequence[str], found: Sequence[str | None]) -> dict[str, Any]:
    """Per language and overall: items, correct, abstained (no language given) and accuracy
    (abstentions count as misses: a comment without a language is not analysed by it)."""

    def summary(pairs: list[tuple[str, str | None]]) -> dict[str, Any]:
        correct = sum(t == f for t, f in pairs)
        abstained = sum(f is None for _, f in pairs)
        answered = len(pairs) - abstained
        return {
            "n": len(pairs),
            "correct": correct,
            "abstained": abstained,
            "accuracy": correct / len(pairs),
            "precision_when_answered": correct / answered if answered else None,
        }

    pairs = list(zip(truth, found, strict=True))
    per = {lang: summary([p for p in pairs if p[0] == lang]) for lang in LANGUAGES}
    return {"per_language": per, "overall": summary(pairs)}


def sentiment_summary(
    truth: Sequence[str], predicted: Sequence[str], languages: Sequence[str]
) -> dict[str, Any]:
    """Accuracy and macro-F1 (over the three labels) per language and overall."""

    def summary(index: list[int]) -> dict[str, Any]:
        t = [truth[i] for i in index]
        p = [predicted[i] for i in index]
        macro = f1_score(t, p, labels=SENTIMENTS, average="macro", zero_division=0)
        return {"n": len(index), "accuracy": accuracy_score(t, p), "macro_f1": float(macro)}

    per = {lang: summary([i for i, lg in enumerate(languages) if lg == lang]) for lang in LANGUAGES}
    return {"per_language": per, "overall": summary(list(range(len(truth))))}


def group_folds(c: Comments, seed: int) -> np.ndarray:
    """Fold number (0..FOLDS-1) of each comment: stratified by sentiment, a parallel group
    never split across folds."""
    fold = np.full(len(c.ids), -1, dtype=np.int64)
    splitter = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    for k, (_, test) in enumerate(splitter.split(c.texts, c.sentiments, c.groups)):
        fold[test] = k
    return fold


def all_languages_cv(X: np.ndarray, c: Comments, fold: np.ndarray, predict: Predict) -> list[str]:
    """(a) Trained on all six languages: each comment predicted by the model of the one fold
    that left it (and its translations) out."""
    out = [""] * len(c.ids)
    y = np.asarray(c.sentiments)
    for k in range(FOLDS):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        for i, label in zip(test, predict(X[train], list(y[train]), X[test]), strict=True):
            out[i] = label
    return out


def held_out_language(
    X: np.ndarray, c: Comments, predict: Predict, fold: np.ndarray | None = None
) -> list[str]:
    """(b) Trained on the other five languages only. Without `fold`: one model per language,
    trained on every comment of the other five (translations of the scored comments
    included, the issue's definition). With `fold`: also leaving out the scored fold's
    groups, so the model never saw the language nor any translation of the comment."""
    out = [""] * len(c.ids)
    langs, y = np.asarray(c.languages), np.asarray(c.sentiments)
    for lang in LANGUAGES:
        everything = np.ones(len(c.ids), dtype=bool)
        splits = [everything] if fold is None else [fold == k for k in range(FOLDS)]
        for scored in splits:
            train = np.flatnonzero((langs != lang) & (~scored if fold is not None else True))
            test = np.flatnonzero((langs == lang) & scored)
            for i, label in zip(test, predict(X[train], list(y[train]), X[test]), strict=True):
                out[i] = label
    return out


def theme_scores(labels: np.ndarray, c: Comments) -> dict[str, Any]:
    """Themes against topics: purity (each theme counted for its commonest topic; items in no
    theme count as misses), adjusted Rand index (no-theme as one more cluster),
    cross-language purity (per topic, the share of its items in each language that sit in
    the topic's dominant theme; averaged over languages, then over topics) and parallel
    agreement (share of a parallel group's lines in the group's commonest theme)."""
    labels = np.asarray(labels)
    n = len(labels)
    assigned = labels != -1
    by_theme: dict[int, Counter[str]] = defaultdict(Counter)
    for label, topic in zip(labels.tolist(), c.topics, strict=True):
        if label != -1:
            by_theme[label][topic] += 1
    majority = sum(counts.most_common(1)[0][1] for counts in by_theme.values())
    per_topic: dict[str, Any] = {}
    for topic in sorted(set(c.topics)):
        rows = [i for i, t in enumerate(c.topics) if t == topic]
        themes = Counter(int(labels[i]) for i in rows if labels[i] != -1)
        dominant = themes.most_common(1)[0][0] if themes else None
        shares = {}
        for lang in LANGUAGES:
            mine = [i for i in rows if c.languages[i] == lang]
            shares[lang] = sum(int(labels[i]) == dominant for i in mine) / len(mine)
        per_topic[topic] = {
            "dominant_theme": dominant,
            "share_by_language": shares,
            "cross_language_purity": float(np.mean(list(shares.values()))),
            "weakest_language": min(shares, key=lambda lg: shares[lg]),
        }
    groups: dict[str, list[int]] = defaultdict(list)
    for i, group in enumerate(c.groups):
        groups[group].append(int(labels[i]))
    parallel = [_agreement(members) for members in groups.values() if len(members) > 1]
    return {
        "themes": len(by_theme),
        "unassigned_share": float(1 - assigned.mean()),
        "purity": majority / n,
        "purity_of_assigned": majority / max(int(assigned.sum()), 1),
        "adjusted_rand_index": float(adjusted_rand_score(c.topics, labels)),
        "cross_language_purity": float(
            np.mean([t["cross_language_purity"] for t in per_topic.values()])
        ),
        "parallel_agreement": float(np.mean(parallel)),
        "per_topic": per_topic,
    }


def _agreement(members: list[int]) -> float:
    """Share of a group's lines in its commonest theme (lines in no theme never agree)."""
    themes = Counter(m for m in members if m != -1)
    return themes.most_common(1)[0][1] / len(members) if themes else 0.0
