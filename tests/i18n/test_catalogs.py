"""The translation catalogs: current with the code, complete, and with the right plurals."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from centricity.kit.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    SOURCE_LANGUAGE,
    UNKNOWN_LANGUAGE,
    translations,
)

REPO = Path(__file__).resolve().parents[2]
TRANSLATED = [code for code in LANGUAGES if code != SOURCE_LANGUAGE]


def _keywords() -> list[str]:
    line = next(
        row
        for row in (REPO / "Makefile").read_text().splitlines()
        if row.startswith("BABEL_KEYWORDS")
    )
    return shlex.split(line.split(":=", 1)[1])


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _ids(catalog: Catalog) -> set[tuple[str | None, str]]:
    return {(m.context, str(m.id)) for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The catalog template extracted again from the code, as `make messages` does."""
    target = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    command = [str(pybabel), "extract", "-F", "babel.cfg", *_keywords(), "--no-location"]
    subprocess.run([*command, "-o", str(target), "."], cwd=REPO, check=True, capture_output=True)
    return _read(target)


def test_it_keeps_the_template_in_step_with_the_code(extracted: Catalog) -> None:
    stored = _read(LOCALE_DIR / "messages.pot")
    missing = _ids(extracted) - _ids(stored)
    stale = _ids(stored) - _ids(extracted)
    assert not missing, f"run `make messages`: not in the catalog: {sorted(missing)[:10]}"
    assert not stale, f"run `make messages`: no longer in the code: {sorted(stale)[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_it_translates_every_message(language: str, extracted: Catalog) -> None:
    catalog = _read(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", language)
    assert _ids(catalog) == _ids(extracted), "run `make messages` and translate"
    untranslated = [
        str(m.id)
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert not untranslated, f"{language}: {len(untranslated)} untranslated: {untranslated[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_its_translations_keep_the_placeholders(language: str) -> None:
    catalog = _read(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", language)
    problems = [(str(m.id), [str(e) for e in errors]) for m, errors in catalog.check() if errors]
    assert not problems, problems[:5]


# CLDR plural categories for the counts the issue names: (n, index of the gettext form).
PLURAL_FORMS = {
    # one (1, 21), few (2–4, 22–24), many/other (5–20, 25…): n%10==1 && n%100!=11 ...
    "ru": {1: 0, 2: 1, 5: 2, 21: 0, 22: 1, 25: 2},
    # Polish: 21 is "many" (only 1 itself is "one").
    "pl": {1: 0, 2: 1, 5: 2, 21: 2, 22: 1, 25: 2},
    # Lithuanian: 2–9 share a form (5 and 25 too); 10–20 take the third (gen. plural).
    "lt": {1: 0, 2: 1, 5: 1, 21: 0, 22: 1, 25: 1, 10: 2, 11: 2},
}


@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
def test_it_uses_three_plural_forms_where_the_language_has_them(language: str) -> None:
    catalog = _read(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", language)
    assert catalog.num_plurals == 3
    plurals = [m for m in catalog if m.id and isinstance(m.id, tuple)]
    assert plurals, "the catalog has no counted messages"
    for message in plurals:
        forms = message.string
        assert len(set(forms)) == 3, f"{language}: {message.id[0]!r} repeats a form: {forms}"
        singular, plural = message.id
        for n, index in PLURAL_FORMS[language].items():
            got = translations(language).ngettext(singular, plural, n)
            assert got == forms[index], (language, singular, n)


def test_the_unknown_language_message_names_every_supported_language() -> None:
    assert UNKNOWN_LANGUAGE.endswith(", ".join(LANGUAGES))


# What a customer reads (survey and unsubscribe pages, the invitation e-mail, the
# standard questions and their errors): every word in each language, never left English.
PUBLIC_SOURCES = (
    "src/centricity/web/templates/public_base.html",
    "src/centricity/surveys/templates/surveys/respond.html",
    "src/centricity/notifications/templates/notifications/unsubscribe.html",
    "src/centricity/surveys/wording.py",
    "src/centricity/surveys/respond.py",
    "src/centricity/surveys/invitation_mail.py",
    "src/centricity/notifications/unsubscribe.py",
)


@pytest.fixture(scope="module")
def public_messages(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages of the public pages and mail only, extracted from their files."""
    target = tmp_path_factory.mktemp("public") / "public.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    command = [str(pybabel), "extract", "-F", "babel.cfg", *_keywords(), "--no-location"]
    subprocess.run(
        [*command, "-o", str(target), *PUBLIC_SOURCES], cwd=REPO, check=True, capture_output=True
    )
    return _read(target)


@pytest.mark.parametrize("language", TRANSLATED)
def test_it_translates_every_public_string_away_from_english(
    language: str, public_messages: Catalog
) -> None:
    ids = [m for m in public_messages if m.id]
    assert len(ids) > 40  # the extraction found the public pages' words
    catalog = _read(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", language)
    english = []
    for message in ids:
        found = catalog.get(message.id, context=message.context)
        text = found.string if found is not None else ""
        if not text or text == message.id:
            english.append(str(message.id))
    assert not english, f"{language}: not translated away from English: {english[:5]}"
