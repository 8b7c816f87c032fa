"""Staff accounts: create users, sign in, server-side sessions and API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from centricity.accounts import passwords
from centricity.accounts.models import ApiToken, Department, Role, User, WebSession
from centricity.accounts.schemas import StaffUpdate, UserCreate, UserPreferences
from centricity.audit import service as audit
from centricity.config import get_settings
from centricity.db import Base
from centricity.kit.errors import Conflict, Invalid, NotFound
from centricity.kit.i18n import lazy
from centricity.kit.signing import hmac_sha256
from centricity.kit.time import utcnow

TOKEN_PREFIX = "ctr_"


_secret: bytes | None = None


def use_secret(secret_key: str) -> None:
    """Key the stored session and token digests with the installation's secret, so a copy of
    the store alone cannot be matched against leaked token values (one secret per process)."""
    global _secret
    _secret = secret_key.encode()


def digest(value: str) -> str:
    """HMAC-SHA256 of a value keyed by the installation's secret: what the store keeps
    instead of a session cookie, an API token or a throttled sign-in key."""
    if _secret is None:
        use_secret(get_settings().secret_key)
    assert _secret is not None
    return hmac_sha256(_secret, value)


def get_or_create_department(session: Session, name: str) -> Department:
    """Find a department by name or create it, so users and imports can name one freely."""
    department = session.scalar(select(Department).where(Department.name == name))
    if department is None:
        department = Department(name=name)
        session.add(department)
        session.flush()
    return department


def list_departments(session: Session) -> list[Department]:
    """Every department by name: the owners and requesters of work."""
    return list(session.scalars(select(Department).order_by(Department.name)))


def create_department(session: Session, *, name: str, actor: User | None) -> Department:
    """Add a department; a name already taken is a conflict, not a second department."""
    name = name.strip()
    if session.scalar(select(Department.id).where(Department.name == name)) is not None:
        raise Conflict("a department with this name exists", field="name")
    department = Department(name=name)
    session.add(department)
    session.flush()
    audit.record(
        session, actor=actor, action="department.create", entity=("department", department.id)
    )
    return department


def update_staff(session: Session, *, user: User, data: StaffUpdate, actor: User | None) -> User:
    """Move a member of staff to another department or give them a working calendar."""
    changes = data.model_dump(exclude_unset=True)
    if "department_id" in changes:
        if changes["department_id"] is None:
            raise Invalid("name a department", field="department_id")
        if session.get(Department, changes["department_id"]) is None:
            raise Invalid("no such department", field="department_id")
        user.department_id = changes["department_id"]
    if "calendar_id" in changes:
        calendar_id = changes["calendar_id"]
        # Calendars build on accounts, so the table is named, not imported.
        calendars = Base.metadata.tables["calendars"]
        exists = select(calendars.c.id).where(calendars.c.id == calendar_id)
        if calendar_id is not None and session.scalar(exists) is None:
            raise Invalid("no such calendar", field="calendar_id")
        user.calendar_id = calendar_id
    session.flush()
    session.expire(user, ["department"])
    audit.record(
        session,
        actor=actor,
        action="user.update",
        entity=("user", user.id),
        details={"fields": sorted(changes)},
    )
    return user


def get_by_email(session: Session, email: str) -> User | None:
    """Find a user by e-mail, case-insensitively. No stored e-mail holds NUL (input refuses
    it, PostgreSQL cannot store it), so a typed one with NUL finds nobody on either engine."""
    if "\x00" in email:
        return None
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def get(session: Session, user_id: int) -> User:
    """Load a user or raise NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(lazy("user not found"))
    return user


def list_users(session: Session) -> list[User]:
    """All staff, ordered by name, for the Settings page."""
    return list(session.scalars(select(User).order_by(User.name)))


