"""CSRF checks and the security headers on every answer."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from sqlalchemy.orm import Session

from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate


@pytest.fixture()
def customer_id(db: Session, personas: Any) -> int:
    customer = customers.create(db, data=CustomerCreate(name="Csrf Target"), actor=personas.bob)
    db.commit()
    return customer.id


def _log(browser: Any, customer_id: int, **extra: Any) -> int:
    form = {"channel": "phone", "direction": "inbound", "note": "csrf test"}
    form.update(extra.pop("form", {}))
    url = f"/customers/{customer_id}/interactions"
    return int(browser.client.post(url, data=form, **extra).status_code)


def test_it_refuses_a_form_without_a_token(
    personas: Any, browser_for: Any, customer_id: int
) -> None:
    assert _log(browser_for(personas.bob), customer_id) == 403


def test_it_refuses_another_sessions_token(
    personas: Any, browser_for: Any, customer_id: int
) -> None:
    other = browser_for(personas.alice)
    bob = browser_for(personas.bob)
    assert _log(bob, customer_id, form={"csrf_token": other.csrf}) == 403


def test_it_refuses_a_foreign_origin(personas: Any, browser_for: Any, customer_id: int) -> None:
    bob = browser_for(personas.bob)
    headers = {"Origin": "https://evil.example"}
    assert _log(bob, customer_id, form={"csrf_token": bob.csrf}, headers=headers) == 403
    assert _log(bob, customer_id, form={"csrf_token": bob.csrf}) == 303


def test_it_accepts_the_token_in_the_htmx_header(
    personas: Any, browser_for: Any, customer_id: int
) -> None:
    bob = browser_for(personas.bob)
    assert _log(bob, customer_id, headers={"X-CSRF-Token": bob.csrf}) == 303


def test_it_refuses_a_login_without_the_double_submit_cookie(anon: Any) -> None:
    response = anon.post("/login", data={"email": "a@b.cd", "password": "whatever-pass"})
    assert response.status_code == 403


def test_it_sets_session_cookies_httponly_lax_and_secure(anon: Any, personas: Any) -> None:
    form = anon.get("/login")
    login_cookie = form.headers["set-cookie"]
    assert (
        "HttpOnly" in login_cookie and "SameSite=lax" in login_cookie and "Secure" in login_cookie
    )
    token = form.cookies["centricity_login_csrf"]
    anon.cookies.set("centricity_login_csrf", token)
    response = anon.post(
        "/login",
        data={
            "email": personas.bob.email,
            "password": "correct-horse-battery",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    session_cookie = [
        c for c in response.headers.get_list("set-cookie") if c.startswith("centricity_session=")
    ][0]
    for flag in ("HttpOnly", "SameSite=lax", "Secure"):
        assert flag in session_cookie


def test_it_sends_security_headers_and_no_store_on_personal_pages(
    personas: Any, browser_for: Any, customer_id: int
) -> None:
    response = browser_for(personas.viewer).client.get(f"/customers/{customer_id}")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-request-id"]


def test_it_lets_static_assets_be_cached(anon: Any) -> None:
    response = anon.get("/static/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")


# The test client speaks to http://testserver; each of these names another origin.
FOREIGN_ORIGINS = [
    "https://evil.example",
    "http://testserver.evil.example",  # own origin as a prefix of another host
    "http://testserver:8080",
    "https://testserver",
    "null",  # sandboxed frames and some redirects send a literal null
]


@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
def test_it_refuses_a_form_from_any_other_origin(
    personas: Any, browser_for: Any, customer_id: int, origin: str
) -> None:
    bob = browser_for(personas.bob)
    form = {"csrf_token": bob.csrf}
    assert _log(bob, customer_id, form=form, headers={"Origin": origin}) == 403
    assert _log(bob, customer_id, form=form, headers={"Origin": "http://testserver"}) == 303


@pytest.mark.parametrize(
    "referer", ["http://testserver.evil.example/customers", "https://evil.example/testserver/"]
)
def test_it_refuses_a_form_referred_by_another_site(
    personas: Any, browser_for: Any, customer_id: int, referer: str
) -> None:
    bob = browser_for(personas.bob)
    form = {"csrf_token": bob.csrf}
    assert _log(bob, customer_id, form=form, headers={"Referer": referer}) == 403
    own = {"Referer": "http://testserver/customers/1"}
    assert _log(bob, customer_id, form=form, headers=own) == 303


def _login_form(client: Any) -> str:
    return str(client.get("/login").cookies["centricity_login_csrf"])


def _post_login(client: Any, cookie: str, field: str | None, **extra: Any) -> int:
    client.cookies.set("centricity_login_csrf", cookie)
    data = {"email": "bob@test.example", "password": "correct-horse-battery"}
    if field is not None:
        data["csrf_token"] = field
    return int(client.post("/login", data=data, **extra).status_code)


@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
def test_it_refuses_a_login_from_any_other_origin(anon: Any, personas: Any, origin: str) -> None:
    token = _login_form(anon)
    assert _post_login(anon, token, token, headers={"Origin": origin}) == 403
    assert _post_login(anon, token, token, headers={"Origin": "http://testserver"}) == 303


def test_it_refuses_a_login_whose_token_is_not_its_cookie(anon: Any, personas: Any) -> None:
    cookie, other = _login_form(anon), _login_form(anon)
    assert other != cookie
    assert _post_login(anon, cookie, other) == 403, "another form's (validly signed) token"
    assert _post_login(anon, cookie, None) == 403, "no token in the form"
    assert _post_login(anon, cookie, "") == 403
    assert _post_login(anon, cookie, cookie) == 303


def test_it_refuses_a_planted_login_cookie_the_server_did_not_sign(
    anon: Any, personas: Any
) -> None:
    genuine = _login_form(anon)
    nonce, _, signature = genuine.partition(".")
    foreign_key = hmac.new(b"another-installation-secret", nonce.encode(), hashlib.sha256)
    for planted in (
        "chosen-by-the-attacker",
        nonce,
        f"{nonce}.",
        f"{nonce}.{foreign_key.hexdigest()}",
        f"{nonce}x.{signature}",
    ):
        assert _post_login(anon, planted, planted) == 403, planted
    assert _post_login(anon, genuine, "žluťoučký kůň") == 403, "non-ASCII token: 403, not 500"
    assert _post_login(anon, genuine, genuine) == 303
