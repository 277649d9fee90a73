"""Domain errors raised by services; mapped once to HTTP and to page messages."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code = "error"
    http_status = 400

    def __init__(self, detail: str, *, code: str | None = None, fields: Any = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.fields = fields


class InvalidInput(DomainError):
    """The request itself is wrong: a missing or malformed field."""

    code = "invalid"
    http_status = 400


class PermissionDenied(DomainError):
    """The actor's role or jurisdiction does not allow this."""

    code = "permission_denied"
    http_status = 403


class TransitionNotAllowed(DomainError):
    """The action is not allowed in the grievance's current state."""

    code = "transition_not_allowed"
    http_status = 409


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class ConfigurationError(DomainError):
    """Master data (levels, posts, profile) cannot serve the request."""

    code = "configuration_error"
    http_status = 409
