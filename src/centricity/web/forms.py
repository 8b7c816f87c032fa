"""Turn posted HTML forms into Pydantic schemas, collecting field errors for re-rendering."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from centricity.kit.i18n import Message
from centricity.kit.validation import friendly_text
from centricity.web.csrf import CSRF_FIELD

# Each invalid field's message, or `form` for the whole form.
FormErrors = dict[str, Message]
SchemaT = TypeVar("SchemaT", bound=BaseModel)


async def form_fields(request: Request) -> dict[str, str]:
    """The posted text fields, with blanks dropped and the CSRF token removed."""
    form = await request.form()
    fields: dict[str, str] = {}
    for key, value in form.multi_items():
        if key != CSRF_FIELD and isinstance(value, str) and value.strip():
            fields[key] = value.strip()
    return fields


def field_errors(exc: ValidationError) -> FormErrors:
    """Map each invalid field to a readable message for the form, in the viewer's language."""
    errors: FormErrors = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err.get("loc") else "form"
        errors.setdefault(field, friendly_text(dict(err)))
    return errors


def parse(schema: type[SchemaT], data: dict[str, Any]) -> tuple[SchemaT | None, FormErrors]:
    """Validate form data; return the schema or the field errors (never both)."""
    try:
        return schema.model_validate(data), {}
    except ValidationError as exc:
        return None, field_errors(exc)


def safe_next(value: str | None) -> str:
    """A path on this site to return to after a form (never `//host` or a backslash trick,
    so a crafted link cannot send a signed-in user to another site)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"
