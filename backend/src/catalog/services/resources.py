"""What every kind of catalog entity shares: found by id or NotFound, updated and deleted in one
unit of work, listed page by page under its parent. A service module states only what is
particular to its entity."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel

from catalog.domain.cursors import CursorCodec
from catalog.domain.inputs import changes_of
from catalog.ports import SearchIndex, UnitOfWork
from catalog.services.common import Page, deleted, found, list_page, unindex_after_commit

E = TypeVar("E")
E_co = TypeVar("E_co", covariant=True)


class Repository(Protocol[E_co]):
    def get(self, entity_id: int, /) -> E_co | None: ...
    def update(self, entity_id: int, changes: Mapping[str, object], /) -> E_co | None: ...
    def delete(self, entity_id: int, /) -> bool: ...


class ChildRepository(Repository[E_co], Protocol[E_co]):
    def list_after(
        self, parent_id: int, /, *, after_id: int | None, limit: int
    ) -> Sequence[E_co]: ...


@dataclass(frozen=True)
class Resource(Generic[E]):
    kind: str  # "collection": how NotFound names it
    repository: Callable[[UnitOfWork], Repository[E]]

    def require(self, uow: UnitOfWork, entity_id: int) -> E:
        """Inside an open unit of work: the entity, or NotFound."""
        return found(self.repository(uow).get(entity_id), self.kind, entity_id)

    def get(self, uow: UnitOfWork, entity_id: int) -> E:
        with uow:
            return self.require(uow, entity_id)

    def require_updated(self, uow: UnitOfWork, entity_id: int, changes: Mapping[str, object]) -> E:
        """Inside an open unit of work: the entity with changes applied, or NotFound."""
        return found(self.repository(uow).update(entity_id, changes), self.kind, entity_id)

    def update(self, uow: UnitOfWork, entity_id: int, data: BaseModel) -> E:
        """Apply a PATCH body (its non-null fields) and commit."""
        with uow:
            entity = self.require_updated(uow, entity_id, changes_of(data))
            uow.commit()
        return entity

    def delete_with_documents(self, uow: UnitOfWork, index: SearchIndex, entity_id: int) -> None:
        """Delete the entity and, by cascade, the documents it holds; unindex them after."""
        with uow:
            document_ids = uow.documents.ids_in_scope(**{f"{self.kind}_id": entity_id})
            deleted(self.repository(uow).delete(entity_id), self.kind, entity_id)
            uow.commit()
        unindex_after_commit(index, document_ids)


@dataclass(frozen=True)
class ChildResource(Resource[E]):
    """An entity listed under a parent (a workspace's tags, a collection's documents)."""

    repository: Callable[[UnitOfWork], ChildRepository[E]]
    plural: str  # "tags": the listing's name in its cursors
    parent: Resource[object]

    def list(
        self,
        uow: UnitOfWork,
        cursors: CursorCodec,
        parent_id: int,
        *,
        cursor: str | None,
        limit: int,
    ) -> Page[E]:
        """One page of the parent's entities (NotFound if the parent is gone)."""

        def fetch(after_id: int | None, n: int) -> Sequence[E]:
            self.parent.require(uow, parent_id)
            return self.repository(uow).list_after(parent_id, after_id=after_id, limit=n)

        return list_page(uow, cursors, self.plural, parent_id, (cursor, limit), fetch)
