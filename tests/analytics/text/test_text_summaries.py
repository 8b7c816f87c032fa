"""Theme labels in the viewer's language, quotes in their own, counts per language."""

from __future__ import annotations

import pytest
from text_helpers import Embedded

from centricity.analytics.text import ThemeModel
from centricity.analytics.text.normalise import normalise_many
from centricity.analytics.text.summaries import summarise

TEXTS = [
    "Zásilka přišla pozdě",
    "Zásilky chodí pozdě",
    "Kurýr nepřišel a zásilka nikde",
    "Przesyłka przyszła późno",
    "Cena je vysoká",
    "Ceny jsou vysoké",
    "Drahá doprava a vysoká cena",
]
LANGUAGES = ["cs", "cs", "cs", "pl", "cs", "cs", "cs"]
LABELS = [1, 1, 1, 1, 2, 2, 2]
CLOSENESS = [0.9, 0.8, 0.5, 0.85, 0.9, 0.7, 0.6]


def _summaries(viewer: str | None) -> dict[int, object]:
    lemmas = normalise_many(TEXTS, LANGUAGES)
    found = summarise(LABELS, TEXTS, LANGUAGES, lemmas, CLOSENESS, viewer, n_examples=2)
    return {summary.theme_id: summary for summary in found}


def test_the_label_is_built_from_distinctive_lemmas_in_the_viewers_language() -> None:
    summary = _summaries("pl")[1]
    assert summary.label_language == "pl"
    assert summary.label.startswith("przesyłka")
    czech = _summaries("cs")[1]
    assert czech.label_language == "cs"
    assert "zásilka" in czech.label.split(", ")
    assert "cena" in _summaries("cs")[2].label.split(", ")


def test_a_theme_without_items_in_the_viewers_language_uses_its_largest() -> None:
    summary = _summaries("sv")[2]
    assert summary.label_language == "cs"
    assert summary.languages == {"cs": 3}


def test_quotes_are_nearest_the_centroid_one_language_first() -> None:
    summary = _summaries(None)[1]
    assert [quote.text for quote in summary.examples] == [TEXTS[0], TEXTS[3]]
    assert [quote.language for quote in summary.examples] == ["cs", "pl"]
    assert summary.size == 4 and summary.languages == {"cs": 3, "pl": 1}


def test_items_in_no_theme_are_not_summarised() -> None:
    found = summarise([-1, 1], ["a b", "c d"], ["en", "en"], [["a"], ["c"]], [0.1, 0.9])
    assert [summary.theme_id for summary in found] == [1]


def test_it_refuses_inputs_that_do_not_align() -> None:
    with pytest.raises(ValueError, match="align"):
        summarise([1], ["a", "b"], ["en"], [["a"]], [1.0])


def test_real_themes_read_as_their_topic(embedded: Embedded) -> None:
    model = ThemeModel(n_themes=5).fit(embedded.vectors, embedded.languages)
    lemmas = normalise_many(embedded.texts, embedded.languages)
    closeness = model.similarity(embedded.vectors, embedded.languages).max(axis=1)
    found = summarise(model.labels_, embedded.texts, embedded.languages, lemmas, closeness, "en")
    labels = " | ".join(summary.label for summary in found)
    for word in ("password", "price", "hour", "courier"):
        assert word in labels, labels
    assert all(len(summary.languages) >= 5 for summary in found)
