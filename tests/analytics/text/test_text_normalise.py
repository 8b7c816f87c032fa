"""Normalisation per language: lemmas, stop words, stems where lemmas are missing."""

from __future__ import annotations

import pytest

from centricity.analytics.text.normalise import (
    method,
    normalise,
    normalise_many,
    stop_word_set,
    tokenise,
    topic_text,
    topic_texts,
)

# Inflected forms of one word per language, which must reduce to one base form.
INFLECTED = {
    "cs": ["zásilka", "zásilky", "zásilkou", "zásilce"],
    "pl": ["przesyłka", "przesyłki", "przesyłką", "przesyłce"],
    "ru": ["посылка", "посылки", "посылкой", "посылке"],
    "lt": ["siunta", "siuntos", "siuntą", "siuntoje"],
    "sv": ["leverans", "leveransen", "leveranser", "leveranserna"],
    "en": ["parcel", "parcels"],
}


@pytest.mark.parametrize("language", sorted(INFLECTED))
def test_it_folds_inflections_to_one_lemma(language: str) -> None:
    forms = {tuple(normalise(word, language)) for word in INFLECTED[language]}
    assert len(forms) == 1, forms
    assert method(language) == "lemma"


@pytest.mark.parametrize(
    ("language", "text", "stop"),
    [
        ("cs", "Zásilka a balík jsou ve skladu", "jsou"),
        ("pl", "Przesyłka oraz paczka są w magazynie", "oraz"),
        ("ru", "Посылка и коробка на складе", "на"),
        ("lt", "Siunta ir dėžė yra sandėlyje", "ir"),
        ("sv", "Paketet och lådan är på lagret", "och"),
        ("en", "The parcel and the box are in the warehouse", "the"),
    ],
)
def test_it_drops_stop_words_in_each_language(language: str, text: str, stop: str) -> None:
    assert stop in stop_word_set(language)
    words = normalise(text, language)
    assert stop not in words
    assert len(words) >= 2
    assert len(normalise(text, language, stop_words=False)) > len(words)


def test_it_stems_a_language_without_lemma_data() -> None:
    assert method("eu") == "stem"
    # Basque: "in the houses" and "the houses" share the stem of "house".
    assert normalise("etxeetan etxeak", "eu", stop_words=False) == ["etxe", "etxe"]


def test_it_keeps_lower_case_words_for_an_unknown_or_missing_language() -> None:
    assert method(None) == "lower" and method("zz") == "lower"
    assert normalise("Hello WORLD", None) == ["hello", "world"]


def test_it_tokenises_words_of_any_script_without_digits() -> None:
    assert tokenise("Objednávka č. 12345: ПРИШЛА поздно! don't") == [
        "objednávka",
        "пришла",
        "поздно",
        "don't",
    ]


def test_it_survives_bad_input() -> None:
    assert normalise("", "cs") == []
    assert normalise("😀😀 !!! 123", "pl") == []
    assert normalise("bad \ud800 parcel", "en") == ["bad", "parcel"]
    assert len(normalise("slovo " * 20_000, "cs")) == 20_000


def test_the_batch_aligns_texts_and_languages() -> None:
    assert normalise_many(["Zásilky", "Przesyłki"], ["cs", "pl"]) == [["zásilka"], ["przesyłka"]]
    with pytest.raises(ValueError, match="one language"):
        normalise_many(["a"], [])


def test_stop_words_are_loaded_once_per_process() -> None:
    stop_word_set.cache_clear()
    stop_word_set("cs")
    stop_word_set("cs")
    assert stop_word_set.cache_info().hits >= 1


def test_a_topic_text_keeps_the_base_forms_and_drops_the_form() -> None:
    # Punctuation, digits and case go; inflections fold; stop words ("než", "my") stay.
    text = "Zásilka přišla o týden později, než slibovali! Objednávka č. 12345?"
    assert topic_text(text, "cs") == "zásilka přijít týden pozdě než slibovat objednávka"
    assert topic_text("Why is my parcel 3 days late?", "en") == "why be my parcel day late"
    # Nothing left to reduce: the text as written, so every item still has something to embed.
    assert topic_text("👍 !!!", None) == "👍 !!!"
    assert topic_texts(["Zásilky", "Przesyłki"], ["cs", "pl"]) == ["zásilka", "przesyłka"]
    with pytest.raises(ValueError, match="one language"):
        topic_texts(["a"], [])
