"""Language identification of short comments, restricted to a candidate set."""

from __future__ import annotations

import pytest
from text_comments import COMMENTS, LANGUAGES

from centricity.analytics.text import detect_languages
from centricity.analytics.text.language import detect, detector_for


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_detects_each_product_language_on_short_comments(language: str) -> None:
    texts = [text for topic in COMMENTS.values() for text in topic[language]]
    assert detect_languages(texts) == [language] * len(texts)


def test_it_gives_no_language_to_one_or_two_words_unless_a_default_is_given() -> None:
    texts = ["super", "moc dobré", "Zásilka přišla pozdě včera."]
    assert detect_languages(texts) == [None, None, "cs"]
    found = detect_languages(texts, defaults=["sv", "cs-CZ", "pl"])
    # The default is for texts too short to tell; a longer text speaks for itself.
    assert found == ["sv", "cs", "cs"]


def test_it_answers_only_among_the_named_languages() -> None:
    german = "Das Paket kam eine Woche zu spät an."
    assert detect_languages([german], languages=["de", "en", "cs"]) == ["de"]
    assert detect_languages([german])[0] != "de"


def test_it_gives_no_language_when_no_candidate_is_clearly_ahead() -> None:
    # Names and a number are language-neutral: no candidate should be confident.
    assert detect_languages(["Anna Petra 12345 Nowak OK"]) == [None]


def test_it_refuses_a_code_lingua_does_not_know() -> None:
    with pytest.raises(ValueError, match="xx"):
        detect_languages(["some text here"], languages=["en", "xx"])


def test_it_refuses_defaults_that_do_not_align() -> None:
    with pytest.raises(ValueError, match="one entry"):
        detect_languages(["a b c", "d e f"], defaults=["en"])


def test_it_survives_bad_input() -> None:
    texts = ["", "   ", "😀😀😀 🎉", "x" * 100_000, "broken \ud800 surrogate text here", "\x00\x00"]
    texts.append("Zásilka přišla pozdě, the courier was late, курьер опоздал.")
    found = detect_languages(texts)
    assert found[:4] == [None, None, None, None]
    assert all(code is None or code in LANGUAGES for code in found)


def test_it_builds_a_detector_once_per_candidate_set() -> None:
    assert detector_for(("cs", "en")) is detector_for(("cs", "en"))
    assert detector_for(("cs", "en")) is not detector_for(("cs", "de"))


def test_the_single_text_helper_agrees_with_the_batch() -> None:
    text = "Przesyłka przyszła tydzień później niż obiecano."
    assert detect(text) == detect_languages([text])[0] == "pl"
