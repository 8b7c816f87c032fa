"""What a theme is about, in words a manager reads: a label, example quotes, counts.

The label is the theme's most distinctive lemmas by class-based TF-IDF (c-TF-IDF,
Grootendorst, BERTopic 2022): a lemma's frequency in the theme's items, times
log(1 + average words per theme / the lemma's frequency in all themes), so words common to
every theme ("order", "day") give way to the ones that set this theme apart. It is computed
among items of one language, the viewer's where the theme has items in it, else the
theme's largest language, because lemmas of different languages never coincide. Example
quotes are the items nearest the centroid, in their original languages, one per language
first so a reader sees the theme really spans languages.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Quote:
    """An item's own words as a theme example."""

    index: int  # position in the items given to `summarise`
    text: str
    language: str | None


@dataclass(frozen=True)
class ThemeSummary:
    """One theme as shown: label, size, counts per language and examples."""

    theme_id: int
    label: str
    label_language: str | None
    size: int
    languages: dict[str, int] = field(default_factory=dict)
    examples: list[Quote] = field(default_factory=list)


def summarise(
    labels: Sequence[int],
    texts: Sequence[str],
    languages: Sequence[str | None],
    lemmas: Sequence[Sequence[str]],
    closeness: Sequence[float],
    viewer_language: str | None = None,
    n_terms: int = 3,
    n_examples: int = 3,
) -> list[ThemeSummary]:
    """A summary of every theme in `labels` (theme ids, -1 skipped), largest first;
    `closeness` is each item's similarity to its theme's centroid (for the examples)."""
    if not len(labels) == len(texts) == len(languages) == len(lemmas) == len(closeness):
        raise ValueError("labels, texts, languages, lemmas and closeness must align")
    members: dict[int, list[int]] = defaultdict(list)
    for index, theme_id in enumerate(labels):
        if theme_id != -1:
            members[int(theme_id)].append(index)
    summaries = []
    for theme_id, rows in members.items():
        counts = Counter(languages[i] or "" for i in rows)
        language = _label_language(counts, viewer_language)
        summaries.append(
            ThemeSummary(
                theme_id=theme_id,
                label=", ".join(_top_terms(theme_id, language, labels, languages, lemmas, n_terms)),
                label_language=language or None,
                size=len(rows),
                languages={code or "und": n for code, n in counts.most_common()},
                examples=_examples(rows, texts, languages, closeness, n_examples),
            )
        )
    return sorted(summaries, key=lambda s: (-s.size, s.theme_id))


def _label_language(counts: Counter[str], viewer: str | None) -> str:
    if viewer and counts.get(viewer):
        return viewer
    return max(counts, key=lambda code: (counts[code], code != "", code))


def _top_terms(
    theme_id: int,
    language: str,
    labels: Sequence[int],
    languages: Sequence[str | None],
    lemmas: Sequence[Sequence[str]],
    n_terms: int,
) -> list[str]:
    per_theme: dict[int, Counter[str]] = defaultdict(Counter)
    for words, code, label in zip(lemmas, languages, labels, strict=True):
        if (code or "") == language:
            per_theme[int(label)].update(words)
    overall: Counter[str] = Counter()
    for counter in per_theme.values():
        overall.update(counter)
    mine = per_theme.get(theme_id)
    if not mine:
        return []
    average = sum(overall.values()) / max(len(per_theme), 1)
    total = sum(mine.values())
    scores = {
        term: (count / total) * np.log(1 + average / overall[term]) for term, count in mine.items()
    }
    return sorted(scores, key=lambda term: (-scores[term], term))[:n_terms]


def _examples(
    rows: list[int],
    texts: Sequence[str],
    languages: Sequence[str | None],
    closeness: Sequence[float],
    n_examples: int,
) -> list[Quote]:
    ordered = sorted(rows, key=lambda i: -float(closeness[i]))
    chosen: list[int] = []
    seen: set[str | None] = set()
    for i in ordered:
        if languages[i] not in seen:
            chosen.append(i)
            seen.add(languages[i])
    chosen = chosen[:n_examples]
    chosen += [i for i in ordered if i not in chosen][: n_examples - len(chosen)]
    chosen.sort(key=lambda i: -float(closeness[i]))
    return [Quote(index=i, text=texts[i], language=languages[i]) for i in chosen]
