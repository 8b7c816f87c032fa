"""Scales, text rules and language detection: pure rules, no store."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from centricity.analytics.text import language
from centricity.feedback.models import MAX_TEXT, SCALES
from centricity.feedback.schemas import (
    NOT_ON_SCALE,
    SCALE_NEEDS_SCORE,
    SCORE_NEEDS_SCALE,
    FeedbackCreate,
    check_score,
)
from centricity.feedback.service import check_content
from centricity.kit import i18n, localeformat
from centricity.kit.errors import Invalid


@pytest.mark.parametrize(
    ("scale", "good", "bad"),
    [
        ("nps", ["0", "6", "10"], ["-1", "11", "7.5"]),
        ("csat", ["1", "5"], ["0", "6", "2.5"]),
        ("ces", ["1", "7"], ["0", "8", "1.5"]),
        ("stars", ["1", "4.5", "5"], ["0.5", "5.5", "4.25"]),
        ("percent", ["0", "33.33", "100"], ["-0.01", "100.01"]),
    ],
)
def test_it_holds_each_scale_to_its_range_and_step(
    scale: str, good: list[str], bad: list[str]
) -> None:
    assert all(check_score(Decimal(s), scale) is None for s in good)
    assert all(check_score(Decimal(s), scale) == NOT_ON_SCALE for s in bad)


def test_it_refuses_a_score_without_a_scale_and_a_scale_without_a_score() -> None:
    assert check_score(Decimal(5), None) == SCORE_NEEDS_SCALE
    assert check_score(None, "nps") == SCALE_NEEDS_SCORE
    assert check_score(None, None) is None
    assert set(SCALES) == {"nps", "csat", "ces", "stars", "percent"}


def test_it_names_the_field_that_breaks_a_rule() -> None:
    with pytest.raises(Invalid) as off_scale:
        check_content(Decimal(11), "nps", "")
    assert off_scale.value.field == "score"
    with pytest.raises(Invalid) as empty:
        check_content(None, None, "   ")
    assert empty.value.field == "text"
    with pytest.raises(Invalid) as nul:
        check_content(None, None, "a\x00b")
    assert nul.value.field == "text"
    with pytest.raises(Invalid) as long:
        check_content(None, None, "x" * (MAX_TEXT + 1))
    assert long.value.field == "text"
    check_content(Decimal(9), "nps", "")  # a score alone is feedback


@pytest.mark.parametrize("text", ["bad\x00text", "broken \ud800 surrogate"])
def test_the_schema_refuses_nul_and_invalid_unicode(text: str) -> None:
    with pytest.raises(ValidationError):
        FeedbackCreate(customer_id=1, source="review", text=text)


@pytest.mark.parametrize(
    ("given", "code"), [("pl", "pl"), ("PL", "pl"), ("pl-PL", "pl"), ("sv_SE", "sv"), ("de", "de")]
)
def test_it_normalises_a_language_as_given(given: str, code: str) -> None:
    assert FeedbackCreate(customer_id=1, source="api", text="x", language=given).language == code


@pytest.mark.parametrize("given", ["polish", "p", "12", "pl PL"])
def test_it_refuses_what_is_not_a_language_tag(given: str) -> None:
    with pytest.raises(ValidationError):
        FeedbackCreate(customer_id=1, source="api", text="x", language=given)


@pytest.mark.parametrize("source", ["Review", "app store", "", "x" * 41, "ärende"])
def test_it_refuses_a_source_that_is_not_a_short_lower_case_code(source: str) -> None:
    with pytest.raises(ValidationError):
        FeedbackCreate(customer_id=1, source=source, text="x")


SENTENCES = {
    "en": "The courier called before coming and the delivery was on time.",
    "cs": "Kurýr zavolal předem a zásilka dorazila přesně včas.",
    "sv": "Budet ringde innan och leveransen kom precis i tid.",
    "lt": "Kurjeris paskambino iš anksto ir siunta atvyko laiku.",
    "pl": "Kurier zadzwonił wcześniej i przesyłka dotarła na czas.",
    "ru": "Курьер позвонил заранее, и посылка пришла вовремя.",
}
SHORT_SENTENCES = {
    "en": "Very slow refund",
    "cs": "Velmi pomalé vrácení peněz",
    "sv": "Mycket långsam återbetalning",
    "lt": "Labai lėtas pinigų grąžinimas",
    "pl": "Bardzo wolny zwrot pieniędzy",
    "ru": "Очень медленный возврат денег",
}


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_it_detects_each_product_language_in_a_short_sentence(code: str) -> None:
    assert language.detect(SENTENCES[code]) == code
    assert language.detect(SHORT_SENTENCES[code]) == code


@pytest.mark.parametrize("text", ["ok", "super", "bra", "Děkuji moc", "thanks!", "", "12 34 56"])
def test_it_gives_no_language_for_one_or_two_words_or_no_words(text: str) -> None:
    assert language.detect(text) is None


def test_it_gives_no_language_when_no_language_is_clearly_ahead() -> None:
    # Product names and a number: words of no language the detector knows.
    assert language.detect("iPhone 15 Pro Max 256GB") is None


def test_it_builds_the_detector_once_per_process() -> None:
    assert language.detector() is language.detector()


@pytest.mark.parametrize(
    ("value", "language_code", "shown"),
    [(9.0, "en", "9"), (Decimal("4.50"), "cs", "4,5"), (33.33, "sv", "33,33"), (None, "en", "–")],
)
def test_a_score_shows_only_the_decimals_it_has(
    value: float | Decimal | None, language_code: str, shown: str
) -> None:
    with i18n.use_locale(i18n.ViewerLocale(language=language_code)):
        assert localeformat.score(value) == shown
