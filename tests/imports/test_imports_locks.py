"""A busy store answers 503 with Retry-After, and uploads are parsed without its lock.

These run on a real SQLite file (not the rolled-back test transaction), so another
connection can hold the write lock the way a long import or a burst of writers does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from import_files import write_csv
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.app import create_app
from centricity.config import Settings
from centricity.db import make_engine, session_factory
from centricity.imports import service
from centricity.migrations import runner
from centricity.web.deps import SESSION_COOKIE
from centricity.web.security import SecurityMiddleware, is_lock_timeout
from fixtures_web import make_user
from store_helpers import TEST_SECRET

LOGIN_COOKIE = "centricity_login_csrf"


@dataclass
class Store:
    """A migrated SQLite file with Alice (manager) signed in and an API token."""

    path: Path
    settings: Settings
    sessions: sessionmaker[Session]
    cookie: str
    csrf: str
    bearer: dict[str, str]


def _short_busy_timeout(connection: Any, _record: Any) -> None:
    connection.execute("PRAGMA busy_timeout=200")  # after the app's own pragmas


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    """The store, with writers giving up after 0.2 s instead of 10 s."""
    path = tmp_path / "store.db"
    engine = make_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _short_busy_timeout)
    runner.upgrade(engine)
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{path}",
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET,
        scheduler_enabled=False,
    )
    sessions = session_factory(engine)
    with sessions() as session:
        alice = make_user(session, "alice@test.example", Role.MANAGER, "Department A")
        started = accounts.start_session(session, user=alice, max_age_seconds=3600)
        token = accounts.create_token(session, user=alice, read_only=False, actor=None)
        session.commit()
    yield Store(path, settings, sessions, started.token, started.csrf_token,
                {"Authorization": f"Bearer {token}"})  # fmt: skip
    engine.dispose()


class WriteLock:
    """Another connection's hold on SQLite's single write lock."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=0)

    def __enter__(self) -> WriteLock:
        self.connection.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *_exc: object) -> None:
        self.connection.execute("ROLLBACK")
        self.connection.close()


def writer_could_start(path: Path) -> bool:
    """Could another writer take the lock right now (no waiting)?"""
    try:
        with WriteLock(path):
            return True
    except sqlite3.OperationalError:
        return False


def test_a_writer_that_cannot_get_the_lock_answers_503_with_retry_after(store: Store) -> None:
    app = create_app(store.settings, sessions=store.sessions)
    with TestClient(app, base_url="https://testserver") as client:  # Secure cookies
        token = client.get("/login").cookies.get(LOGIN_COOKIE) or client.cookies.get(LOGIN_COOKIE)
        assert token
        client.cookies.set(LOGIN_COOKIE, token)
        login = {"csrf_token": token, "email": "x@test.example", "password": "nope"}
        record = {"external_id": "BUSY-1", "name": "Jana Dvořáková"}
        with WriteLock(store.path):
            page = client.post("/login", data=login)
            api = client.post("/api/v1/ingest/customers", json=record, headers=store.bearer)
        assert page.status_code == 503 and page.headers["retry-after"] == "5"
        assert page.headers["content-type"].startswith("text/html") and "busy" in page.text
        assert api.status_code == 503 and api.headers["retry-after"] == "5"
        assert "busy" in api.json()["detail"]
        again = client.post("/api/v1/ingest/customers", json=record, headers=store.bearer)
        assert again.status_code == 200 and again.json()["inserted"] == 1


def test_an_upload_and_a_remap_are_parsed_without_holding_the_write_lock(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    free_while_parsing: list[bool] = []
    for name in ("inspect_upload", "reprepare"):
        original = getattr(service, name)

        def watched(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            free_while_parsing.append(writer_could_start(store.path))
            return _original(*args, **kwargs)

        monkeypatch.setattr(service, name, watched)
    path = write_csv(tmp_path / "c.csv", ["Ident", "Who"], [["L-1", "Lena"]])
    with TestClient(create_app(store.settings, sessions=store.sessions)) as client:
        client.cookies.set(SESSION_COOKIE, store.cookie)
        with path.open("rb") as handle:
            uploaded = client.post(
                "/imports",
                data={"csrf_token": store.csrf, "kind": "customers"},
                files={"file": ("c.csv", handle, "text/csv")},
                follow_redirects=False,
            )
        assert uploaded.status_code == 303
        remap = {"csrf_token": store.csrf, "map.0": "external_id", "map.1": "name"}
        checked = client.post(f"{uploaded.headers['location']}/run", data=remap)
        assert checked.status_code == 200 and "Lena" in checked.text
    assert free_while_parsing == [True, True]


async def _failing_app(scope: Any, _receive: Any, _send: Any) -> None:
    """An app whose store refuses: locked everywhere but on /crash (a disk error)."""
    reason = "disk I/O error" if scope["path"] == "/crash" else "database is locked"
    raise OperationalError("INSERT", {}, sqlite3.OperationalError(reason))


def test_the_last_resort_handler_also_tells_a_busy_store_from_a_crash() -> None:
    # Errors that escape every route handler (a middleware's query) reach this layer.
    app = SecurityMiddleware(_failing_app, secure=False, max_upload=1024)
    client = TestClient(app, raise_server_exceptions=False)  # no lifespan: a bare app
    api, page, crash = client.get("/api/x"), client.get("/y"), client.get("/crash")
    assert (api.status_code, api.headers["retry-after"]) == (503, "5")
    assert "busy" in api.json()["detail"]
    assert (page.status_code, page.headers["retry-after"]) == (503, "5")
    assert page.headers["content-type"].startswith("text/html")
    assert crash.status_code == 500 and "retry-after" not in crash.headers


def test_lock_timeouts_of_both_engines_count_as_busy_and_other_errors_do_not() -> None:
    import psycopg

    def wrapped(orig: Exception) -> OperationalError:
        return OperationalError("UPDATE", {}, orig)

    assert is_lock_timeout(wrapped(sqlite3.OperationalError("database is locked")))
    assert is_lock_timeout(wrapped(psycopg.errors.LockNotAvailable("lock timeout")))
    assert is_lock_timeout(wrapped(psycopg.errors.DeadlockDetected("deadlock")))
    assert not is_lock_timeout(wrapped(sqlite3.OperationalError("no such table: x")))
    assert not is_lock_timeout(wrapped(psycopg.errors.QueryCanceled("statement timeout")))
    assert not is_lock_timeout(ValueError("database is locked"))
