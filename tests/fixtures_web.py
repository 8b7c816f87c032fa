"""Web fixtures: the app on the test store, personas and signed-in clients.

Personas: Alice (manager, department A), Bob (agent, A), Charlie (agent, B), plus an
admin and a viewer. Charlie must never see A's confidential records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from centricity.accounts import service as accounts
from centricity.accounts.models import Role, User
from centricity.accounts.schemas import UserCreate
from centricity.app import create_app
from centricity.config import Settings
from centricity.web.deps import SESSION_COOKIE

PASSWORD = "correct-horse-battery"


@dataclass
class Personas:
    """The staff every web test can act as."""

    admin: User
    alice: User
    bob: User
    charlie: User
    viewer: User


def make_user(db: Session, email: str, role: Role, department: str | None) -> User:
    """Create a staff user with the shared test password."""
    data = UserCreate(
        email=email,
        name=email.split("@")[0].title(),
        password=PASSWORD,
        role=role,
        department=department,
    )
    return accounts.create(db, data=data, actor=None)


@pytest.fixture()
def personas(db: Session) -> Personas:
    """Admin, Alice (manager A), Bob (agent A), Charlie (agent B), Vera (viewer A)."""
    people = Personas(
        admin=make_user(db, "admin@test.example", Role.ADMIN, None),
        alice=make_user(db, "alice@test.example", Role.MANAGER, "Department A"),
        bob=make_user(db, "bob@test.example", Role.AGENT, "Department A"),
        charlie=make_user(db, "charlie@test.example", Role.AGENT, "Department B"),
        viewer=make_user(db, "vera@test.example", Role.VIEWER, "Department A"),
    )
    db.commit()
    return people


@pytest.fixture()
def app(settings: Settings, session_maker: sessionmaker[Session]) -> FastAPI:
    """The app bound to the test's rolled-back transaction."""
    return create_app(settings, sessions=session_maker)


@pytest.fixture()
def anon(app: FastAPI) -> Iterator[TestClient]:
    """A client with no session and no token."""
    with TestClient(app, follow_redirects=False) as client:
        yield client


@dataclass
class Browser:
    """A signed-in test browser: the client and its CSRF token."""

    client: TestClient
    csrf: str


def sign_in(app: FastAPI, db: Session, user: User) -> Browser:
    """A client of `app` signed in as `user` (a real server-side session); for tests that
    build an app of their own, `browser_for` for the default one."""
    started = accounts.start_session(db, user=user, max_age_seconds=3600)
    db.commit()
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, started.token)
    return Browser(client=client, csrf=started.csrf_token)


@pytest.fixture()
def browser_for(app: FastAPI, db: Session) -> Iterator[Callable[[User], Browser]]:
    """Make a client signed in as a user (a real server-side session)."""
    clients: list[TestClient] = []

    def make(user: User) -> Browser:
        browser = sign_in(app, db, user)
        clients.append(browser.client)
        return browser

    yield make
    for client in clients:
        client.close()


@pytest.fixture()
def token_for(db: Session) -> Callable[..., dict[str, str]]:
    """Make bearer headers for a user's new API token."""

    def make(user: User, *, read_only: bool = False) -> dict[str, str]:
        token = accounts.create_token(db, user=user, read_only=read_only, actor=None)
        db.commit()
        return {"Authorization": f"Bearer {token}"}

    return make
