"""Errors the services raise; states and API routes turn them into messages."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out; the message is safe to show the user."""


class NotSignedIn(ServiceError):
    def __init__(self, message: str = "Your session has ended. Please sign in again."):
        super().__init__(message)


class PermissionDenied(ServiceError):
    def __init__(self, message: str = "You are not allowed to do that."):
        super().__init__(message)


class NotFound(ServiceError):
    def __init__(self, message: str = "Not found."):
        super().__init__(message)


class Conflict(ServiceError):
    """The data changed under the request (e.g. two agents claimed the same lead)."""


class ValidationFailed(ServiceError):
    """Bad input; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str], message: str | None = None):
        self.errors = dict(errors)
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in self.errors.items()))
