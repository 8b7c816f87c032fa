"""Base class of every input schema: rules that hold for all text a user sends."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from centricity.kit.i18n import noop

MAX_NESTING = 10


def check_text(value: Any, depth: int = 0) -> None:
    """Refuse NUL characters and unpaired surrogates anywhere in a value (text or JSON).

    PostgreSQL cannot store NUL in text and no engine can store a lone surrogate as UTF-8,
    so such input must be a 422, never a 500 from the database.
    """
    if depth > MAX_NESTING:
        raise ValueError(f"is nested deeper than {MAX_NESTING} levels")
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(noop("must not contain NUL characters"))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(noop("must be valid Unicode text")) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, depth + 1)
            check_text(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_text(item, depth + 1)


class InputSchema(BaseModel):
    """Forbid unknown fields, NUL characters and broken Unicode in every input."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _valid_text(cls, value: Any) -> Any:
        check_text(value)
        return value
