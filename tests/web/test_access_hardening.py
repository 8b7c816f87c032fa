"""Access edge cases found in review: staff without a department, offboarding, limits."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from centricity.accounts.models import Role
from centricity.app import create_app
from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.interactions import service as interactions
from centricity.interactions.models import Channel
from centricity.interactions.schemas import InteractionCreate
from fixtures_web import PASSWORD, make_user


def test_it_keeps_confidential_notes_of_staff_without_a_department_private(
    db: Session, anon: Any, token_for: Any
) -> None:
    first = make_user(db, "nd1@test.example", Role.AGENT, None)
    second = make_user(db, "nd2@test.example", Role.AGENT, None)
    customer = customers.create(db, data=CustomerCreate(name="Private Case"), actor=first)
    note = interactions.create(
        db,
        data=InteractionCreate(
            customer_id=customer.id, channel=Channel.PHONE, note="private", confidential=True
        ),
        actor=first,
    )
    db.commit()
    url = f"/api/v1/interactions/{note.id}"
    assert anon.get(url, headers=token_for(second)).status_code == 404
    assert anon.get(url, headers=token_for(first)).status_code == 200


def _login(client: TestClient, email: str, password: str) -> int:
    token = client.get("/login").cookies["centricity_login_csrf"]
    client.cookies.set("centricity_login_csrf", token)
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=data).status_code


def test_it_does_not_let_a_success_clear_the_failures(app: FastAPI, personas: Any) -> None:
    with TestClient(app, follow_redirects=False, client=("10.9.9.9", 1)) as insider:
        for i in range(4):
            assert _login(insider, personas.alice.email, f"guess-{i}-xyz") == 400
        assert _login(insider, personas.bob.email, PASSWORD) == 303
        assert _login(insider, personas.alice.email, "guess-5-xyz") == 400
        assert _login(insider, personas.alice.email, PASSWORD) == 429


def test_it_refuses_a_login_posted_from_another_site(anon: Any, personas: Any) -> None:
    token = anon.get("/login").cookies["centricity_login_csrf"]
    anon.cookies.set("centricity_login_csrf", token)
    data = {"email": personas.bob.email, "password": PASSWORD, "csrf_token": token}
    response = anon.post("/login", data=data, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


def test_it_offboards_a_staff_member(
    personas: Any, browser_for: Any, token_for: Any, anon: Any
) -> None:
    bob_token = token_for(personas.bob)
    bob = browser_for(personas.bob).client
    assert anon.get("/api/v1/me", headers=bob_token).status_code == 200
    admin = browser_for(personas.admin)
    url = f"/settings/users/{personas.bob.id}/deactivate"
    assert admin.client.post(url, data={"csrf_token": admin.csrf}).status_code == 303
    assert anon.get("/api/v1/me", headers=bob_token).status_code == 401
    assert bob.get("/customers").status_code == 303
    own = admin.client.post(
        f"/settings/users/{personas.admin.id}/deactivate", data={"csrf_token": admin.csrf}
    )
    assert own.status_code == 422
    back = f"/settings/users/{personas.bob.id}/activate"
    assert admin.client.post(back, data={"csrf_token": admin.csrf}).status_code == 303
    assert anon.get("/api/v1/me", headers=bob_token).status_code == 401  # tokens stay revoked
    assert anon.get("/api/v1/me", headers=token_for(personas.bob)).status_code == 200


def test_it_refuses_oversized_bodies_and_nul_in_the_address(
    settings: Settings, session_maker: Any, personas: Any, token_for: Any
) -> None:
    small = settings.model_copy(update={"max_upload_bytes": 10_000})
    with TestClient(create_app(small, sessions=session_maker)) as client:
        headers = token_for(personas.bob)
        too_big = client.post("/api/v1/customers", headers=headers, json={"name": "x" * 100_000})
        assert too_big.status_code == 413
        fits = client.post("/api/v1/customers", headers=headers, json={"name": "x" * 150})
        assert fits.status_code == 201
        assert client.get("/api/v1/customers?q=ab%00", headers=headers).status_code == 400
        token = client.get("/login").cookies["centricity_login_csrf"]
        client.cookies.set("centricity_login_csrf", token)
        form = {"email": "a\x00@x.cz", "password": "p", "csrf_token": token}
        login = client.post("/login", data=form)
        assert login.status_code == 400, "NUL in the e-mail reaches the sign-in and fails there"
        assert "Wrong e-mail or password" in login.text
