"""Staff in a benchmark store: users made through the accounts service, and signing one in
(a server-side session and, if asked, a read-only API token)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bench_kit.stores import session
from centricity.accounts import service as accounts
from centricity.accounts.models import Role, User
from centricity.accounts.schemas import UserCreate


def add_user(
    db: Session, *, email: str, name: str, password: str, role: Role, department: str
) -> User:
    """A staff user made through the accounts service (as an administrator would)."""
    data = UserCreate(email=email, name=name, password=password, role=role, department=department)
    return accounts.create(db, data=data, actor=None)


@dataclass
class SignedIn:
    """A server-side session (cookie value and its CSRF token) and, if asked, an API token."""

    cookie: str
    csrf: str
    token: str


def sign_in(
    url: str,
    email: str,
    *,
    max_age_seconds: int,
    api_token: bool = False,
    read_only: bool = True,
) -> SignedIn:
    """Open a session for the user `email` and, with `api_token`, issue an API token
    (read-only unless `read_only` is false).

    Call `accounts.use_secret` with the server's secret first: digests are keyed by it.
    """
    with session(url) as db:
        user = accounts.get_by_email(db, email)
        if user is None:
            raise SystemExit(f"{email} is missing from the store; rebuild without --reuse")
        started = accounts.start_session(db, user=user, max_age_seconds=max_age_seconds)
        token = (
            accounts.create_token(db, user=user, read_only=read_only, actor=None)
            if api_token
            else ""
        )
    return SignedIn(cookie=started.token, csrf=started.csrf_token, token=token)
