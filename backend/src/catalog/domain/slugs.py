"""Slugs: short, URL-safe, lowercase identifiers unique within their scope."""

from __future__ import annotations

import re
import unicodedata

from catalog.domain.errors import ValidationFailed

SLUG_MAX_LENGTH = 64
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG_RE = re.compile(SLUG_PATTERN)
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Derive a slug from free text; the result may be empty if ``text`` has no ASCII letters."""
    # NFKD splits accented letters into base letter + combining mark, so "Café" becomes "cafe".
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _SEPARATORS.sub("-", ascii_text.lower()).strip("-")
    # Truncation can expose a trailing separator, which would break idempotence.
    return slug[:SLUG_MAX_LENGTH].rstrip("-")


def is_valid_slug(value: str) -> bool:
    return len(value) <= SLUG_MAX_LENGTH and _SLUG_RE.fullmatch(value) is not None


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
