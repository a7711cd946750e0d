"""The use-case shapes workspaces, collections, tags and documents have in common.

Each resource's module keeps its own public names (the HTTP layer and tests call those); they
pass in which repository of the unit of work they mean and the resource's name for NotFound, or
declare a resource that lives under a parent once as a ``Child`` and export its ``get`` and
``page``, so "fetch or 404", "list a parent's children" and "delete and unindex what went with
it" are written once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from catalog.domain.cursors import CursorCodec
from catalog.domain.errors import NotFound
from catalog.domain.models import DocumentScope
from catalog.ports import (
    CollectionRepository,
    DocumentRepository,
    SearchIndex,
    TagRepository,
    UnitOfWork,
    WorkspaceRepository,
)
from catalog.services.common import Page, list_request, page_of, unindex_after_commit

E = TypeVar("E")
E_co = TypeVar("E_co", covariant=True)


class _Gettable(Protocol[E_co]):
    def get(self, entity_id: int, /) -> E_co | None: ...


class _Updatable(Protocol[E_co]):
    def update(self, entity_id: int, changes: Mapping[str, object], /) -> E_co | None: ...


class _Deletable(Protocol):
    def delete(self, entity_id: int, /) -> bool: ...


class _ListableByParent(Protocol[E_co]):
    def list_after(self, parent_id: int, /, *, after_id: int | None, limit: int) -> list[E_co]: ...


# Which repository of a unit of work a helper should use (it opens the unit of work itself).
def workspaces_of(uow: UnitOfWork) -> WorkspaceRepository:
    return uow.workspaces


def collections_of(uow: UnitOfWork) -> CollectionRepository:
    return uow.collections


def tags_of(uow: UnitOfWork) -> TagRepository:
    return uow.tags


def documents_of(uow: UnitOfWork) -> DocumentRepository:
    return uow.documents


def found(entity: E | None, kind: str, entity_id: int) -> E:
    """``entity``, or NotFound when the lookup by ``entity_id`` came back empty."""
    if entity is None:
        raise NotFound(kind, entity_id)
    return entity


def get_entity(
    uow: UnitOfWork, repository: Callable[[UnitOfWork], _Gettable[E]], kind: str, entity_id: int
) -> E:
    with uow:
        entity = repository(uow).get(entity_id)
    return found(entity, kind, entity_id)


class _ChildRepository(_Gettable[E_co], _ListableByParent[E_co], Protocol[E_co]): ...


@dataclass(frozen=True, slots=True)
class Child(Generic[E]):
    """A resource that lives under a parent (a workspace's collections, a collection's documents).

    Its module declares it once and takes ``get`` and ``page`` as its use cases. ``kind`` names
    it in NotFound; ``list_kind`` scopes its cursors so one cannot be replayed on another
    listing; ``parent`` is (repository, kind) of what it lives under.
    """

    repository: Callable[[UnitOfWork], _ChildRepository[E]]
    kind: str
    list_kind: str
    parent: tuple[Callable[[UnitOfWork], _Gettable[Any]], str]

    def get(self, uow: UnitOfWork, entity_id: int) -> E:
        return get_entity(uow, self.repository, self.kind, entity_id)

    def page(
        self,
        uow: UnitOfWork,
        cursors: CursorCodec,
        parent_id: int,
        *,
        cursor: str | None,
        limit: int,
    ) -> Page[E]:
        """One page of a parent's children; NotFound names the parent when it does not exist."""
        parent_repository, parent_kind = self.parent
        request = list_request(cursors, self.list_kind, parent_id, cursor, limit)
        with uow:
            found(parent_repository(uow).get(parent_id), parent_kind, parent_id)
            items = self.repository(uow).list_after(
                parent_id, after_id=request.after_id, limit=request.limit + 1
            )
        return page_of(items, request, cursors)


def update_entity(
    uow: UnitOfWork,
    repository: Callable[[UnitOfWork], _Updatable[E]],
    kind: str,
    entity_id: int,
    changes: Mapping[str, object],
) -> E:
    with uow:
        entity = found(repository(uow).update(entity_id, changes), kind, entity_id)
        uow.commit()
    return entity


def delete_with_documents(
    uow: UnitOfWork,
    index: SearchIndex,
    repository: Callable[[UnitOfWork], _Deletable],
    kind: str,
    entity_id: int,
) -> None:
    """Delete a workspace or collection; its documents go by cascade, so unindex them too."""
    with uow:
        document_ids = uow.documents.ids_in_scope(DocumentScope(**{f"{kind}_id": entity_id}))
        if not repository(uow).delete(entity_id):
            raise NotFound(kind, entity_id)
        uow.commit()
    unindex_after_commit(index, document_ids)
