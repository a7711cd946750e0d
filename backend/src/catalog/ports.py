"""Ports: the small interfaces the use cases depend on.

Adapters (SQLAlchemy, search engines, in-memory fakes) implement these structurally.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Protocol, Self

from catalog.domain.models import Collection as CollectionEntity
from catalog.domain.models import Document, NewDocument, Tag, Workspace
from catalog.domain.search import SearchPage, SearchQuery


class WorkspaceRepository(Protocol):
    def add(self, *, slug: str, name: str, description: str) -> Workspace: ...
    def get(self, workspace_id: int) -> Workspace | None: ...
    def list_after(self, *, after_id: int | None, limit: int) -> list[Workspace]: ...
    def update(self, workspace_id: int, changes: Mapping[str, object]) -> Workspace | None: ...
    def delete(self, workspace_id: int) -> bool: ...


class CollectionRepository(Protocol):
    def add(
        self, *, workspace_id: int, slug: str, name: str, description: str
    ) -> CollectionEntity: ...
    def get(self, collection_id: int) -> CollectionEntity | None: ...
    def list_after(
        self, workspace_id: int, *, after_id: int | None, limit: int
    ) -> list[CollectionEntity]: ...
    def update(
        self, collection_id: int, changes: Mapping[str, object]
    ) -> CollectionEntity | None: ...
    def delete(self, collection_id: int) -> bool: ...


class TagRepository(Protocol):
    def add(self, *, workspace_id: int, slug: str, name: str) -> Tag: ...
    def get(self, tag_id: int) -> Tag | None: ...
    def get_by_slugs(self, workspace_id: int, slugs: Collection[str]) -> list[Tag]: ...
    def list_after(self, workspace_id: int, *, after_id: int | None, limit: int) -> list[Tag]: ...
    def update(self, tag_id: int, changes: Mapping[str, object]) -> Tag | None: ...
    def usage_count(self, tag_id: int) -> int: ...
    def delete(self, tag_id: int) -> bool:
        """Delete an unused tag; raise ``Conflict`` while documents still carry it."""
        ...


class DocumentRepository(Protocol):
    def add(self, *, collection: CollectionEntity, document: NewDocument) -> Document: ...
    def add_many(
        self, *, collection: CollectionEntity, documents: Sequence[NewDocument]
    ) -> list[Document]:
        """Add all of ``documents`` at once, in order; a constraint violation rejects them all."""
        ...

    def get(self, document_id: int) -> Document | None: ...
    def get_many(self, document_ids: Sequence[int]) -> dict[int, Document]: ...
    def list_after(
        self, collection_id: int, *, after_id: int | None, limit: int
    ) -> list[Document]: ...
    def list_all_after(self, *, after_id: int | None, limit: int) -> list[Document]: ...
    def update(
        self,
        document_id: int,
        changes: Mapping[str, object],
        tag_ids: Sequence[int] | None = None,
    ) -> Document | None: ...
    def delete(self, document_id: int) -> bool: ...
    def ids_in_scope(
        self,
        *,
        workspace_id: int | None = None,
        collection_id: int | None = None,
        tag_id: int | None = None,
    ) -> list[int]: ...


class UnitOfWork(Protocol):
    """One transaction over all repositories; leaving without ``commit()`` rolls back."""

    workspaces: WorkspaceRepository
    collections: CollectionRepository
    tags: TagRepository
    documents: DocumentRepository

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def savepoint(self) -> AbstractContextManager[None]:
        """Nested transaction: an exception inside undoes only the work done inside."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class SearchIndexError(RuntimeError):
    """The engine answered but refused part of a write."""


class SearchIndex(Protocol):
    """A searchable projection of documents; PostgreSQL stays the system of record."""

    backend: str

    def ensure_index(self) -> None:
        """Create the index if it does not exist yet (idempotent)."""
        ...

    def recreate(self) -> None:
        """Drop and create the index empty, ready for a full rebuild."""
        ...

    def index_documents(self, documents: Sequence[Document]) -> None: ...
    def delete_documents(self, document_ids: Sequence[int]) -> None: ...
    def search(self, query: SearchQuery) -> SearchPage: ...
    def close(self) -> None: ...
