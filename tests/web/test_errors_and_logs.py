"""Failures answer generically, and no personal data reaches the logs."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from centricity.web.deps import public

SENTINEL = "Zdeňka SENTINEL-LOG-4471"


CLIENT_LOGGERS = ("httpx", "httpx2")


def _server_log(caplog: pytest.LogCaptureFixture) -> str:
    """Everything the server side logged: httpx (or httpx2, which the test client uses
    once it is installed, as huggingface_hub installs it) is the test's own client."""
    return "\n".join(
        f"{r.getMessage()} {r.exc_text or ''}"
        for r in caplog.records
        if r.name not in CLIENT_LOGGERS
    )


def test_it_answers_500_with_a_correlation_id_and_no_stack_trace(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    def boom() -> None:
        raise RuntimeError(f"database said something about {SENTINEL}")

    app.router.add_api_route("/boom", boom, dependencies=[public()])
    app.router.add_api_route("/api/v1/boom", boom, dependencies=[public()])
    with caplog.at_level(logging.INFO), TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/boom")
        api = client.get("/api/v1/boom")
    assert page.status_code == 500 and api.status_code == 500
    reference = page.headers["x-request-id"]
    assert reference in page.text
    assert api.json() == {"detail": "internal error", "correlation_id": api.headers["x-request-id"]}
    for text in (page.text, api.text, _server_log(caplog)):
        assert SENTINEL not in text
    assert "Traceback" not in page.text and "RuntimeError" not in page.text + api.text
    assert f"unhandled request_id={reference} RuntimeError" in caplog.text


def test_it_shows_a_friendly_404_page(personas: Any, browser_for: Any) -> None:
    response = browser_for(personas.bob).client.get("/customers/99999999")
    assert response.status_code == 404
    assert "Not found" in response.text and "Back to the dashboard" in response.text
    assert browser_for(personas.bob).client.get("/no/such/page").status_code == 404


def test_it_keeps_personal_data_out_of_the_logs(
    personas: Any, anon: Any, token_for: Any, browser_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    headers = token_for(personas.bob)
    with caplog.at_level(logging.DEBUG):
        created = anon.post(
            "/api/v1/customers",
            headers=headers,
            json={
                "name": SENTINEL,
                "email": "sentinel-log-4471@example.cz",
                "phone": "+420 999 447 100",
            },
        )
        customer_id = created.json()["id"]
        anon.get("/api/v1/customers", params={"q": "SENTINEL-LOG"}, headers=headers)
        anon.post(
            "/api/v1/interactions",
            headers=headers,
            json={"customer_id": customer_id, "channel": "phone", "note": f"note about {SENTINEL}"},
        )
        anon.post("/api/v1/customers", headers=headers, json={"name": "x", "email": SENTINEL})
        browser = browser_for(personas.bob).client
        browser.get("/customers", params={"q": SENTINEL})
        browser.get(f"/customers/{customer_id}")
        token = anon.get("/login").cookies["centricity_login_csrf"]
        anon.cookies.set("centricity_login_csrf", token)
        failed = anon.post(
            "/login",
            data={
                "email": "sentinel-log-4471@example.cz",
                "password": SENTINEL,
                "csrf_token": token,
            },
        )
    assert failed.status_code == 400, "the failed login must reach the sign-in code"
    server_log = _server_log(caplog)
    assert "POST /api/v1/customers 201" in server_log, "the requests above must be logged"
    assert "POST /login 400" in server_log
    for needle in ("SENTINEL-LOG", "sentinel-log-4471", "999 447 100", "Zdeňka"):
        assert needle not in server_log
