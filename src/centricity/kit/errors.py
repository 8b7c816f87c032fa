"""Domain errors that entry points translate into 4xx answers (never 500)."""

from __future__ import annotations

from centricity.kit.i18n import Message


class DomainError(Exception):
    """Base of all errors a user can cause and fix."""

    status_code = 400

    def __init__(self, message: Message, *, field: str | None = None) -> None:
        # `message` may be a lazy text: pages show it translated, the API in English.
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The record does not exist or the actor may not see it (both look the same: 404)."""

    status_code = 404


class Conflict(DomainError):
    """The change clashes with existing data, e.g. a duplicate external id."""

    status_code = 409


class Invalid(DomainError):
    """The input is well-formed but breaks a rule; names the field."""

    status_code = 422


class PermissionDenied(DomainError):
    """The actor's role does not allow the action."""

    status_code = 403
