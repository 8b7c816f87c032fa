"""Personal data of staff accounts: a member of staff can be a data subject too.

Erasure signs the user out everywhere (sessions and API tokens are deleted), forgets the
failed sign-ins counted against the account, deactivates the account and replaces name and
e-mail, while the id stays so the audit trail and the contact log keep pointing at
"Erased user #<id>".
"""

from __future__ import annotations

from sqlalchemy import Delete, delete, select
from sqlalchemy.orm import Session

from centricity.accounts import throttle
from centricity.accounts.models import ApiToken, User, WebSession
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE
X = Classification.SECRET

CLASSIFICATION: Tables = {
    "departments": {"id": N, "name": N, "created_at": N},
    "users": {
        "id": S,
        "email": P,
        "name": P,
        "password_hash": X,
        "role": S,
        "department_id": S,
        "is_active": N,
        "created_at": S,
        "last_login_at": S,
        "language": S,
        "time_zone": S,
        "calendar_id": S,
    },
    "web_sessions": {"id": X, "user_id": S, "csrf_token": X, "created_at": S, "expires_at": S},
    "api_tokens": {
        "id": S,
        "user_id": S,
        "token_hash": X,
        "prefix": X,
        "read_only": N,
        "created_at": S,
        "last_used_at": S,
        "revoked_at": S,
        "uses": N,
    },
    # Keyed hashes of a client address or a folded e-mail, kept for the login throttle's
    # window only; without the secret key they name nobody.
    "login_failures": {"id": N, "scope": N, "key_hash": X, "failed_at": S},
    # A keyed hash of a client address and how many public-page requests it made in one
    # five-second slice, kept for the public limit's window only; it names nobody.
    "public_request_counts": {"key_hash": X, "slice_start": S, "requests": N},
}

ERASED_EMAIL_DOMAIN = "erased.invalid"


def _users(session: Session, person: PersonRef) -> list[User]:
    if not person.user_ids:
        return []
    return list(session.scalars(select(User).where(User.id.in_(person.user_ids)).order_by(User.id)))


def export(session: Session, person: PersonRef) -> Export:
    """The staff profile, its sessions and API tokens (without hashes or token values)."""
    ids = person.user_ids
    sessions = session.scalars(select(WebSession).where(WebSession.user_id.in_(ids)))
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id.in_(ids)))
    return {
        "users": to_rows(_users(session, person), CLASSIFICATION["users"]),
        "web_sessions": to_rows(sessions, CLASSIFICATION["web_sessions"]),
        "api_tokens": to_rows(tokens, CLASSIFICATION["api_tokens"]),
    }


def _rowcount(session: Session, statement: Delete) -> int:
    result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Sign the user out everywhere, then anonymise and deactivate the account."""
    if not person.user_ids:
        return {}
    ids = person.user_ids
    sessions = _rowcount(session, delete(WebSession).where(WebSession.user_id.in_(ids)))
    tokens = _rowcount(session, delete(ApiToken).where(ApiToken.user_id.in_(ids)))
    users = _users(session, person)
    failures = throttle.forget_accounts(session, emails=[user.email for user in users])
    for user in users:
        user.email = f"erased-user-{user.id}@{ERASED_EMAIL_DOMAIN}"
        user.name = f"Erased user #{user.id}"
        user.password_hash = None
        user.is_active = False
    session.flush()
    return {
        "users": len(users),
        "web_sessions": sessions,
        "api_tokens": tokens,
        "login_failures": failures,
    }
