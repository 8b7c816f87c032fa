"""Translations of the staff app: the supported languages, the viewer's language for the
code that runs while a page renders, and lazy texts for messages made before it is known.

Pages learn the viewer's language only when they render (the user is resolved in a
dependency that runs in another thread), so Python code that hands text to a page uses
`lazy()` / `lazy_plural()`; the text is translated when the page turns it into a string.
The REST API and the CLI turn the same texts into strings outside any page: English.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from gettext import GNUTranslations, NullTranslations
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "cs", "sv", "lt", "pl", "ru")
# Each language named in itself: the switch must be readable by someone who cannot read
# the page's current language.
LANGUAGE_NAMES = {
    "en": "English",
    "cs": "Čeština",
    "sv": "Svenska",
    "lt": "Lietuvių",
    "pl": "Polski",
    "ru": "Русский",
}
SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"

log = logging.getLogger(__name__)


def noop(message: str) -> str:
    """Mark `message` for the catalog without translating it (tables of labels)."""
    return message


# Readable English labels of stored codes whose code is not a word (`name_postcode`), per
# context; codes that read well (`phone`, `agent`) need no entry.
_CODE_LABELS: dict[str, dict[str, str]] = {}


def register_labels(context: str, labels: dict[str, str]) -> dict[str, str]:
    """Give stored codes readable English labels (each marked with `pnoop(context, ...)`);
    pages show `label_for(context, code)` translated."""
    _CODE_LABELS.setdefault(context, {}).update(labels)
    return labels


def has_label(context: str, code: str) -> bool:
    """Tell whether a domain gave this stored code a readable label."""
    return code in _CODE_LABELS.get(context, {})


def label_for(context: str, code: str) -> str:
    """A stored code as the viewer reads it, in its context."""
    return pgettext(context, _CODE_LABELS.get(context, {}).get(code, code))


def pnoop(context: str, message: str) -> str:
    """Mark a stored code's label for the catalog in its context (`channel`, `status`...);
    pages translate it with the filter of the same name."""
    del context
    return message


@dataclass(frozen=True)
class ViewerLocale:
    """Whom a page is rendered for: their language and IANA time zone."""

    language: str = SOURCE_LANGUAGE
    time_zone: str = "UTC"


_DEFAULT = ViewerLocale()
_viewer: ContextVar[ViewerLocale] = ContextVar("centricity_viewer_locale", default=_DEFAULT)  # noqa: B039 (frozen)


def supported(language: str | None) -> str | None:
    """The supported language code for `language` (`pl-PL` → `pl`), or None."""
    if not language:
        return None
    code = language.strip().replace("_", "-").split("-", 1)[0].lower()
    return code if code in LANGUAGES else None


# Literal so that the catalog holds it; a test checks it still lists LANGUAGES.
UNKNOWN_LANGUAGE = noop("unknown language; supported: en, cs, sv, lt, pl, ru")


def check_language(language: str) -> str:
    """Accept a supported language code or raise ValueError naming the supported ones."""
    code = supported(language)
    if code is None or code != language.strip().lower():
        raise ValueError(UNKNOWN_LANGUAGE)
    return code


def _compiled(language: str) -> bytes | None:
    """The language's compiled catalog; compiled from the `.po` in memory when the `.mo`
    is missing or older (a checkout edited since `make install`)."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        return mo.read_bytes()
    if not po.is_file():
        return None
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


@cache
def translations(language: str) -> NullTranslations:
    """The gettext catalog of a supported language (English is the source: no catalog)."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    data = _compiled(language)
    if data is None:
        log.warning("no translation catalog for %s; pages fall back to English", language)
        return NullTranslations()
    return GNUTranslations(io.BytesIO(data))


def current() -> ViewerLocale:
    """The locale of the page being rendered (English and UTC outside a page)."""
    return _viewer.get()


@contextmanager
def use_locale(locale: ViewerLocale) -> Iterator[None]:
    """Render everything inside in `locale`'s language and time zone."""
    token = _viewer.set(locale)
    try:
        yield
    finally:
        _viewer.reset(token)


def gettext(message: str) -> str:
    """Translate `message` into the current viewer's language."""
    return translations(current().language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a count's message with the plural form the viewer's language uses for n
    (Lithuanian, Polish and Russian have three)."""
    return translations(current().language).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate a short word whose meaning depends on `context` (e.g. a status)."""
    return translations(current().language).pgettext(context, message)


class LazyText:
    """A message translated (and filled in) only when it is turned into a string."""

    __slots__ = ("_singular", "_plural", "_n", "_params", "_context")

    def __init__(
        self,
        singular: str,
        plural: str | None = None,
        n: int | None = None,
        context: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self._singular = singular
        self._plural = plural
        self._n = n
        self._context = context
        self._params = params or {}

    @property
    def msgid(self) -> str:
        """The English message before translation (for tests and logs)."""
        return self._singular

    def __str__(self) -> str:
        if self._plural is not None and self._n is not None:
            text = ngettext(self._singular, self._plural, self._n)
        elif self._context is not None:
            text = pgettext(self._context, self._singular)
        else:
            text = gettext(self._singular)
        # Nested lazy texts are translated too; numbers stay numbers for `%(n)d`.
        params = {
            key: str(value) if isinstance(value, LazyText) else value
            for key, value in self._params.items()
        }
        return text % params if params else text

    def _key(self) -> tuple[Any, ...]:
        return (self._singular, self._plural, self._n, self._context, repr(self._params))

    def __repr__(self) -> str:
        return f"LazyText({self._singular!r})"

    def __eq__(self, other: object) -> bool:
        # Two lazy texts are equal when they would always read the same; a plain string
        # is compared with the text in the current language.
        if isinstance(other, LazyText):
            return self._key() == other._key()
        return str(self) == other

    def __hash__(self) -> int:
        return hash(self._key())

    def __add__(self, other: object) -> str:
        return str(self) + str(other)

    def __radd__(self, other: object) -> str:
        return str(other) + str(self)


def lazy(message: str, **params: Any) -> LazyText:
    """A message to translate when shown; `%(name)s` placeholders are filled from params."""
    return LazyText(message, params=params)


def lazy_plural(singular: str, plural: str, n: int, **params: Any) -> LazyText:
    """A count's message to translate when shown; `%(n)s` holds the count."""
    return LazyText(singular, plural, n, params={"n": n, **params})


def lazy_context(context: str, message: str) -> LazyText:
    """A short word to translate when shown, in a context (`status`, `channel`...)."""
    return LazyText(message, context=context)


# Text shown to a person: plain (names, values as written) or translated when shown.
Message = str | LazyText
