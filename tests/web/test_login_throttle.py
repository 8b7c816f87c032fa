"""The login throttle: per address and per account, kept in the store, bounded, no raw values."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts import passwords, throttle
from centricity.accounts.jobs import purge_expired_sessions
from centricity.accounts.models import LoginFailure
from centricity.app import create_app
from centricity.config import Settings
from centricity.kit.time import utcnow
from centricity.privacy import service as privacy
from fixtures_web import PASSWORD


def _login(app: FastAPI, address: str, email: str, password: str) -> Any:
    with TestClient(app, follow_redirects=False, client=(address, 1000)) as client:
        token = client.get("/login").cookies["centricity_login_csrf"]
        client.cookies.set("centricity_login_csrf", token)
        return client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )


def _count_hashes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real_verify = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda *a: calls.append(1) or real_verify(*a))
    return calls


def _age_failures(db: Session, seconds: int) -> None:
    """Move every recorded failure `seconds` into the past (instead of sleeping)."""
    for row in db.scalars(select(LoginFailure)):
        row.failed_at -= timedelta(seconds=seconds)
    db.commit()


def test_it_throttles_one_address_that_rotates_e_mails(app: FastAPI, personas: Any) -> None:
    statuses = [
        _login(app, "10.3.3.3", f"guess-{i}@test.example", "wrong-password-1").status_code
        for i in range(5)
    ]
    assert statuses == [400] * 5
    blocked = _login(app, "10.3.3.3", personas.bob.email, PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0


def test_it_throttles_one_account_from_rotating_addresses_before_hashing(
    app: FastAPI, personas: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_hashes(monkeypatch)
    statuses = [
        _login(app, f"10.4.0.{i}", personas.bob.email, f"guess-{i}-xyz").status_code
        for i in range(5)
    ]
    hashed_before = len(calls)
    blocked = _login(app, "10.4.1.1", personas.bob.email, PASSWORD)
    assert statuses == [400] * 5
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= 60
    assert len(calls) == hashed_before, "a throttled attempt must not reach the hash"
    assert _login(app, "10.4.1.1", personas.alice.email, PASSWORD).status_code == 303


def test_it_counts_an_account_whatever_the_case_and_spaces_of_its_e_mail(
    app: FastAPI, personas: Any
) -> None:
    spellings = ["BOB@test.example", " bob@test.example", "Bob@Test.Example ", "bob@TEST.example"]
    for i, spelling in enumerate(spellings + ["bOb@test.example"]):
        assert _login(app, f"10.5.0.{i}", spelling, "wrong-password-1").status_code == 400
    assert _login(app, "10.5.1.1", personas.bob.email, PASSWORD).status_code == 429


def test_it_lets_the_real_user_in_once_the_short_account_window_passes(
    app: FastAPI, db: Session, personas: Any
) -> None:
    for i in range(5):
        _login(app, f"10.6.0.{i}", personas.bob.email, "wrong-password-1")
    assert _login(app, "10.6.1.1", personas.bob.email, PASSWORD).status_code == 429
    _age_failures(db, 59)
    assert _login(app, "10.6.1.1", personas.bob.email, PASSWORD).status_code == 429
    _age_failures(db, 2)
    assert _login(app, "10.6.1.1", personas.bob.email, PASSWORD).status_code == 303


def test_it_shares_the_failures_between_app_processes(
    settings: Settings, session_maker: Any, personas: Any
) -> None:
    first = create_app(settings, sessions=session_maker)
    second = create_app(settings, sessions=session_maker)
    for i in range(5):
        assert (
            _login(first, "10.7.7.7", f"x{i}@test.example", "wrong-password-1").status_code == 400
        )
    assert _login(second, "10.7.7.7", personas.bob.email, PASSWORD).status_code == 429


def test_it_keeps_only_keyed_hashes_in_the_store(app: FastAPI, db: Session, personas: Any) -> None:
    _login(app, "10.8.8.8", "Someone.Else@Test.Example", "wrong-password-1")
    rows = db.scalars(select(LoginFailure)).all()
    assert sorted(row.scope for row in rows) == ["account", "address"]
    stored = " ".join(f"{row.scope} {row.key_hash}" for row in rows).lower()
    assert "10.8.8.8" not in stored and "someone" not in stored
    assert all(len(row.key_hash) == 64 for row in rows)
    assert throttle.account_key("someone.else@test.example").key_hash in stored


def test_it_sweeps_a_bounded_batch_of_expired_failures_on_each_record(
    app: FastAPI, db: Session, personas: Any
) -> None:
    old = utcnow() - timedelta(days=2)
    db.add_all(
        LoginFailure(scope="address", key_hash=f"{i:064x}", failed_at=old) for i in range(250)
    )
    db.commit()
    _login(app, "10.9.1.1", "nobody@test.example", "wrong-password-1")
    expired = select(func.count()).select_from(LoginFailure).where(LoginFailure.failed_at == old)
    assert db.scalar(expired) == 250 - throttle.SWEEP_BATCH
    purge_expired_sessions(db, {})
    assert db.scalar(expired) == 0
    assert db.scalar(select(func.count()).select_from(LoginFailure)) == 2, "live rows stay"


def test_it_forgets_an_erased_staff_members_failures(
    app: FastAPI, db: Session, personas: Any
) -> None:
    _login(app, "10.9.2.2", personas.charlie.email, "wrong-password-1")
    _login(app, "10.9.2.3", personas.bob.email, "wrong-password-1")
    privacy.erase_person(db, email=personas.charlie.email, actor_label="test")
    db.commit()
    left = db.scalars(select(LoginFailure.key_hash).where(LoginFailure.scope == "account")).all()
    assert left == [throttle.account_key(personas.bob.email).key_hash]
