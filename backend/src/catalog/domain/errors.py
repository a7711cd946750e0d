"""Domain errors; the HTTP layer maps each one to an RFC 9457 problem."""

from __future__ import annotations

# The conflicts the PostgreSQL adapter reads off its constraints and the fakes raise by hand.
SLUG_TAKEN = {
    "workspaces": "a workspace with this slug already exists",
    "collections": "a collection with this slug already exists in the workspace",
    "tags": "a tag with this slug already exists in the workspace",
}
TAG_IN_USE = "the tag is attached to documents; remove it from them first"


class CatalogError(Exception):
    """Base class for errors the service reports to callers on purpose."""


class _FieldError(CatalogError):
    """An error about one input ``field``; the HTTP layer reports it in the problem's errors."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ValidationFailed(_FieldError):
    """Input broke a domain rule; ``field`` names the offending input."""


class NotFound(CatalogError):
    """The addressed entity does not exist."""

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity} {key!r} not found")
        self.entity = entity
        self.key = key


class Conflict(_FieldError):
    """The change clashes with existing state (duplicate slug, tag still in use)."""


class InvalidCursor(CatalogError):
    """A pagination cursor was malformed, tampered with or belongs to another query."""


class SchemaNotCurrent(CatalogError):
    """The database is reachable but its schema is not at the newest migration."""

    def __init__(self, found: str | None, head: str) -> None:
        super().__init__(f"database schema at revision {found or 'none (empty)'}, head is {head}")
        self.found = found
        self.head = head


class ServiceUnavailable(CatalogError):
    """A backing service (database or search engine) cannot be reached."""

    def __init__(self, service: str, message: str) -> None:
        super().__init__(message)
        self.service = service
        self.message = message
