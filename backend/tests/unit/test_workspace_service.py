from __future__ import annotations

import pytest

from catalog.adapters.memory import InMemorySearchIndex
from catalog.domain.cursors import CursorCodec
from catalog.domain.errors import Conflict, InvalidCursor, NotFound, ValidationFailed
from catalog.domain.inputs import WorkspaceCreate, WorkspaceUpdate
from catalog.services import workspaces


def test_create_derives_the_slug_from_the_name(uow_factory) -> None:
    workspace = workspaces.create_workspace(uow_factory(), WorkspaceCreate(name="Research Lab"))
    assert workspace.slug == "research-lab"


def test_create_persists_the_workspace(uow_factory) -> None:
    created = workspaces.create_workspace(uow_factory(), WorkspaceCreate(name="Acme"))
    assert workspaces.get_workspace(uow_factory(), created.id) == created


def test_duplicate_slug_is_a_conflict(uow_factory, seed) -> None:
    seed.workspace(name="Acme")
    with pytest.raises(Conflict) as raised:
        workspaces.create_workspace(uow_factory(), WorkspaceCreate(name="ACME!"))
    assert raised.value.field == "slug"


def test_get_missing_workspace_is_not_found(uow_factory) -> None:
    with pytest.raises(NotFound):
        workspaces.get_workspace(uow_factory(), 404)


def test_update_changes_only_the_given_fields(uow_factory, seed) -> None:
    workspace = seed.workspace(name="Acme")
    updated = workspaces.update_workspace(
        uow_factory(), workspace.id, WorkspaceUpdate(description="New text")
    )
    assert (updated.name, updated.description) == ("Acme", "New text")
    assert updated.updated_at > workspace.updated_at


def test_update_to_a_taken_slug_is_a_conflict_and_changes_nothing(uow_factory, seed) -> None:
    seed.workspace(name="Acme")
    other = seed.workspace(name="Beta")
    with pytest.raises(Conflict):
        workspaces.update_workspace(uow_factory(), other.id, WorkspaceUpdate(slug="acme"))
    assert workspaces.get_workspace(uow_factory(), other.id).slug == "beta"


def test_update_missing_workspace_is_not_found(uow_factory) -> None:
    with pytest.raises(NotFound):
        workspaces.update_workspace(uow_factory(), 5, WorkspaceUpdate(name="x"))


def test_delete_cascades_to_everything_the_workspace_owns(uow_factory, seed, fake_index) -> None:
    workspace = seed.workspace()
    collection = seed.collection(workspace)
    seed.tag(workspace, "Urgent")
    document = seed.document(collection, tag_slugs=("urgent",))
    workspaces.delete_workspace(uow_factory(), fake_index, workspace.id)
    with uow_factory() as uow:
        assert uow.collections.get(collection.id) is None
        assert uow.documents.get(document.id) is None
        assert uow.tags.list_after(workspace.id, after_id=None, limit=10) == []


def test_delete_removes_the_workspace_documents_from_the_index(
    uow_factory, seed, fake_index: InMemorySearchIndex
) -> None:
    workspace = seed.workspace()
    kept = seed.document(seed.collection(seed.workspace(name="Other")))
    gone = seed.document(seed.collection(workspace))
    workspaces.delete_workspace(uow_factory(), fake_index, workspace.id)
    assert gone.id not in fake_index.documents
    assert set(fake_index.documents) == {kept.id}


def test_delete_missing_workspace_is_not_found(uow_factory, fake_index) -> None:
    with pytest.raises(NotFound):
        workspaces.delete_workspace(uow_factory(), fake_index, 1)


def test_list_pages_through_all_workspaces_by_cursor(uow_factory, seed, cursors) -> None:
    created = [seed.workspace(name=f"Team {i}") for i in range(5)]
    seen, cursor = [], None
    while True:
        page = workspaces.list_workspaces(uow_factory(), cursors, cursor=cursor, limit=2)
        seen.extend(page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == created


def test_list_rejects_a_cursor_from_another_listing(
    uow_factory, seed, cursors: CursorCodec
) -> None:
    foreign = cursors.encode([1], "list:tags:1")
    with pytest.raises(InvalidCursor):
        workspaces.list_workspaces(uow_factory(), cursors, cursor=foreign, limit=2)


def test_list_rejects_an_out_of_range_limit(uow_factory, cursors) -> None:
    with pytest.raises(ValidationFailed) as raised:
        workspaces.list_workspaces(uow_factory(), cursors, cursor=None, limit=0)
    assert raised.value.field == "limit"
