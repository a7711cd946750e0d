"""Helpers shared by the use cases: list pagination and keeping the search index in sync."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from catalog.domain.cursors import CursorCodec, list_fingerprint
from catalog.domain.errors import InvalidCursor, ServiceUnavailable, ValidationFailed
from catalog.domain.models import Document
from catalog.domain.search import PAGE_SIZE_MAX
from catalog.ports import SearchIndex, SearchIndexError

logger = logging.getLogger("catalog.index_sync")


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


T = TypeVar("T", bound=_HasId)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class ListRequest:
    """Keyset listing by id: ``after_id`` is decoded from the opaque cursor."""

    after_id: int | None
    limit: int
    fingerprint: str


def list_request(
    cursors: CursorCodec, kind: str, scope: int | None, cursor: str | None, limit: int
) -> ListRequest:
    if not 1 <= limit <= PAGE_SIZE_MAX:
        raise ValidationFailed("limit", f"must be between 1 and {PAGE_SIZE_MAX}")
    fingerprint = list_fingerprint(kind, scope)
    after_id = None
    if cursor is not None:
        position = cursors.decode(cursor, fingerprint)
        if len(position) != 1 or not isinstance(position[0], int):
            raise InvalidCursor("cursor is malformed")
        after_id = position[0]
    return ListRequest(after_id=after_id, limit=limit, fingerprint=fingerprint)


def page_of(items: Sequence[T], request: ListRequest, cursors: CursorCodec) -> Page[T]:
    """Turn ``limit + 1`` fetched items into a page and the cursor for the next one."""
    visible = list(items[: request.limit])
    next_cursor = None
    if len(items) > request.limit and visible:
        next_cursor = cursors.encode([visible[-1].id], request.fingerprint)
    return Page(items=visible, next_cursor=next_cursor)


def index_after_commit(index: SearchIndex, documents: Sequence[Document]) -> None:
    """Project committed documents into the index.

    PostgreSQL is the system of record: the write already succeeded, so an index failure is
    logged for ``python -m catalog reindex`` to repair rather than failing the request.
    """
    try:
        index.index_documents(documents)
    except (SearchIndexError, ServiceUnavailable):
        logger.exception(
            "search index out of sync for documents %s; run reindex",
            [document.id for document in documents],
        )


def unindex_after_commit(index: SearchIndex, document_ids: Sequence[int]) -> None:
    try:
        index.delete_documents(document_ids)
    except (SearchIndexError, ServiceUnavailable):
        logger.exception(
            "search index still holds deleted documents %s; run reindex", list(document_ids)
        )
