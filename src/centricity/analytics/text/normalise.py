"""Customers' words reduced to comparable base forms, per language.

Keyword rules, theme labels and the classic sentiment path compare words, and Czech,
Lithuanian, Polish and Russian inflect heavily: "zásilka", "zásilky", "zásilkou" are one
word to a reader and three to a counter. Each token is lower-cased and lemmatised with
simplemma (dictionaries for all six product languages and ~50 others); a language simplemma
lacks gets a Snowball stem instead (cruder, but it still folds inflections). Stop words
from stopwordsiso are dropped for labels and rules, where "and" and "že" would drown the
content, and may be kept (`stop_words=False`) where negations carry meaning, as in sentiment.

Dictionaries are loaded once per process: simplemma caches its own on first use of a
language, stop-word sets and stemmers are cached here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Protocol, cast

import simplemma
import snowballstemmer
import stopwordsiso

from centricity.analytics.text.analysable import clean

# Letters only (any script), joined by an apostrophe or hyphen inside a word; digits and
# order numbers say nothing about a theme and would make every label unique.
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", re.UNICODE)
# One-letter tokens are prepositions and conjunctions (Czech "v", "k", "a") or noise.
MIN_TOKEN_LENGTH = 2
# Languages Snowball stems, by ISO 639-1 code, for those simplemma has no dictionary for.
_SNOWBALL = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech",
    "da": "danish", "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian",
    "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian",
    "fa": "persian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "st": "sesotho", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish",
}  # fmt: skip


class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...  # snowballstemmer's name


def tokenise(text: str) -> list[str]:
    """The lower-cased words of a text in any script, without digits and one-letter words."""
    return [
        token for token in _TOKEN.findall(clean(text).lower()) if len(token) >= MIN_TOKEN_LENGTH
    ]


@cache
def stop_word_set(language: str | None) -> frozenset[str]:
    """The stop words of a language (empty for an unknown one), loaded once per process."""
    if not language or not stopwordsiso.has_lang(language):
        return frozenset()
    return frozenset(word.lower() for word in stopwordsiso.stopwords(language))


@cache
def _lemmatised(language: str) -> bool:
    return language in _simplemma_languages()


@cache
def _simplemma_languages() -> frozenset[str]:
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

    return frozenset(SUPPORTED_LANGUAGES)


@cache
def _stemmer(language: str) -> _Stemmer | None:
    name = _SNOWBALL.get(language)
    return cast(_Stemmer, snowballstemmer.stemmer(name)) if name else None


def method(language: str | None) -> str:
    """How words of a language are reduced: `"lemma"` (simplemma), `"stem"` (Snowball) or
    `"lower"` (lower-case only, for a language neither knows or no language at all)."""
    if language and _lemmatised(language):
        return "lemma"
    if language and _stemmer(language) is not None:
        return "stem"
    return "lower"


def base_form(token: str, language: str | None) -> str:
    """The lemma of a lower-case token, else its Snowball stem, else the token itself."""
    if not language:
        return token
    if _lemmatised(language):
        return str(simplemma.lemmatize(token, lang=language)).lower()
    stemmer = _stemmer(language)
    return stemmer.stemWord(token) if stemmer is not None else token


def normalise(text: str, language: str | None, *, stop_words: bool = True) -> list[str]:
    """The base forms of a text's words in its language, in order; with `stop_words` (the
    default) words that are stop words before or after reduction are dropped."""
    stops = stop_word_set(language) if stop_words else frozenset()
    result = []
    for token in tokenise(text):
        if token in stops:
            continue
        form = base_form(token, language)
        if form not in stops and len(form) >= MIN_TOKEN_LENGTH:
            result.append(form)
    return result


def normalise_many(
    texts: Sequence[str], languages: Sequence[str | None], *, stop_words: bool = True
) -> list[list[str]]:
    """`normalise` for each text with its own language (a run's batch)."""
    if len(texts) != len(languages):
        raise ValueError("normalise_many needs one language (or None) per text")
    return [
        normalise(text, language, stop_words=stop_words)
        for text, language in zip(texts, languages, strict=True)
    ]


def topic_text(text: str, language: str | None) -> str:
    """What themes embed of a comment: its words' base forms in order, stop words kept
    (they carry the relations between words), without punctuation, digits or case. A
    sentence embedding also encodes form (a question mark, an order number, capitals), and
    k-means on it grouped comments by form and mood before subject. On the evaluation set
    (757 comments, six languages, ten themes, mean of three seeds) cross-language topic
    purity rose from 0.458 to 0.686 without ratings and from 0.634 to 0.759 with them
    (adjusted Rand index 0.217 to 0.470 and 0.413 to 0.569) when themes read these texts'
    embeddings. Sentiment keeps the sentence's own embedding: on these texts its held-out
    macro-F1 fell (Lithuanian 0.883 to 0.754). A text with no words left is returned as
    it was written, so every item still gets a vector."""
    words = normalise(text, language, stop_words=False)
    return " ".join(words) if words else clean(text)


def topic_texts(texts: Sequence[str], languages: Sequence[str | None]) -> list[str]:
    """`topic_text` for each text with its own language (a run's batch)."""
    if len(texts) != len(languages):
        raise ValueError("topic_texts needs one language (or None) per text")
    return [topic_text(text, language) for text, language in zip(texts, languages, strict=True)]
