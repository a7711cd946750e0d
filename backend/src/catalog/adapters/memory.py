"""In-memory adapters implementing the ports: the fakes for unit and contract tests.

They honour the same rules as the PostgreSQL adapter (unique slugs, cascades, RESTRICT on tags
in use, all-or-nothing commits, savepoints) so the use cases can be tested without a database.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Self, TypeVar

# Re-exported: tests and the OpenAPI export take every fake from this module.
from catalog.adapters.memory_search import InMemorySearchIndex as InMemorySearchIndex
from catalog.domain.errors import SLUG_TAKEN, TAG_IN_USE, Conflict
from catalog.domain.models import Collection as CollectionEntity
from catalog.domain.models import Document, DocumentScope, NewDocument, Tag, Workspace


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class _State:
    workspaces: dict[int, Workspace] = field(default_factory=dict)
    collections: dict[int, CollectionEntity] = field(default_factory=dict)
    tags: dict[int, Tag] = field(default_factory=dict)
    documents: dict[int, Document] = field(default_factory=dict)
    # document id -> tag ids
    links: dict[int, frozenset[int]] = field(default_factory=dict)
    next_id: int = 1

    def copy(self) -> _State:
        # Entities are frozen, so copying the containers is a full snapshot.
        return _State(
            workspaces=dict(self.workspaces),
            collections=dict(self.collections),
            tags=dict(self.tags),
            documents=dict(self.documents),
            links=dict(self.links),
            next_id=self.next_id,
        )

    def allocate_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value


@dataclass
class InMemoryStore:
    """The "database": committed state shared by every unit of work built from it."""

    clock: Callable[[], datetime] = _utcnow
    # Raised by the next commits while set, to simulate the database failing.
    commit_error: Exception | None = None
    state: _State = field(default_factory=_State)
    commits: int = 0


class _Repository:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _state(self) -> _State:
        return self._uow.state

    def _now(self) -> datetime:
        return self._uow.store.clock()


E = TypeVar("E", Workspace, CollectionEntity, Tag, Document)


def _children(rows: Mapping[int, E], parent_key: str, parent_id: int) -> list[E]:
    """The rows whose ``parent_key`` (e.g. ``workspace_id``) is ``parent_id``, in a list of their
    own, so the caller may delete them from ``rows``."""
    return [row for row in rows.values() if getattr(row, parent_key) == parent_id]


def _after(items: Iterable[E], after_id: int | None, limit: int) -> list[E]:
    ordered = sorted(items, key=lambda item: item.id)
    return [item for item in ordered if after_id is None or item.id > after_id][:limit]


class _SluggedRepository(_Repository, Generic[E]):
    """Workspaces, collections and tags: rows with a slug unique within their workspace (or
    globally for workspaces), stored in the ``_State`` dict named by ``table``."""

    table: ClassVar[str]

    @property
    def _rows(self) -> dict[int, E]:
        return getattr(self._state, self.table)

    @staticmethod
    def _scope(entity: E) -> int | None:
        # Workspaces have no owner, so their slugs are unique across the whole store.
        return getattr(entity, "workspace_id", None)

    def _check_slug(self, scope: int | None, slug: str, own_id: int | None = None) -> None:
        for other in self._rows.values():
            if self._scope(other) == scope and other.slug == slug and other.id != own_id:
                raise Conflict("slug", SLUG_TAKEN[self.table])

    def _insert(self, entity_class: Callable[..., E], *, slug: str, **values: Any) -> E:
        """Store a new ``entity_class`` of ``slug`` and ``values`` with a new id and the clock's
        time, after checking that its slug is free in its scope (``values``' workspace_id)."""
        self._check_slug(values.get("workspace_id"), slug)
        now = self._now()
        entity = entity_class(
            id=self._state.allocate_id(), slug=slug, created_at=now, updated_at=now, **values
        )
        self._rows[entity.id] = entity
        return entity

    def get(self, entity_id: int) -> E | None:
        return self._rows.get(entity_id)

    def _owned_after(self, workspace_id: int, after_id: int | None, limit: int) -> list[E]:
        owned = (row for row in self._rows.values() if self._scope(row) == workspace_id)
        return _after(owned, after_id, limit)

    def update(self, entity_id: int, changes: Mapping[str, object]) -> E | None:
        current = self._rows.get(entity_id)
        if current is None:
            return None
        if "slug" in changes:
            self._check_slug(self._scope(current), str(changes["slug"]), entity_id)
        updated = replace(current, **changes, updated_at=self._now())  # type: ignore[arg-type]
        self._rows[entity_id] = updated
        return updated


class InMemoryWorkspaceRepository(_SluggedRepository[Workspace]):
    table = "workspaces"

    def add(self, *, slug: str, name: str, description: str) -> Workspace:
        return self._insert(Workspace, slug=slug, name=name, description=description)

    def list_after(self, *, after_id: int | None, limit: int) -> list[Workspace]:
        return _after(self._rows.values(), after_id, limit)

    def delete(self, workspace_id: int) -> bool:
        if self._state.workspaces.pop(workspace_id, None) is None:
            return False
        for collection in _children(self._state.collections, "workspace_id", workspace_id):
            self._uow.collections.delete(collection.id)
        for tag in _children(self._state.tags, "workspace_id", workspace_id):
            del self._state.tags[tag.id]
        return True


class InMemoryCollectionRepository(_SluggedRepository[CollectionEntity]):
    table = "collections"

    def add(self, *, workspace_id: int, slug: str, name: str, description: str) -> CollectionEntity:
        return self._insert(
            CollectionEntity,
            workspace_id=workspace_id,
            slug=slug,
            name=name,
            description=description,
        )

    def list_after(
        self, workspace_id: int, *, after_id: int | None, limit: int
    ) -> list[CollectionEntity]:
        return self._owned_after(workspace_id, after_id, limit)

    def delete(self, collection_id: int) -> bool:
        if self._state.collections.pop(collection_id, None) is None:
            return False
        for document in _children(self._state.documents, "collection_id", collection_id):
            self._uow.documents.delete(document.id)
        return True


class InMemoryTagRepository(_SluggedRepository[Tag]):
    table = "tags"

    def add(self, *, workspace_id: int, slug: str, name: str) -> Tag:
        return self._insert(Tag, workspace_id=workspace_id, slug=slug, name=name)

    def get_by_slugs(self, workspace_id: int, slugs: Collection[str]) -> list[Tag]:
        found = [
            tag
            for tag in self._state.tags.values()
            if tag.workspace_id == workspace_id and tag.slug in slugs
        ]
        return sorted(found, key=lambda tag: tag.slug)

    def list_after(self, workspace_id: int, *, after_id: int | None, limit: int) -> list[Tag]:
        return self._owned_after(workspace_id, after_id, limit)

    def update(self, tag_id: int, changes: Mapping[str, object]) -> Tag | None:
        updated = super().update(tag_id, changes)
        if updated is not None:
            # Documents denormalise tag slugs, so refresh the ones carrying this tag.
            for document_id, tag_ids in self._state.links.items():
                if tag_id in tag_ids:
                    self._uow.documents.refresh_tags(document_id)
        return updated

    def usage_count(self, tag_id: int) -> int:
        return sum(1 for tag_ids in self._state.links.values() if tag_id in tag_ids)

    def delete(self, tag_id: int) -> bool:
        if self.usage_count(tag_id):
            raise Conflict("tag", TAG_IN_USE)
        return self._state.tags.pop(tag_id, None) is not None


class InMemoryDocumentRepository(_Repository):
    def refresh_tags(self, document_id: int) -> None:
        document = self._state.documents[document_id]
        slugs = sorted(self._state.tags[t].slug for t in self._state.links.get(document_id, ()))
        self._state.documents[document_id] = replace(document, tags=tuple(slugs))

    def _link(self, document: Document, tag_ids: Sequence[int]) -> None:
        for tag_id in tag_ids:
            tag = self._state.tags.get(tag_id)
            if tag is None or tag.workspace_id != document.workspace_id:
                raise ValueError(f"tag {tag_id} is not in workspace {document.workspace_id}")
        self._state.links[document.id] = frozenset(tag_ids)
        self.refresh_tags(document.id)

    def add(self, *, collection: CollectionEntity, document: NewDocument) -> Document:
        if collection.id not in self._state.collections:
            raise ValueError(f"collection {collection.id} does not exist")
        created = document.created_at or self._now()
        stored = Document(
            id=self._state.allocate_id(),
            workspace_id=collection.workspace_id,
            collection_id=collection.id,
            title=document.title,
            body=document.body,
            tags=(),
            created_at=created,
            updated_at=created,
        )
        self._state.documents[stored.id] = stored
        self._link(stored, document.tag_ids)
        return self._state.documents[stored.id]

    def add_many(
        self, *, collection: CollectionEntity, documents: Sequence[NewDocument]
    ) -> list[Document]:
        return [self.add(collection=collection, document=document) for document in documents]

    def get(self, document_id: int) -> Document | None:
        return self._state.documents.get(document_id)

    def get_many(self, document_ids: Sequence[int]) -> dict[int, Document]:
        return {i: self._state.documents[i] for i in document_ids if i in self._state.documents}

    def list_after(self, collection_id: int, *, after_id: int | None, limit: int) -> list[Document]:
        owned = _children(self._state.documents, "collection_id", collection_id)
        return _after(owned, after_id, limit)

    def list_all_after(self, *, after_id: int | None, limit: int) -> list[Document]:
        return _after(self._state.documents.values(), after_id, limit)

    def update(
        self, document_id: int, changes: Mapping[str, object], tag_ids: Sequence[int] | None = None
    ) -> Document | None:
        current = self._state.documents.get(document_id)
        if current is None:
            return None
        updated = replace(current, **changes, updated_at=self._now())  # type: ignore[arg-type]
        self._state.documents[document_id] = updated
        if tag_ids is not None:
            self._link(updated, tag_ids)
        return self._state.documents[document_id]

    def delete(self, document_id: int) -> bool:
        self._state.links.pop(document_id, None)
        return self._state.documents.pop(document_id, None) is not None

    def ids_in_scope(self, scope: DocumentScope) -> list[int]:
        return sorted(
            d.id
            for d in self._state.documents.values()
            if (scope.workspace_id is None or d.workspace_id == scope.workspace_id)
            and (scope.collection_id is None or d.collection_id == scope.collection_id)
            and (scope.tag_id is None or scope.tag_id in self._state.links.get(d.id, ()))
        )


class InMemoryUnitOfWork:
    """Works on a private copy of the store's state; ``commit`` publishes it atomically."""

    def __init__(self, store: InMemoryStore) -> None:
        self.store = store
        self.state = store.state.copy()
        self.committed = False
        self.workspaces = InMemoryWorkspaceRepository(self)
        self.collections = InMemoryCollectionRepository(self)
        self.tags = InMemoryTagRepository(self)
        self.documents = InMemoryDocumentRepository(self)

    def __enter__(self) -> Self:
        self.state = self.store.state.copy()
        self.committed = False
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.rollback()

    def commit(self) -> None:
        if self.store.commit_error is not None:
            raise self.store.commit_error
        self.store.state = self.state.copy()
        self.store.commits += 1
        self.committed = True

    def rollback(self) -> None:
        self.state = self.store.state.copy()

    def savepoint(self) -> AbstractContextManager[None]:
        return self._savepoint()

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        snapshot = self.state.copy()
        try:
            yield
        except BaseException:
            self.state = snapshot
            raise


def in_memory_uow_factory(store: InMemoryStore) -> Callable[[], InMemoryUnitOfWork]:
    def factory() -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(store)

    return factory
