"""Which language a page speaks: the user's choice, Accept-Language, then the default."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from centricity.accounts import service as accounts
from centricity.accounts.models import Role, User
from centricity.cli import app as root_cli
from centricity.customers import service as customer_service
from centricity.customers.schemas import CustomerCreate
from centricity.db import make_engine
from centricity.interactions import service as interaction_service
from centricity.kit.i18n import LANGUAGES, translations
from centricity.web.locale import negotiate
from fixtures_web import Browser, Personas, make_user
from store_helpers import store_for_cli

pytestmark = pytest.mark.usefixtures("personas")


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([a-z]+)">', html)
    assert match, "no <html lang>"
    return match.group(1)


def _sign_in(language: str) -> str:
    return translations(language).gettext("Sign in")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("lt", "lt"),
        ("lt-LT,lt;q=0.9,en;q=0.8", "lt"),
        ("de-DE, pl;q=0.5, ru;q=0.7", "ru"),
        ("sv_SE", "sv"),
        ("*", None),
        ("de, fr;q=0.9", None),
        ("cs;q=0", None),
        ("cs;q=abc, ;;;, \x00", None),
        ("pl;q=1.5", None),
        ("a" * 600, None),
        ("", None),
    ],
)
def test_it_negotiates_accept_language(header: str, expected: str | None) -> None:
    assert negotiate(header) == expected


def test_it_shows_the_login_page_in_the_browsers_language(anon: TestClient) -> None:
    page = anon.get("/login", headers={"Accept-Language": "lt-LT,lt;q=0.9,en;q=0.5"})
    assert page.status_code == 200
    assert _lang(page.text) == "lt"
    assert _sign_in("lt") in page.text and _sign_in("lt") != "Sign in"
    assert ">Sign in<" not in page.text


def test_a_malformed_accept_language_falls_back_to_the_default(anon: TestClient) -> None:
    page = anon.get("/login", headers={"Accept-Language": ";;q=,, \t%%%"})
    assert page.status_code == 200 and _lang(page.text) == "en"


def test_the_login_page_switch_overrides_the_browser(anon: TestClient) -> None:
    page = anon.get("/login?lang=pl", headers={"Accept-Language": "cs"})
    assert _lang(page.text) == "pl" and _sign_in("pl") in page.text


def test_a_signed_in_users_language_wins(
    browser_for: Callable[[User], Browser], db: Session
) -> None:
    czech = make_user(db, "jana@test.example", Role.AGENT, "Department A")
    czech.language = "cs"
    db.commit()
    page = browser_for(czech).client.get("/customers", headers={"Accept-Language": "ru"})
    assert page.status_code == 200 and _lang(page.text) == "cs"
    assert translations("cs").gettext("Customers") in page.text


def test_it_uses_the_default_language_when_nothing_else_says(
    browser_for: Callable[[User], Browser], personas: Personas, app: object
) -> None:
    app.state.settings.default_language = "sv"  # type: ignore[attr-defined]
    page = browser_for(personas.bob).client.get("/", headers={"Accept-Language": "de"})
    assert _lang(page.text) == "sv"


def test_the_header_switch_changes_the_users_language(
    browser_for: Callable[[User], Browser], personas: Personas, db: Session
) -> None:
    bob = browser_for(personas.bob)
    moved = bob.client.post(
        "/settings/language",
        data={"language": "pl", "next": "/customers?q=x", "csrf_token": bob.csrf},
    )
    assert moved.status_code == 303 and moved.headers["location"] == "/customers?q=x"
    db.expire_all()
    assert accounts.get(db, personas.bob.id).language == "pl"
    assert _lang(bob.client.get("/customers").text) == "pl"
    away = bob.client.post(
        "/settings/language",
        data={"language": "cs", "next": "//evil.example/", "csrf_token": bob.csrf},
    )
    assert away.headers["location"] == "/"


def test_settings_refuse_an_unknown_language_with_the_supported_ones(
    browser_for: Callable[[User], Browser], personas: Personas, db: Session
) -> None:
    bob = browser_for(personas.bob)
    refused = bob.client.post(
        "/settings/preferences", data={"language": "xx", "csrf_token": bob.csrf}
    )
    assert refused.status_code == 422
    assert ", ".join(LANGUAGES) in refused.text
    db.expire_all()
    assert accounts.get(db, personas.bob.id).language is None
    bad_zone = bob.client.post(
        "/settings/preferences",
        data={"language": "cs", "time_zone": "Mars/Olympus", "csrf_token": bob.csrf},
    )
    assert bad_zone.status_code == 422
    saved = bob.client.post(
        "/settings/preferences",
        data={"language": "ru", "time_zone": "Europe/Vilnius", "csrf_token": bob.csrf},
    )
    assert saved.status_code == 303
    db.expire_all()
    stored = accounts.get(db, personas.bob.id)
    assert (stored.language, stored.time_zone) == ("ru", "Europe/Vilnius")


def test_settings_need_the_csrf_token(
    browser_for: Callable[[User], Browser], personas: Personas
) -> None:
    bob = browser_for(personas.bob)
    assert bob.client.post("/settings/language", data={"language": "pl"}).status_code == 403


def test_api_me_names_the_language(
    anon: TestClient, personas: Personas, token_for: Callable[..., dict[str, str]], db: Session
) -> None:
    me = anon.get("/api/v1/me", headers=token_for(personas.bob)).json()
    assert me["language"] == "en" and me["time_zone"] == "UTC"
    personas.bob.language = "lt"
    db.commit()
    assert anon.get("/api/v1/me", headers=token_for(personas.bob)).json()["language"] == "lt"


def test_the_api_keeps_english_messages(
    anon: TestClient, personas: Personas, token_for: Callable[..., dict[str, str]], db: Session
) -> None:
    personas.bob.language = "ru"
    db.commit()
    answer = anon.post("/api/v1/customers", json={"name": ""}, headers=token_for(personas.bob))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["message"].isascii()


def test_user_create_takes_a_language_and_refuses_unknown_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    password = ["--password", "x7-Quartz-Meadow-91"]
    with store_for_cli(url, tmp_path / "data", monkeypatch, lambda _session: None):
        made = runner.invoke(
            root_cli,
            [
                "user",
                "create",
                "--email",
                "pl@test.example",
                "--name",
                "Pola",
                *password,
                "--language",
                "pl",
                "--time-zone",
                "Europe/Warsaw",
            ],
        )
        assert made.exit_code == 0, made.output
        refused = runner.invoke(
            root_cli,
            [
                "user",
                "create",
                "--email",
                "xx@test.example",
                "--name",
                "X",
                *password,
                "--language",
                "xx",
            ],
        )
        assert refused.exit_code != 0
        assert "'xx'" in refused.output and ", ".join(LANGUAGES) in refused.output
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                stored = accounts.get_by_email(session, "pl@test.example")
                assert stored is not None
                assert (stored.language, stored.time_zone) == ("pl", "Europe/Warsaw")
                assert accounts.get_by_email(session, "xx@test.example") is None
        finally:
            engine.dispose()


def test_a_contact_time_is_read_in_the_agents_time_zone(
    browser_for: Callable[[User], Browser], personas: Personas, db: Session
) -> None:
    personas.bob.time_zone = "Europe/Prague"
    db.commit()
    customer = customer_service.create(db, data=CustomerCreate(name="Eva Malá"), actor=None)
    db.commit()
    bob = browser_for(personas.bob)
    logged = bob.client.post(
        f"/customers/{customer.id}/interactions",
        data={
            "channel": "phone",
            "direction": "inbound",
            "started_at": "2026-03-04T10:30",
            "csrf_token": bob.csrf,
        },
    )
    assert logged.status_code == 303, logged.text[:300]
    stored = interaction_service.list(db, actor=personas.bob, limit=1).items[0]
    # 10:30 in Prague in winter (CET, UTC+1) is 09:30 UTC.
    assert stored.started_at.astimezone(UTC) == datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    page = bob.client.get(f"/customers/{customer.id}")
    assert "10:30" in page.text and "Europe/Prague" in page.text


def test_a_user_without_a_preference_gets_the_browsers_language(
    browser_for: Callable[[User], Browser], personas: Personas
) -> None:
    page = browser_for(personas.bob).client.get("/", headers={"Accept-Language": "lt"})
    assert _lang(page.text) == "lt"


def test_the_switch_on_a_page_rendered_by_a_failed_form_returns_to_a_page(
    browser_for: Callable[[User], Browser], personas: Personas
) -> None:
    bob = browser_for(personas.bob)
    failed = bob.client.post(
        "/settings/preferences",
        data={"language": "xx", "csrf_token": bob.csrf},
        headers={"Referer": "http://testserver/settings"},
    )
    assert failed.status_code == 422
    back = re.search(r'name="next" value="([^"]*)"', failed.text)
    assert back and back.group(1) == "/settings"
    elsewhere = bob.client.post(
        "/settings/preferences",
        data={"language": "xx", "csrf_token": bob.csrf},
        headers={"Referer": "https://evil.example/settings"},
    )
    back = re.search(r'name="next" value="([^"]*)"', elsewhere.text)
    assert back and back.group(1) == "/"


def test_a_failed_sign_in_keeps_the_chosen_language(app: FastAPI) -> None:
    with TestClient(app, follow_redirects=False, base_url="https://testserver") as client:
        form = client.get("/login?lang=ru")
        assert 'action="/login?lang=ru"' in form.text
        token = form.cookies["centricity_login_csrf"]
        client.cookies.set("centricity_login_csrf", token)
        failed = client.post(
            "/login?lang=ru",
            data={"email": "nobody@test.example", "password": "wrong-pass", "csrf_token": token},
        )
    assert failed.status_code == 400 and _lang(failed.text) == "ru"
    assert translations("ru").gettext("Wrong e-mail or password.") in failed.text
