"""Slugs: short, URL-safe, lowercase identifiers unique within their scope."""

from __future__ import annotations

from catalog.domain.errors import ValidationFailed
from slugkit import SLUG_MAX_LENGTH, SLUG_PATTERN, is_valid_slug, slugify

__all__ = [
    "SLUG_MAX_LENGTH",
    "SLUG_PATTERN",
    "is_valid_slug",
    "resolve_slug",
    "slugify",
    "validate_slug",
]


def validate_slug(value: str, field: str = "slug") -> str:
    if not is_valid_slug(value):
        raise ValidationFailed(
            field,
            f"must be 1-{SLUG_MAX_LENGTH} lowercase letters, digits or single hyphens between them",
        )
    return value


def resolve_slug(slug: str | None, name: str, field: str = "slug") -> str:
    """Use the given slug (validated) or derive one from ``name``."""
    if slug is not None:
        return validate_slug(slug, field)
    derived = slugify(name)
    if not derived:
        raise ValidationFailed(field, "cannot be derived from the name; provide one explicitly")
    return derived
