"""Collection use cases."""

from __future__ import annotations

from catalog.domain.inputs import CollectionCreate
from catalog.domain.models import Collection
from catalog.domain.slugs import resolve_slug
from catalog.ports import UnitOfWork
from catalog.services.resources import ChildResource
from catalog.services.workspaces import WORKSPACES

COLLECTIONS: ChildResource[Collection] = ChildResource(
    "collection", lambda uow: uow.collections, plural="collections", parent=WORKSPACES
)


def create_collection(uow: UnitOfWork, workspace_id: int, data: CollectionCreate) -> Collection:
    slug = resolve_slug(data.slug, data.name)
    with uow:
        WORKSPACES.require(uow, workspace_id)
        collection = uow.collections.add(
            workspace_id=workspace_id, slug=slug, name=data.name, description=data.description
        )
        uow.commit()
    return collection


get_collection = COLLECTIONS.get
list_collections = COLLECTIONS.list
update_collection = COLLECTIONS.update
# Deletes the collection and, by cascade, its documents.
delete_collection = COLLECTIONS.delete_with_documents
