"""Validated inputs shared by the HTTP API and the JSON Lines importer.

Pydantic does the field checks so the OpenAPI schema and the runtime rules cannot drift apart.
Patterns use explicit ASCII character classes because Python (schema-driven test generators) and
Rust (pydantic-core) disagree on what ``\\s`` matches.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from catalog.domain.slugs import SLUG_MAX_LENGTH, SLUG_PATTERN

NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2_000
TITLE_MAX_LENGTH = 300
BODY_MAX_LENGTH = 200_000
TAGS_PER_DOCUMENT_MAX = 50

_ASCII_SPACE = "\t\n\x0b\x0c\r "
# At least one non-blank character and no NUL (PostgreSQL text cannot store NUL).
NON_BLANK_PATTERN = r"^[^\x00]*[^\x00\x09-\x0d\x20][^\x00]*$"
NO_NUL_PATTERN = r"^[^\x00]*$"


def _encodable(value: str) -> str:
    # Lone surrogates survive JSON decoding but cannot be stored as UTF-8.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def _iso_timestamp_only(value: object) -> object:
    # Pydantic would take numbers (and numeric strings) as Unix timestamps; the documented
    # format is an ISO 8601 date-time, so anything else is refused.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or re.fullmatch(r"\s*[+-]?[\d.]+\s*", value):
        raise ValueError("must be an ISO 8601 date-time with a timezone offset")
    return value


def _strip_ascii_space(value: str) -> str:
    return value.strip(_ASCII_SPACE)


Slug = Annotated[
    str, StringConstraints(min_length=1, max_length=SLUG_MAX_LENGTH, pattern=SLUG_PATTERN)
]
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=NAME_MAX_LENGTH, pattern=NON_BLANK_PATTERN),
    AfterValidator(_encodable),
    AfterValidator(_strip_ascii_space),
]
Title = Annotated[
    str,
    StringConstraints(min_length=1, max_length=TITLE_MAX_LENGTH, pattern=NON_BLANK_PATTERN),
    AfterValidator(_encodable),
    AfterValidator(_strip_ascii_space),
]
Description = Annotated[
    str,
    StringConstraints(max_length=DESCRIPTION_MAX_LENGTH, pattern=NO_NUL_PATTERN),
    AfterValidator(_encodable),
]
Body = Annotated[
    str,
    StringConstraints(max_length=BODY_MAX_LENGTH, pattern=NO_NUL_PATTERN),
    AfterValidator(_encodable),
]
Timestamp = Annotated[AwareDatetime, BeforeValidator(_iso_timestamp_only)]
TagList = Annotated[list[Slug], Field(max_length=TAGS_PER_DOCUMENT_MAX)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# A slug can be derived only from a name with an ASCII letter or digit in it. The rule is stated
# in the OpenAPI schema too (anyOf below), so clients and schema-driven tests know it up front.
SLUG_SOURCE_PATTERN = r"[A-Za-z0-9]"
_NAMED_WITH_SLUG_SOURCE: dict[str, object] = {
    "anyOf": [
        {"required": ["slug"], "properties": {"slug": {"type": "string"}}},
        {"properties": {"name": {"pattern": SLUG_SOURCE_PATTERN}}},
    ]
}


class _NamedCreate(_Input):
    """A new named entity: its slug is given, or derived from its name."""

    model_config = ConfigDict(json_schema_extra=_NAMED_WITH_SLUG_SOURCE)

    name: Name
    slug: Slug | None = Field(
        default=None,
        description="Derived from the name when omitted; required when the name has no ASCII "
        "letter or digit.",
    )

    @model_validator(mode="after")
    def _slug_given_or_derivable(self) -> _NamedCreate:
        if self.slug is None and re.search(SLUG_SOURCE_PATTERN, self.name) is None:
            raise ValueError(
                "slug is required when the name has no ASCII letter or digit to derive it from"
            )
        return self


# Workspaces and collections take the same fields. They stay separate classes because each
# class is its own OpenAPI schema; the bases carry no docstring, so no schema description changes.
class _DescribedCreate(_NamedCreate):
    description: Description = ""


class _DescribedUpdate(_Input):
    name: Name | None = None
    slug: Slug | None = None
    description: Description | None = None


class WorkspaceCreate(_DescribedCreate):
    pass


class WorkspaceUpdate(_DescribedUpdate):
    pass


class CollectionCreate(_DescribedCreate):
    pass


class CollectionUpdate(_DescribedUpdate):
    pass


class TagCreate(_NamedCreate):
    """A new tag: a name and a slug, nothing else."""


class TagUpdate(_Input):
    name: Name | None = None
    slug: Slug | None = None


class DocumentCreate(_Input):
    title: Title
    body: Body = ""
    tags: TagList = Field(
        default_factory=list, description="Slugs of tags that exist in the workspace."
    )
    created_at: Timestamp | None = Field(
        default=None, description="Original creation time (for imports); defaults to now."
    )


class DocumentUpdate(_Input):
    title: Title | None = None
    body: Body | None = None
    tags: TagList | None = Field(default=None, description="Replaces the document's tags.")


def changes_of(update: BaseModel) -> dict[str, object]:
    """Fields a PATCH body actually sets; ``null`` means "leave unchanged"."""
    return {key: value for key, value in update.model_dump().items() if value is not None}


__all__ = [
    "BODY_MAX_LENGTH",
    "DESCRIPTION_MAX_LENGTH",
    "NAME_MAX_LENGTH",
    "TAGS_PER_DOCUMENT_MAX",
    "TITLE_MAX_LENGTH",
    "CollectionCreate",
    "CollectionUpdate",
    "DocumentCreate",
    "DocumentUpdate",
    "Name",
    "Slug",
    "TagCreate",
    "TagUpdate",
    "Timestamp",
    "WorkspaceCreate",
    "WorkspaceUpdate",
    "changes_of",
]
