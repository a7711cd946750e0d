"""Collection use cases."""

from __future__ import annotations

from catalog.domain.cursors import CursorCodec
from catalog.domain.errors import NotFound
from catalog.domain.inputs import CollectionCreate, CollectionUpdate, changes_of
from catalog.domain.models import Collection
from catalog.domain.slugs import resolve_slug
from catalog.ports import SearchIndex, UnitOfWork
from catalog.services.common import Page, list_request, page_of, unindex_after_commit


def create_collection(uow: UnitOfWork, workspace_id: int, data: CollectionCreate) -> Collection:
    slug = resolve_slug(data.slug, data.name)
    with uow:
        if uow.workspaces.get(workspace_id) is None:
            raise NotFound("workspace", workspace_id)
        collection = uow.collections.add(
            workspace_id=workspace_id, slug=slug, name=data.name, description=data.description
        )
        uow.commit()
    return collection


def get_collection(uow: UnitOfWork, collection_id: int) -> Collection:
    with uow:
        collection = uow.collections.get(collection_id)
    if collection is None:
        raise NotFound("collection", collection_id)
    return collection


def list_collections(
    uow: UnitOfWork, cursors: CursorCodec, workspace_id: int, *, cursor: str | None, limit: int
) -> Page[Collection]:
    request = list_request(cursors, "collections", workspace_id, cursor, limit)
    with uow:
        if uow.workspaces.get(workspace_id) is None:
            raise NotFound("workspace", workspace_id)
        items = uow.collections.list_after(
            workspace_id, after_id=request.after_id, limit=request.limit + 1
        )
    return page_of(items, request, cursors)


def update_collection(uow: UnitOfWork, collection_id: int, data: CollectionUpdate) -> Collection:
    with uow:
        collection = uow.collections.update(collection_id, changes_of(data))
        if collection is None:
            raise NotFound("collection", collection_id)
        uow.commit()
    return collection


def delete_collection(uow: UnitOfWork, index: SearchIndex, collection_id: int) -> None:
    """Delete a collection and, by cascade, its documents."""
    with uow:
        document_ids = uow.documents.ids_in_scope(collection_id=collection_id)
        if not uow.collections.delete(collection_id):
            raise NotFound("collection", collection_id)
        uow.commit()
    unindex_after_commit(index, document_ids)
