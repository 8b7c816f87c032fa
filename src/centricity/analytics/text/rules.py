"""Keyword rules staff give a theme, which the automatic assignment respects.

A rule is a list of phrases of lemmas (as `normalise` gives them, e.g. "kurýr nepřijet"); an
item whose lemmas contain every lemma of one phrase goes to that rule's theme, whatever its
embedding says: staff know that every "reklamace" is a complaint about returns even when
the model puts it elsewhere. When several themes' rules match, the item goes to the one
whose centroid it is most similar to. Rules of a theme that no longer exists are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray


def apply_rules(
    labels: NDArray[np.int64],
    similarity: NDArray[np.float32],
    lemmas: Sequence[Sequence[str]],
    rules: Mapping[int, Sequence[str]],
    theme_ids: NDArray[np.int64],
) -> None:
    """Overwrite in `labels` the theme of every item a rule matches; `similarity` has one
    column per row of `theme_ids` (a merged theme has several)."""
    known = set(theme_ids.tolist())
    phrases = [
        (theme_id, frozenset(phrase.split()))
        for theme_id, items in rules.items()
        if theme_id in known
        for phrase in items
        if phrase.split()
    ]
    if not phrases:
        return
    for index, words in enumerate(lemmas):
        present = set(words)
        hits = {theme_id for theme_id, needed in phrases if needed <= present}
        if hits:
            row = similarity[index]
            labels[index] = max(hits, key=lambda t: float(row[theme_ids == t].max()))
