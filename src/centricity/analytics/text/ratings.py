"""Scores as sentiment labels, and how many ratings a sentiment model needs.

The organisation's own rated feedback teaches the sentiment model: a comment's label is
what its author scored. The cut points follow each scale's standard reading:

| scale | negative | neutral | positive |
|---|---|---|---|
| NPS 0–10 | 0–6 (detractors) | 7–8 (passives) | 9–10 (promoters) |
| CSAT 1–5 | 1–2 | 3 | 4–5 |
| CES 1–7 (1 very easy … 7 very difficult: higher is worse, as `feedback.SCALES`) | 5–7 | 4 | 1–3 |
| stars 1–5 (halves allowed) | up to 2.5 | 3–3.5 | 4 and above |

Below `MIN_RATINGS` ratings in all, or `MIN_PER_CLASS` in any label, a model is not fitted:
it says "not enough ratings" instead of guessing. Ten per class is the least that leaves
two of each label in every fold of the 5-fold cross-validation that calibrates the
probabilities; sixty in all is a judgement, not a measurement: below it a single rating
moves any accuracy figure by more than 1.5 points and each calibration fold holds fewer
than 12 items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

CLASSES: tuple[str, str, str] = ("negative", "neutral", "positive")
MIN_RATINGS = 60
MIN_PER_CLASS = 10


class NotEnoughRatings(ValueError):
    """Too few ratings (overall or in one label) to train a sentiment model honestly."""


def score_label(score: float, scale: str) -> str:
    """The sentiment label of a score on `scale` (`nps`, `csat`, `ces`, `stars`); ValueError
    for another scale or a score outside it."""
    bounds = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "stars": (1, 5)}
    if scale not in bounds:
        raise ValueError(f"no sentiment reading for the {scale!r} scale")
    low, high = bounds[scale]
    if not low <= score <= high:
        raise ValueError(f"{score} is outside the {scale} scale ({low}–{high})")
    if scale == "nps":
        return "negative" if score <= 6 else "neutral" if score <= 8 else "positive"
    if scale == "ces":
        return "positive" if score <= 3 else "neutral" if score < 5 else "negative"
    return "negative" if score < 3 else "neutral" if score < 4 else "positive"


def shortfall(
    labels: Iterable[str], min_ratings: int = MIN_RATINGS, min_per_class: int = MIN_PER_CLASS
) -> str | None:
    """Why these labels are too few to train on (e.g. "not enough ratings: 4 neutral, need
    10 of each"), or None when they suffice."""
    counts = Counter(labels)
    unknown = set(counts) - set(CLASSES)
    if unknown:
        raise ValueError(f"unknown sentiment labels: {sorted(unknown)}")
    total = sum(counts.values())
    if total < min_ratings:
        return f"not enough ratings: {total}, need {min_ratings}"
    short = [f"{counts[label]} {label}" for label in CLASSES if counts[label] < min_per_class]
    if short:
        return f"not enough ratings: {', '.join(short)}, need {min_per_class} of each"
    return None
