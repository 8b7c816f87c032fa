"""Idempotency keys of the ingest API: a retried request is answered, not re-run.

A key is claimed and committed before the work starts (so concurrent requests with the
same key see it at once), then settled in the transaction that writes the data, so the
stored answer exists exactly when the data does. Both happen on the request's own
session: a second connection per request could exhaust the pool under load. Keys
belong to the API token that sent them and live 24 hours.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from centricity.accounts import service as accounts
from centricity.db import insert_or_ignore
from centricity.imports.models import IdempotencyKey
from centricity.kit.errors import Conflict, Invalid, NotFound
from centricity.kit.time import utcnow

TTL = timedelta(hours=24)
# A claim still "running" after this long belongs to a request that died with its server.
ABANDONED_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Claim:
    """A claimed key; `replay` is the stored (status, body) when the work was done before."""

    key_id: int
    replay: tuple[int, dict[str, Any]] | None = None


def request_hash(kind: str, payload: Any) -> str:
    """A fingerprint of what was asked, so one key cannot be reused for another request."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{kind}\n{text}".encode("utf-8", "surrogatepass")).hexdigest()


def _insert(session: Session, values: dict[str, Any]) -> int | None:
    statement = insert_or_ignore(
        session, IdempotencyKey, values, unique=["token_id", "key"]
    ).returning(IdempotencyKey.id)
    found = session.scalar(statement)
    return int(found) if found is not None else None


def _existing(session: Session, token_id: int, key: str, digest: str) -> Claim:
    row = session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.token_id == token_id, IdempotencyKey.key == key)
    )
    if row is None:  # expired and removed between our two statements: the caller retries
        raise Conflict("the Idempotency-Key changed state; retry the request")
    if row.request_hash != digest:
        raise Invalid(
            "this Idempotency-Key was used for a different request", field="Idempotency-Key"
        )
    if row.status == "done" and row.response_status is not None:
        return Claim(row.id, (row.response_status, dict(row.response_body or {})))
    taken = session.execute(
        update(IdempotencyKey)
        .where(
            IdempotencyKey.id == row.id,
            IdempotencyKey.status == "running",
            IdempotencyKey.created_at < utcnow() - ABANDONED_AFTER,
        )
        .values(created_at=utcnow())
    )
    if getattr(taken, "rowcount", 0) == 1:
        return Claim(row.id)
    raise Conflict("a request with this Idempotency-Key is still running; retry later")


def claim(session: Session, *, bearer: str, key: str, digest: str) -> Claim:
    """Claim `key` for the token behind `bearer` and commit at once, so a concurrent
    request with the same key sees it; may return a replay or refuse (409/422)."""
    now = utcnow()
    found = accounts.resolve_token(session, bearer)
    if found is None:
        raise NotFound("token not found")
    token_id = found[1].id
    session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.token_id == token_id,
            IdempotencyKey.key == key,
            IdempotencyKey.expires_at < now,
        )
    )
    values = {
        "token_id": token_id,
        "key": key,
        "request_hash": digest,
        "status": "running",
        "created_at": now,
        "expires_at": now + TTL,
    }
    new_id = _insert(session, values)
    result = Claim(new_id) if new_id is not None else _existing(session, token_id, key, digest)
    session.commit()
    return result


def settle(session: Session, claimed: Claim, status: int, body: dict[str, Any]) -> None:
    """Store the answer in the caller's transaction (it commits with the data)."""
    session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claimed.key_id)
        .values(status="done", response_status=status, response_body=body)
    )


def release(session: Session, claimed: Claim) -> None:
    """Forget a claim whose request failed (after rolling its work back), so the client
    may retry with the same key; commits."""
    session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.id == claimed.key_id, IdempotencyKey.status == "running"
        )
    )
    session.commit()
