"""Which language a short customer text is written in.

Uses lingua-language-detector (n-gram models shipped inside the wheel: nothing is
downloaded at run time), restricted to a candidate set — by default the six languages the
product speaks — because a detector that may also answer Slovak or Norwegian mislabels short
Czech and Swedish comments. A text of one or two words ("ok", "super", "bra") is too short
for any detector to be trusted, and a longer one whose best language is not clearly ahead is
left undecided: no language is better than a wrong one, since analyses group texts by it.
Where the caller knows better for short texts (the customer's preferred language, the
channel's), `detect_languages` takes that as a per-text default.

Measured here (2 cores, lingua 2.1.1): building the detector with preloaded models takes
0.9 s on an idle machine (about 2 s of CPU, up to 5 s wall time when the cores are busy),
once per process and candidate set, on first use; detecting one short comment (4–10 words)
then takes 0.03–0.07 ms. The batch call (`compute_language_confidence_values_in_parallel`)
gave 24,000 short comments/s against 21,000/s one by one with both cores already busy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from centricity.analytics.text.analysable import clean

# The product's languages (the staff and public pages speak exactly these).
LANGUAGES: dict[Language, str] = {
    Language.ENGLISH: "en",
    Language.CZECH: "cs",
    Language.SWEDISH: "sv",
    Language.LITHUANIAN: "lt",
    Language.POLISH: "pl",
    Language.RUSSIAN: "ru",
}
PRODUCT_LANGUAGES: tuple[str, ...] = ("cs", "en", "lt", "pl", "ru", "sv")
# Fewer words than this: no language (one or two words fit several languages at once).
MIN_WORDS = 3
# The best language's confidence (0–1, the candidates add up to 1) below which none is
# given; real three-word comments score 0.6–1.0 in their language, ambiguous ones under 0.5.
MIN_CONFIDENCE = 0.6
# Only the start of a long text is read: 2,000 characters settle the language, and a
# 100,000-character paste would otherwise cost the detector 50 times as much for nothing.
MAX_DETECT_CHARS = 2_000
_WORD = re.compile(r"\w+", re.UNICODE)
# A language tag as people write it: `pl`, `PL`, `pl-PL`, `pt_BR`, `sr-Latn-RS`.
_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*", re.ASCII)


@cache
def detector() -> LanguageDetector:
    """The detector for the six languages, built on first use and kept for the process
    (building it loads every model: 0.9 s idle, about 2 s of CPU)."""
    return detector_for(PRODUCT_LANGUAGES)


@cache
def detector_for(codes: tuple[str, ...]) -> LanguageDetector:
    """A detector restricted to the languages with these ISO 639-1 codes (sorted, unique),
    built once per process and set, because building one loads its models."""
    languages = [lingua_language(code) for code in codes]
    return (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )


def lingua_language(code: str) -> Language:
    """lingua's language for an ISO 639-1 code (`cs`, `de`); ValueError for a code lingua
    does not know, so a misspelt configuration fails loudly instead of detecting nothing."""
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    except (ValueError, AttributeError) as error:
        raise ValueError(f"lingua knows no language with the ISO 639-1 code {code!r}") from error


def candidate_codes(languages: Sequence[str] | None) -> tuple[str, ...]:
    """The candidate set as sorted unique lower-case codes (the six product languages when
    None), the cache key of `detector_for`."""
    if languages is None:
        return PRODUCT_LANGUAGES
    codes = tuple(sorted({code.strip().lower() for code in languages}))
    if len(codes) < 2:
        raise ValueError("language detection needs at least two candidate languages")
    return codes


def word_count(text: str) -> int:
    """How many words a text has (letters and digits in any script)."""
    return len(_WORD.findall(text))


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the product language `text` is written in, or None when the
    text is shorter than three words or no language is confidently ahead."""
    return detect_languages([text])[0]


def detect_languages(
    texts: Sequence[str],
    languages: Sequence[str] | None = None,
    defaults: Sequence[str | None] | None = None,
) -> list[str | None]:
    """The ISO 639-1 code of each text's language among `languages` (default: the six
    product languages), or None where the text cannot tell. A text of one or two words
    takes its entry in `defaults` (the customer's or channel's language) when given, since
    so few words fit several languages; a longer one gets None when its best language is
    below `MIN_CONFIDENCE`. Texts are judged in one parallel batch."""
    if defaults is not None and len(defaults) != len(texts):
        raise ValueError("defaults must give one entry (or None) per text")
    codes = candidate_codes(languages)
    by_language = {lingua_language(code): code for code in codes}
    results: list[str | None] = [None] * len(texts)
    long_enough: list[int] = []
    for index, text in enumerate(texts):
        if word_count(text[:MAX_DETECT_CHARS]) >= MIN_WORDS:
            long_enough.append(index)
        elif defaults is not None and defaults[index]:
            results[index] = normalise(defaults[index] or "")
    if not long_enough:
        return results
    batch = [clean(texts[index][:MAX_DETECT_CHARS]) for index in long_enough]
    values = detector_for(codes).compute_language_confidence_values_in_parallel(batch)
    for index, confidences in zip(long_enough, values, strict=True):
        if confidences and confidences[0].value >= MIN_CONFIDENCE:
            results[index] = by_language.get(confidences[0].language)
    return results


def normalise(tag: str) -> str | None:
    """The primary language code of a tag as given (`PL`, `pl-PL`, `pl_PL` → `pl`), or
    None when it is not a language tag. Any language is kept, not only the six: a review
    in German is still in German."""
    match = _TAG.fullmatch(tag.strip())
    return match.group(1).lower() if match else None
