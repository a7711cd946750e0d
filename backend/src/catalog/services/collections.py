"""Collection use cases."""

from __future__ import annotations

from catalog.domain.cursors import CursorCodec
from catalog.domain.inputs import CollectionCreate, CollectionUpdate, changes_of
from catalog.domain.models import Collection
from catalog.domain.slugs import resolve_slug
from catalog.ports import SearchIndex, UnitOfWork
from catalog.services.common import Page
from catalog.services.crud import (
    collections_of,
    delete_with_documents,
    found,
    get_entity,
    list_children,
    update_entity,
    workspaces_of,
)


def create_collection(uow: UnitOfWork, workspace_id: int, data: CollectionCreate) -> Collection:
    slug = resolve_slug(data.slug, data.name)
    with uow:
        found(uow.workspaces.get(workspace_id), "workspace", workspace_id)
        collection = uow.collections.add(
            workspace_id=workspace_id, slug=slug, name=data.name, description=data.description
        )
        uow.commit()
    return collection


def get_collection(uow: UnitOfWork, collection_id: int) -> Collection:
    return get_entity(uow, collections_of, "collection", collection_id)


def list_collections(
    uow: UnitOfWork, cursors: CursorCodec, workspace_id: int, *, cursor: str | None, limit: int
) -> Page[Collection]:
    return list_children(
        uow,
        cursors,
        parent=(workspaces_of, "workspace", workspace_id),
        children=(collections_of, "collections"),
        cursor=cursor,
        limit=limit,
    )


def update_collection(uow: UnitOfWork, collection_id: int, data: CollectionUpdate) -> Collection:
    return update_entity(uow, collections_of, "collection", collection_id, changes_of(data))


def delete_collection(uow: UnitOfWork, index: SearchIndex, collection_id: int) -> None:
    """Delete a collection and, by cascade, its documents."""
    delete_with_documents(uow, index, collections_of, "collection", collection_id)
