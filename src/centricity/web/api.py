"""Shared pieces of the REST API: the error body and the error answers every route documents."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from centricity.kit.pagination import MAX_LIMIT
from centricity.kit.validation import MAX_ID
from centricity.web.routing import PrefixRouter


class FieldError(BaseModel):
    """One problem with one input field."""

    field: str | None
    message: str


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer of the API: a readable message and, for input, the fields."""

    detail: str
    errors: list[FieldError] | None = None
    correlation_id: str | None = None


PathId = Annotated[int, Path(gt=0, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")]
QueryId = Annotated[int | None, Query(gt=0, le=MAX_ID)]


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("The request cannot be processed as sent."),
    401: _error("No valid bearer token."),
    403: _error("The token's role (or a read-only token) does not allow this."),
    404: _error("No such record, or not visible to the caller."),
    409: _error("The change conflicts with existing data."),
    422: _error("Invalid input; `errors` names each field and its problem."),
    500: _error("Unexpected failure; quote `correlation_id` when reporting it."),
}


def api_router(prefix: str, tag: str) -> APIRouter:
    """A router for `/api/v1` with the documented error answers."""
    return PrefixRouter(prefix=prefix, tags=[tag], responses=ERROR_RESPONSES)
