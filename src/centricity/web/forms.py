"""Turn posted HTML forms into Pydantic schemas, collecting field errors for re-rendering."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from centricity.kit.validation import friendly_message
from centricity.web.csrf import CSRF_FIELD

SchemaT = TypeVar("SchemaT", bound=BaseModel)


async def form_fields(request: Request) -> dict[str, str]:
    """The posted text fields, with blanks dropped and the CSRF token removed."""
    form = await request.form()
    fields: dict[str, str] = {}
    for key, value in form.multi_items():
        if key != CSRF_FIELD and isinstance(value, str) and value.strip():
            fields[key] = value.strip()
    return fields


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Map each invalid field to a readable message for the form."""
    errors: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err.get("loc") else "form"
        errors.setdefault(field, friendly_message(dict(err)))
    return errors


def parse(schema: type[SchemaT], data: dict[str, Any]) -> tuple[SchemaT | None, dict[str, str]]:
    """Validate form data; return the schema or the field errors (never both)."""
    try:
        return schema.model_validate(data), {}
    except ValidationError as exc:
        return None, field_errors(exc)