def create(session: Session, *, data: UserCreate, actor: User | None) -> User:
    """Create a staff user after the password policy check; e-mails are unique."""
    passwords.check_policy(data.password)
    if get_by_email(session, data.email) is not None:
        raise Conflict(lazy("a user with this e-mail exists"), field="email")
    department = get_or_create_department(session, data.department) if data.department else None
    user = User(
        email=data.email.strip().lower(),
        name=data.name.strip(),
        password_hash=passwords.hash_password(data.password),
        role=data.role.value,
        department_id=department.id if department else None,
        language=data.language,
        time_zone=data.time_zone,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.create", entity=("user", user.id))
    return user


def set_preferences(session: Session, *, user: User, data: UserPreferences) -> None:
    """Save the language and time zone a member of staff chose for their own pages."""
    user.language = data.language
    user.time_zone = data.time_zone
    session.flush()
    audit.record(session, actor=user, action="user.set_preferences", entity=("user", user.id))


def set_password(session: Session, *, user: User, password: str, actor: User | None) -> None:
    """Replace a user's password and end their other sessions."""
    passwords.check_policy(password)
    user.password_hash = passwords.hash_password(password)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit.record(session, actor=actor, action="user.set_password", entity=("user", user.id))


def ensure_admin(session: Session, *, email: str, password: str) -> tuple[User, bool]:
    """Create the admin on first run or reset its password; returns (user, created)."""
    user = get_by_email(session, email)
    if user is None:
        data = UserCreate(email=email, name="Administrator", password=password, role=Role.ADMIN)
        return create(session, data=data, actor=None), True
    user.role = Role.ADMIN.value
    user.is_active = True
    set_password(session, user=user, password=password, actor=None)
    return user, False


def revoke_tokens(session: Session, *, user: User, actor: User | None) -> int:
    """Revoke every live API token of a user and return how many."""
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    audit.record(session, actor=actor, action="token.revoke_all", entity=("user", user.id))
    return int(getattr(result, "rowcount", 0) or 0)


def set_active(session: Session, *, user: User, active: bool, actor: User | None) -> None:
    """Grant or take away a user's access; taking it ends their sessions and tokens."""
    user.is_active = active
    if not active:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        revoke_tokens(session, user=user, actor=actor)
    action = "user.activate" if active else "user.deactivate"
    audit.record(session, actor=actor, action=action, entity=("user", user.id))


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """Return the active user whose password matches, else None (same time either way)."""
    user = get_by_email(session, email)
    if user is None or not user.is_active:
        passwords.burn_verification()
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


@dataclass(frozen=True)
class NewSession:
    """A started web session: the cookie value and the CSRF token for its forms."""

    token: str
    csrf_token: str


def start_session(session: Session, *, user: User, max_age_seconds: int) -> NewSession:
    """Open a server-side session; the store keeps only a hash of the cookie value."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id=digest(token),
            user_id=user.id,
            csrf_token=csrf,
            expires_at=utcnow() + timedelta(seconds=max_age_seconds),
        )
    )
    session.flush()
    return NewSession(token=token, csrf_token=csrf)


def resolve_session(session: Session, token: str) -> tuple[User, WebSession] | None:
    """Find the live session and its active user for a cookie value."""
    web_session = session.get(WebSession, digest(token))
    if web_session is None or web_session.expires_at <= utcnow():
        return None
    user = session.get(User, web_session.user_id)
    if user is None or not user.is_active:
        return None
    return user, web_session


def end_session(session: Session, token: str) -> None:
    """Sign out: forget the session so the cookie is worthless."""
    session.execute(delete(WebSession).where(WebSession.id == digest(token)))


def purge_expired_sessions(session: Session) -> int:
    """Delete expired sessions (a scheduled job) and return how many went."""
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def create_token(session: Session, *, user: User, read_only: bool, actor: User | None) -> str:
    """Issue an API token for a user; the plain value is shown once, only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, token_hash=digest(token), prefix=token[:12], read_only=read_only
    )
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="token.create", entity=("api_token", row.id))
    return token


def resolve_token(session: Session, token: str) -> tuple[User, ApiToken] | None:
    """Find the active user and live token for a bearer value."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return user, row


def count_users(session: Session) -> int:
    """How many staff accounts exist (the dashboard and `init` use it)."""
    return int(session.scalar(select(func.count()).select_from(User)) or 0)
