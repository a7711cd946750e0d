"""Entities as immutable values; repositories return these, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Workspace:
    id: int
    slug: str
    name: str
    description: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Collection:
    id: int
    workspace_id: int
    slug: str
    name: str
    description: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Tag:
    id: int
    workspace_id: int
    slug: str
    name: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    workspace_id: int
    collection_id: int
    title: str
    body: str
    # Tag slugs, sorted: documents carry them so index bodies need no extra lookups.
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NewDocument:
    """A document to add: its fields, and its tags already resolved to ids."""

    title: str
    body: str
    tag_ids: tuple[int, ...] = ()
    # None: the database's (or the store's) current time.
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentScope:
    """The documents of a workspace, of a collection and/or carrying a tag; None: any."""

    workspace_id: int | None = None
    collection_id: int | None = None
    tag_id: int | None = None
