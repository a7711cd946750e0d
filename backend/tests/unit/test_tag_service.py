from __future__ import annotations

import pytest

from catalog.domain.errors import Conflict, NotFound
from catalog.domain.inputs import TagUpdate
from catalog.services import tags


def test_deleting_an_unused_tag_removes_it(uow_factory, seed) -> None:
    tag = seed.tag(seed.workspace())
    tags.delete_tag(uow_factory(), tag.id)
    with pytest.raises(NotFound):
        tags.get_tag(uow_factory(), tag.id)


def test_deleting_a_tag_in_use_is_refused_and_says_how_many_documents(uow_factory, seed) -> None:
    workspace = seed.workspace()
    tag = seed.tag(workspace, "Urgent")
    collection = seed.collection(workspace)
    seed.document(collection, tag_slugs=("urgent",))
    seed.document(collection, title="Second", tag_slugs=("urgent",))
    with pytest.raises(Conflict, match="2 document"):
        tags.delete_tag(uow_factory(), tag.id)
    assert tags.get_tag(uow_factory(), tag.id) == tag


def test_deleting_a_missing_tag_is_not_found(uow_factory) -> None:
    with pytest.raises(NotFound):
        tags.delete_tag(uow_factory(), 8)


def test_renaming_a_tag_slug_reindexes_documents_carrying_it(uow_factory, seed, fake_index) -> None:
    workspace = seed.workspace()
    tag = seed.tag(workspace, "Urgent")
    document = seed.document(seed.collection(workspace), tag_slugs=("urgent",))
    tags.update_tag(uow_factory(), fake_index, tag.id, TagUpdate(slug="critical"))
    assert fake_index.documents[document.id].tags == ("critical",)


def test_renaming_only_the_display_name_leaves_the_index_alone(
    uow_factory, seed, fake_index
) -> None:
    workspace = seed.workspace()
    tag = seed.tag(workspace, "Urgent")
    document = seed.document(seed.collection(workspace), tag_slugs=("urgent",))
    fake_index.documents.clear()
    tags.update_tag(uow_factory(), fake_index, tag.id, TagUpdate(name="Very urgent"))
    assert document.id not in fake_index.documents


def test_updating_a_missing_tag_is_not_found(uow_factory, fake_index) -> None:
    with pytest.raises(NotFound):
        tags.update_tag(uow_factory(), fake_index, 5, TagUpdate(name="x"))


def test_list_tags_pages_by_cursor(uow_factory, seed, cursors) -> None:
    workspace = seed.workspace()
    created = [seed.tag(workspace, f"Tag {i}") for i in range(3)]
    first = tags.list_tags(uow_factory(), cursors, workspace.id, cursor=None, limit=2)
    second = tags.list_tags(uow_factory(), cursors, workspace.id, cursor=first.next_cursor, limit=2)
    assert first.items + second.items == created
    assert second.next_cursor is None


def test_list_tags_of_missing_workspace_is_not_found(uow_factory, cursors) -> None:
    with pytest.raises(NotFound):
        tags.list_tags(uow_factory(), cursors, 77, cursor=None, limit=2)
