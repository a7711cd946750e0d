"""Collection use cases."""

from __future__ import annotations

from catalog.domain.inputs import CollectionCreate, CollectionUpdate, changes_of
from catalog.domain.models import Collection
from catalog.domain.slugs import resolve_slug
from catalog.ports import SearchIndex, UnitOfWork
from catalog.services.crud import (
    Child,
    collections_of,
    delete_with_documents,
    found,
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


_COLLECTIONS: Child[Collection] = Child(
    collections_of, "collection", "collections", parent=(workspaces_of, "workspace")
)
get_collection = _COLLECTIONS.get
list_collections = _COLLECTIONS.page


def update_collection(uow: UnitOfWork, collection_id: int, data: CollectionUpdate) -> Collection:
    return update_entity(uow, collections_of, "collection", collection_id, changes_of(data))


def delete_collection(uow: UnitOfWork, index: SearchIndex, collection_id: int) -> None:
    """Delete a collection and, by cascade, its documents."""
    delete_with_documents(uow, index, collections_of, "collection", collection_id)
