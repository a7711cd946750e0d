"""Tag use cases."""

from __future__ import annotations

from catalog.domain.errors import Conflict
from catalog.domain.inputs import TagCreate, TagUpdate, changes_of
from catalog.domain.models import Tag
from catalog.domain.slugs import resolve_slug
from catalog.ports import SearchIndex, UnitOfWork
from catalog.services.common import deleted, index_after_commit
from catalog.services.resources import ChildResource
from catalog.services.workspaces import WORKSPACES

TAGS: ChildResource[Tag] = ChildResource(
    "tag", lambda uow: uow.tags, plural="tags", parent=WORKSPACES
)


def create_tag(uow: UnitOfWork, workspace_id: int, data: TagCreate) -> Tag:
    slug = resolve_slug(data.slug, data.name)
    with uow:
        WORKSPACES.require(uow, workspace_id)
        tag = uow.tags.add(workspace_id=workspace_id, slug=slug, name=data.name)
        uow.commit()
    return tag


def update_tag(uow: UnitOfWork, index: SearchIndex, tag_id: int, data: TagUpdate) -> Tag:
    """Rename a tag; documents carrying it are re-indexed because index bodies hold slugs."""
    with uow:
        before = TAGS.require(uow, tag_id)
        tag = TAGS.require_updated(uow, tag_id, changes_of(data))
        uow.commit()
        affected = []
        if tag.slug != before.slug:
            ids = uow.documents.ids_in_scope(tag_id=tag_id)
            affected = list(uow.documents.get_many(ids).values())
    if affected:
        index_after_commit(index, affected)
    return tag


def delete_tag(uow: UnitOfWork, tag_id: int) -> None:
    """Delete a tag that no document carries; refuse (Conflict) otherwise."""
    with uow:
        TAGS.require(uow, tag_id)
        in_use = uow.tags.usage_count(tag_id)
        if in_use:
            raise Conflict(
                "tag",
                f"the tag is attached to {in_use} document(s); remove it from them first",
            )
        deleted(uow.tags.delete(tag_id), "tag", tag_id)
        uow.commit()


get_tag = TAGS.get
list_tags = TAGS.list
