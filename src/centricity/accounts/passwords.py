"""Password hashing (argon2id) and the password policy staff accounts must meet."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from centricity.kit.errors import Invalid
from centricity.kit.i18n import lazy

MIN_LENGTH = 8
MAX_LENGTH = 1024

_hasher = PasswordHasher()


def use_fast_hasher() -> None:
    """Switch to cheap argon2id parameters; tests only, so the suite stays fast."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    text = resources.files("centricity.accounts").joinpath("common_passwords.txt").read_text()
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip())


def check_policy(password: str) -> None:
    """Reject short, absurdly long and common passwords (NIST 800-63B), naming the rule."""
    if len(password) < MIN_LENGTH:
        raise Invalid(
            lazy("password must be at least %(n)s characters", n=MIN_LENGTH), field="password"
        )
    if len(password) > MAX_LENGTH:
        raise Invalid(
            lazy("password must be at most %(n)s characters", n=MAX_LENGTH), field="password"
        )
    if password.casefold() in _common_passwords():
        raise Invalid(lazy("password is too common; choose another"), field="password")


def hash_password(password: str) -> str:
    """Hash a password with argon2id for storage."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against its stored hash without raising on bad hashes."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy_hashes: dict[int, str] = {}


def burn_verification() -> None:
    """Spend the time of a real verification when the account is unknown (no timing oracle)."""
    dummy = _dummy_hashes.get(id(_hasher))
    if dummy is None:
        dummy = _dummy_hashes[id(_hasher)] = _hasher.hash("centricity-dummy-password")
    verify_password(dummy, "not-the-password")
