"""Tag use cases."""

from __future__ import annotations

from catalog.domain.errors import Conflict
from catalog.domain.inputs import TagCreate, TagUpdate, changes_of
from catalog.domain.models import DocumentScope, Tag
from catalog.domain.slugs import resolve_slug
from catalog.ports import SearchIndex, UnitOfWork
from catalog.services.common import index_after_commit
from catalog.services.crud import Child, found, tags_of, workspaces_of


def create_tag(uow: UnitOfWork, workspace_id: int, data: TagCreate) -> Tag:
    slug = resolve_slug(data.slug, data.name)
    with uow:
        found(uow.workspaces.get(workspace_id), "workspace", workspace_id)
        tag = uow.tags.add(workspace_id=workspace_id, slug=slug, name=data.name)
        uow.commit()
    return tag


_TAGS: Child[Tag] = Child(tags_of, "tag", "tags", parent=(workspaces_of, "workspace"))
get_tag = _TAGS.get
list_tags = _TAGS.page


def update_tag(uow: UnitOfWork, index: SearchIndex, tag_id: int, data: TagUpdate) -> Tag:
    """Rename a tag; documents carrying it are re-indexed because index bodies hold slugs."""
    with uow:
        before = found(uow.tags.get(tag_id), "tag", tag_id)
        # Found above, so only a concurrent delete inside our transaction could make this fail.
        tag = found(uow.tags.update(tag_id, changes_of(data)), "tag", tag_id)
        uow.commit()
        affected = []
        if tag.slug != before.slug:
            ids = uow.documents.ids_in_scope(DocumentScope(tag_id=tag_id))
            affected = list(uow.documents.get_many(ids).values())
    if affected:
        index_after_commit(index, affected)
    return tag


def delete_tag(uow: UnitOfWork, tag_id: int) -> None:
    """Delete a tag that no document carries; refuse (Conflict) otherwise."""
    with uow:
        found(uow.tags.get(tag_id), "tag", tag_id)
        in_use = uow.tags.usage_count(tag_id)
        if in_use:
            raise Conflict(
                "tag",
                f"the tag is attached to {in_use} document(s); remove it from them first",
            )
        uow.tags.delete(tag_id)
        uow.commit()
