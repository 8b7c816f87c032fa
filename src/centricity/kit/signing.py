"""Keyed digests: what the store keeps instead of a secret, and what signs a value."""

from __future__ import annotations

import hashlib
import hmac


def hmac_sha256(key: str | bytes, value: str) -> str:
    """HMAC-SHA256 of `value` under `key`, as hex: one keyed digest for sessions, tokens,
    throttle keys and the login form's signed cookie."""
    secret = key.encode("utf-8") if isinstance(key, str) else key
    message = value.encode("utf-8", "surrogatepass")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
