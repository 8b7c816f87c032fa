"""The labelled text evaluation set (tests/data/text_eval) is intact: the quality benchmark's
figures mean something only if every row has one known language, topic and sentiment, and
parallel comments agree on what they say."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "text_eval"
LANGUAGES = {"cs", "sv", "lt", "pl", "ru", "en"}
SENTIMENTS = {"negative", "neutral", "positive"}
TOPICS = {
    "delivery_time",
    "courier_call",
    "staff_attitude",
    "phone_wait",
    "billing",
    "product_quality",
    "price",
    "website_app",
    "refund_return",
    "appointment",
}
MIN_COMMENTS = 120
MIN_TWO_WORDS = 30
_WORD = re.compile(r"\w+", re.UNICODE)
# Letters that only some of the six languages write: a text with one of them cannot be in a
# language whose alphabet lacks it (the Latin-script ones are checked only on the letter
# sets, so an unaccented text such as "balik meli dorucit" still passes).
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_OWN_LETTERS = {
    "cs": set("áčďéěíňóřšťúůýž"),
    "sv": set("åäöé"),
    "lt": set("ąčęėįšųūž"),
    "pl": set("ąćęłńóśźż"),
    "en": set(),
}


def _read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def comments() -> list[dict[str, str]]:
    header, rows = _read("comments.csv")
    assert header == ["id", "group", "language", "topic", "sentiment", "text"]
    return rows


@pytest.fixture(scope="module")
def two_words() -> list[dict[str, str]]:
    header, rows = _read("two_words.csv")
    assert header == ["id", "language", "text"]
    return rows


def test_it_has_unique_ids_and_only_known_labels(comments: list[dict[str, str]]) -> None:
    assert len({row["id"] for row in comments}) == len(comments)
    assert {row["language"] for row in comments} == LANGUAGES
    assert {row["sentiment"] for row in comments} == SENTIMENTS
    assert {row["topic"] for row in comments} == TOPICS
    assert all(row["text"].strip() == row["text"] and row["text"] for row in comments)


def test_it_has_enough_comments_per_language_and_sentiment(
    comments: list[dict[str, str]],
) -> None:
    per_language = Counter(row["language"] for row in comments)
    assert min(per_language.values()) >= MIN_COMMENTS, per_language
    per_sentiment = Counter((row["language"], row["sentiment"]) for row in comments)
    # Balanced enough for macro-F1: no sentiment under a fifth of a language's comments.
    for (language, _), count in per_sentiment.items():
        assert count >= per_language[language] / 5, per_sentiment


def test_it_has_every_topic_in_every_language_with_three_sentiments(
    comments: list[dict[str, str]],
) -> None:
    cells = Counter((row["language"], row["topic"], row["sentiment"]) for row in comments)
    missing = [
        (language, topic, sentiment)
        for language in LANGUAGES
        for topic in TOPICS
        for sentiment in SENTIMENTS
        if cells[(language, topic, sentiment)] == 0
    ]
    assert not missing


def test_it_has_no_duplicate_texts(comments: list[dict[str, str]]) -> None:
    texts = Counter(row["text"].casefold() for row in comments)
    assert [text for text, count in texts.items() if count > 1] == []


def test_it_keeps_a_group_on_one_topic_and_sentiment(comments: list[dict[str, str]]) -> None:
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in comments:
        if row["group"]:
            groups[row["group"]].append(row)
    assert groups, "the set has parallel comments"
    for group, rows in groups.items():
        languages = [row["language"] for row in rows]
        assert len(set(languages)) == len(languages) > 1, group
        assert len({(row["topic"], row["sentiment"]) for row in rows}) == 1, group


def test_it_has_short_and_three_word_comments(comments: list[dict[str, str]]) -> None:
    words = {row["id"]: len(_WORD.findall(row["text"])) for row in comments}
    assert min(words.values()) >= 3
    three = Counter(row["language"] for row in comments if words[row["id"]] == 3)
    assert all(three[language] >= 5 for language in LANGUAGES), three


def test_it_writes_each_text_in_its_own_alphabet(comments: list[dict[str, str]]) -> None:
    for row in comments:
        text, language = row["text"].casefold(), row["language"]
        assert bool(_CYRILLIC.search(text)) == (language == "ru"), row["id"]
        if language != "ru":
            foreign = {ch for ch in text if ch.isalpha() and not ch.isascii()}
            assert foreign <= _OWN_LETTERS[language], (row["id"], foreign)


def test_it_has_two_word_texts_per_language(two_words: list[dict[str, str]]) -> None:
    assert len({row["id"] for row in two_words}) == len(two_words)
    per_language = Counter(row["language"] for row in two_words)
    assert set(per_language) == LANGUAGES
    assert min(per_language.values()) >= MIN_TWO_WORDS, per_language
    for row in two_words:
        assert len(row["text"].split()) == len(_WORD.findall(row["text"])) == 2, row["id"]
    texts = Counter((row["language"], row["text"].casefold()) for row in two_words)
    assert max(texts.values()) == 1
