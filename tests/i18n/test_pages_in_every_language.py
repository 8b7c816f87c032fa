"""Every page family, rendered in each language, holds no English phrase of the catalog.

The store is a small seeded demo workspace with a value analysis, an import waiting for
review and duplicate pairs, so the pages show their tables, charts and notes, not only
their empty states.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from centricity.app import create_app
from centricity.config import Settings
from centricity.db import make_engine, session_factory
from centricity.kit.i18n import LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE
from centricity.migrations import runner
from centricity.web.deps import SESSION_COOKIE
from page_store import FORM_ERRORS, IMPORT_CSV, PAGES, STATUS, fill_workspace
from store_helpers import TEST_SECRET

pytestmark = pytest.mark.slow
TRANSLATED = [code for code in LANGUAGES if code != SOURCE_LANGUAGE]


@dataclass
class Site:
    """The served store: a client per language and the addresses of its pages."""

    clients: dict[str, TestClient]
    pages: dict[str, str]
    customer_id: int
    case_id: int
    survey_id: int = 0
    theme_id: int = 0


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("pages")
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{tmp / 'pages.db'}",
        data_dir=tmp / "data",
        secret_key=TEST_SECRET,
        scheduler_enabled=False,
        time_zone="Europe/Prague",
    )
    engine = make_engine(settings.database_url)
    runner.upgrade(engine)
    with session_factory(engine)() as session:
        workspace = fill_workspace(session, settings)
    engine.dispose()
    app = create_app(settings)
    clients = {}
    for language in LANGUAGES:
        client = TestClient(app, follow_redirects=False)
        client.cookies.set(SESSION_COOKIE, workspace.sessions[language])
        clients[language] = client
    admin = clients[SOURCE_LANGUAGE]
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', admin.get("/").text)
    assert csrf
    upload = admin.post(
        "/imports",
        data={"kind": "customers", "csrf_token": csrf.group(1)},
        files={"file": ("people.csv", io.BytesIO(IMPORT_CSV.encode()), "text/csv")},
    )
    assert upload.status_code == 303, upload.text[:500]
    pages = {
        name: path.format(
            customer=workspace.customer_id,
            job=upload.headers["location"],
            case=workspace.case_id,
            event=workspace.event_id,
            idea=workspace.idea_id,
            survey=workspace.survey_id,
            theme=workspace.theme_id,
        )
        for name, path in PAGES.items()
    }
    yield Site(
        clients,
        pages,
        workspace.customer_id,
        workspace.case_id,
        workspace.survey_id,
        workspace.theme_id,
    )
    for client in clients.values():
        client.close()


class _Text(HTMLParser):
    """Visible text and read-aloud attributes, outside <script>, <style> and translate=no."""

    READ = ("aria-label", "placeholder", "title", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style") or values.get("translate") == "no" or self._skip:
            if tag not in ("input", "br", "img", "meta", "link", "hr"):
                self._skip.append(tag)
            return
        self.parts.extend(str(values[name]) for name in self.READ if values.get(name))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a reader of the page sees or hears, as one string."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _catalog(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def english_phrases(language: str) -> list[str]:
    """Phrases of the English catalog that must not appear on a page in `language`: every
    literal piece of two words or more, and single words of four letters or more. Left out:
    text that is also a translation in the catalog (Import, E-mail, CSV are Czech too), and
    lower-case stored codes (`email`, `admin`), which pages also show as identifiers (the
    field an import row failed on); their labels are checked by the catalog tests."""
    catalog = _catalog(language)
    translated: set[str] = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated.update(str(s) for s in strings if s)
    phrases: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for english in ids:
            if english in translated:
                continue
            if message.context and re.fullmatch(r"[a-z_-]+", english):
                continue
            for piece in re.split(r"%\(\w+\)s|%s|%%|\s[–·—:;]\s", english):
                words = re.findall(r"[A-Za-z][A-Za-z'’-]*", piece)
                piece = piece.strip(' .,:;()“”"')
                whole_word = len(words) == 1 and len(words[0]) >= 4 and piece == words[0]
                if (len(words) >= 2 or whole_word) and piece not in translated:
                    phrases.add(piece)
    return sorted(phrases, key=len, reverse=True)


def english_left(text: str, phrases: list[str]) -> list[str]:
    """The catalog phrases found in a page's text (as whole words, case as written)."""
    return [p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)]


PAGE_NAMES = [
    "dashboard",
    "customers",
    "customer search",
    "customer 360",
    "customer form",
    "customer edit",
    "value",
    "import",
    "import job",
    "duplicates",
    "settings",
    "audit",
    "not found",
    "unbuilt section",
    "cases",
    "cases filtered",
    "case",
    "case form",
    "internal request form",
    "service",
    "service by tier",
    "notifications",
    "service levels",
    "calendar form",
    "policy form",
]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_page_family_speaks_the_users_language(site: Site, language: str) -> None:
    phrases = english_phrases(language)
    found: dict[str, list[str]] = {}
    for name in PAGES:
        page = site.clients[language].get(site.pages[name])
        assert page.status_code == STATUS.get(name, 200), (name, page.status_code)
        assert f'<html lang="{language}">' in page.text, name
        left = english_left(visible_text(page.text), phrases)
        if left:
            found[name] = left
    assert not found, f"{language}: English left on pages: {found}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_form_errors_speak_the_users_language(site: Site, language: str) -> None:
    client = site.clients[language]
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
    assert token
    phrases = english_phrases(language)
    found: dict[str, list[str]] = {}
    for name, path, fields, status in FORM_ERRORS:
        answer = client.post(
            path.format(
                customer=site.customer_id,
                case=site.case_id,
                survey=site.survey_id,
                theme=site.theme_id,
            ),
            data={**fields, "csrf_token": token.group(1)},
        )
        assert answer.status_code == status, (name, answer.status_code)
        assert 'class="error"' in answer.text or 'class="field-error"' in answer.text, name
        left = english_left(visible_text(answer.text), phrases)
        if left:
            found[name] = left
    assert not found, f"{language}: English left in form errors: {found}"


def test_the_check_finds_english_on_an_english_page(site: Site) -> None:
    text = visible_text(site.clients["en"].get("/customers").text)
    assert english_left(text, english_phrases("cs")), "the check cannot see English"


def test_login_page_speaks_each_language(site: Site) -> None:
    for language in TRANSLATED:
        with TestClient(site.clients[language].app) as anon:
            page = anon.get("/login", headers={"Accept-Language": language})
        left = english_left(visible_text(page.text), english_phrases(language))
        assert not left, (language, left)
