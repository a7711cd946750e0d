"""Slugs shared by every service: short, URL-safe, lowercase identifiers.

Pure functions only; each service decides what an invalid slug means for it (an error type, an
HTTP status).
"""

from __future__ import annotations

import re
import unicodedata

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
