"""Signing in: sessions, throttling of failures per address, and the password policy."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from centricity.accounts import passwords
from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.kit.errors import Invalid

PASSWORD = "correct-horse-battery"


def _login(client: TestClient, email: str, password: str) -> Any:
    token = client.get("/login").cookies.get("centricity_login_csrf") or client.cookies.get(
        "centricity_login_csrf"
    )
    client.cookies.set("centricity_login_csrf", token)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token, "next": "/customers"},
    )


def test_it_signs_in_and_out(app: FastAPI, personas: Any) -> None:
    # Cookies are Secure outside development, so the browser must speak https.
    with TestClient(app, follow_redirects=False, base_url="https://testserver") as client:
        response = _login(client, "BOB@test.example", PASSWORD)
        assert response.status_code == 303
        assert response.headers["location"] == "/customers"
        page = client.get("/customers")
        assert page.status_code == 200
        csrf = page.text.split('name="csrf-token" content="')[1].split('"')[0]
        assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
        assert client.get("/customers").status_code == 303


def test_it_rejects_a_wrong_password_without_saying_which_part(app: FastAPI, personas: Any) -> None:
    with TestClient(app, follow_redirects=False) as client:
        wrong_password = _login(client, personas.bob.email, "not-the-password")
        unknown_user = _login(client, "nobody@test.example", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 400
    assert "Wrong e-mail or password" in wrong_password.text
    assert "Wrong e-mail or password" in unknown_user.text


def test_it_throttles_an_address_before_hashing(
    app: FastAPI, personas: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real_verify = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda *a: calls.append(1) or real_verify(*a))
    with TestClient(app, follow_redirects=False, client=("10.1.1.1", 1000)) as attacker:
        statuses = [
            _login(attacker, personas.bob.email, f"guess-{i}-xyz").status_code for i in range(5)
        ]
        hashed_before = len(calls)
        blocked = _login(attacker, personas.bob.email, PASSWORD)
    assert statuses == [400] * 5
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert len(calls) == hashed_before, "a throttled attempt must not reach the hash"
    with TestClient(app, follow_redirects=False, client=("10.2.2.2", 1000)) as other:
        assert _login(other, personas.alice.email, PASSWORD).status_code == 303


def test_it_sends_a_signed_in_user_on_from_the_login_page(personas: Any, browser_for: Any) -> None:
    response = browser_for(personas.bob).client.get("/login?next=/customers")
    assert response.status_code == 303
    assert response.headers["location"] == "/customers"


def test_it_ignores_an_offsite_next(app: FastAPI, personas: Any) -> None:
    with TestClient(app, follow_redirects=False) as client:
        token = client.get("/login").cookies["centricity_login_csrf"]
        client.cookies.set("centricity_login_csrf", token)
        response = client.post(
            "/login",
            data={
                "email": personas.bob.email,
                "password": PASSWORD,
                "csrf_token": token,
                "next": "//evil.example/x",
            },
        )
    assert response.headers["location"] == "/"


@pytest.mark.parametrize("password", ["short7!", "password123", "Qwerty123", "12345678"])
def test_it_rejects_short_and_common_passwords(db: Session, password: str) -> None:
    with pytest.raises(Invalid) as raised:
        accounts.create(
            db,
            data=UserCreate(email="p@test.example", name="P", password=password, role=Role.AGENT),
            actor=None,
        )
    assert raised.value.field == "password"


def test_it_accepts_long_passphrases(db: Session) -> None:
    long_password = "a long passphrase that nobody could guess " * 3
    assert len(long_password) > 64
    user = accounts.create(
        db,
        data=UserCreate(
            email="long@test.example", name="L", password=long_password, role=Role.AGENT
        ),
        actor=None,
    )
    assert accounts.authenticate(db, email=user.email, password=long_password) is not None


def test_it_stores_argon2id_hashes_only(db: Session, personas: Any) -> None:
    assert personas.bob.password_hash.startswith("$argon2id$")
    assert PASSWORD not in personas.bob.password_hash
