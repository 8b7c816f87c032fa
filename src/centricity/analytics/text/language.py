"""Which of the product's six languages a short customer text is written in.

Uses lingua-language-detector (n-gram models shipped inside the wheel: nothing is
downloaded at run time), restricted to the six languages the product speaks, because a
detector that may also answer Slovak or Norwegian mislabels short Czech and Swedish
comments. A text of one or two words ("ok", "super", "bra") is too short for any
detector to be trusted, and a longer one whose best language is not clearly ahead is left
undecided: no language is better than a wrong one, since analyses group texts by it.

Measured here (2 cores, lingua 2.1.1): building the detector with preloaded models takes
0.9 s on an idle machine (about 2 s of CPU, up to 5 s wall time when the cores are busy),
once per process, on first use; detecting one short comment (4–10 words) then takes
0.03–0.07 ms, so detection never slows down an import or a request after the first.
"""

from __future__ import annotations

import re
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# The product's languages (the staff and public pages speak exactly these).
LANGUAGES: dict[Language, str] = {
    Language.ENGLISH: "en",
    Language.CZECH: "cs",
    Language.SWEDISH: "sv",
    Language.LITHUANIAN: "lt",
    Language.POLISH: "pl",
    Language.RUSSIAN: "ru",
}
# Fewer words than this: no language (one or two words fit several languages at once).
MIN_WORDS = 3
# The best language's confidence (0–1, the six add up to 1) below which none is given;
# real three-word comments score 0.6–1.0 in their language, ambiguous ones under 0.5.
MIN_CONFIDENCE = 0.6
_WORD = re.compile(r"\w+", re.UNICODE)
# A language tag as people write it: `pl`, `PL`, `pl-PL`, `pt_BR`, `sr-Latn-RS`.
_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*", re.ASCII)


@cache
def detector() -> LanguageDetector:
    """The detector for the six languages, built on first use and kept for the process
    (building it loads every model: 0.9 s idle, about 2 s of CPU)."""
    return (
        LanguageDetectorBuilder.from_languages(*LANGUAGES).with_preloaded_language_models().build()
    )


def word_count(text: str) -> int:
    """How many words a text has (letters and digits in any script)."""
    return len(_WORD.findall(text))


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the product language `text` is written in, or None when the
    text is shorter than three words or no language is confidently ahead."""
    if word_count(text) < MIN_WORDS:
        return None
    values = detector().compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return LANGUAGES.get(values[0].language)


def normalise(tag: str) -> str | None:
    """The primary language code of a tag as given (`PL`, `pl-PL`, `pl_PL` → `pl`), or
    None when it is not a language tag. Any language is kept, not only the six: a review
    in German is still in German."""
    match = _TAG.fullmatch(tag.strip())
    return match.group(1).lower() if match else None
