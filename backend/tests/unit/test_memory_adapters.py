"""The in-memory fakes must behave like the database where the use cases rely on it."""

from __future__ import annotations

import pytest

from catalog.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from catalog.domain.errors import Conflict
from catalog.domain.models import Collection, DocumentScope, NewDocument, Tag


def test_changes_are_invisible_to_others_until_commit(store: InMemoryStore) -> None:
    with InMemoryUnitOfWork(store) as writer:
        writer.workspaces.add(slug="a", name="A", description="")
        with InMemoryUnitOfWork(store) as reader:
            assert reader.workspaces.list_after(after_id=None, limit=5) == []
        writer.commit()
    with InMemoryUnitOfWork(store) as reader:
        assert len(reader.workspaces.list_after(after_id=None, limit=5)) == 1


def test_leaving_without_commit_discards_changes(store: InMemoryStore) -> None:
    with InMemoryUnitOfWork(store) as uow:
        uow.workspaces.add(slug="a", name="A", description="")
    with InMemoryUnitOfWork(store) as uow:
        assert uow.workspaces.get(1) is None


def test_savepoint_undoes_only_the_failed_part(store: InMemoryStore) -> None:
    with InMemoryUnitOfWork(store) as uow:
        uow.workspaces.add(slug="kept", name="Kept", description="")
        with pytest.raises(Conflict), uow.savepoint():  # noqa: PT012 - the savepoint is the subject
            uow.workspaces.add(slug="dropped", name="Dropped", description="")
            uow.workspaces.add(slug="kept", name="Again", description="")
        uow.commit()
    with InMemoryUnitOfWork(store) as uow:
        assert [w.slug for w in uow.workspaces.list_after(after_id=None, limit=5)] == ["kept"]


def test_commit_error_leaves_the_store_unchanged(store: InMemoryStore) -> None:
    store.commit_error = RuntimeError("disk full")
    with InMemoryUnitOfWork(store) as uow:
        uow.workspaces.add(slug="a", name="A", description="")
        with pytest.raises(RuntimeError):
            uow.commit()
    assert store.state.workspaces == {}


def _collection_and_tag(uow: InMemoryUnitOfWork) -> tuple[Collection, Tag]:
    """A collection and a tag in one new workspace, for tests about tag links."""
    workspace = uow.workspaces.add(slug="w", name="W", description="")
    collection = uow.collections.add(workspace_id=workspace.id, slug="c", name="C", description="")
    return collection, uow.tags.add(workspace_id=workspace.id, slug="t", name="T")


def test_deleting_a_tag_in_use_is_refused_like_the_restrict_key(store: InMemoryStore) -> None:
    with InMemoryUnitOfWork(store) as uow:
        collection, tag = _collection_and_tag(uow)
        uow.documents.add(collection=collection, document=NewDocument("D", "", (tag.id,)))
        with pytest.raises(Conflict):
            uow.tags.delete(tag.id)


def test_linking_a_tag_from_another_workspace_is_refused(store: InMemoryStore) -> None:
    with InMemoryUnitOfWork(store) as uow:
        mine = uow.workspaces.add(slug="m", name="M", description="")
        theirs = uow.workspaces.add(slug="t", name="T", description="")
        collection = uow.collections.add(workspace_id=mine.id, slug="c", name="C", description="")
        foreign = uow.tags.add(workspace_id=theirs.id, slug="x", name="X")
        with pytest.raises(ValueError, match="not in workspace"):
            uow.documents.add(collection=collection, document=NewDocument("D", "", (foreign.id,)))


def test_ids_in_scope_filters_by_tag(store: InMemoryStore) -> None:
    with InMemoryUnitOfWork(store) as uow:
        collection, tag = _collection_and_tag(uow)
        tagged = uow.documents.add(collection=collection, document=NewDocument("A", "", (tag.id,)))
        uow.documents.add(collection=collection, document=NewDocument("B", ""))
        assert uow.documents.ids_in_scope(DocumentScope(tag_id=tag.id)) == [tagged.id]


def test_unknown_update_or_delete_targets_report_absence(store: InMemoryStore) -> None:
    with InMemoryUnitOfWork(store) as uow:
        assert uow.workspaces.update(1, {"name": "x"}) is None
        assert uow.collections.update(1, {"name": "x"}) is None
        assert uow.tags.update(1, {"name": "x"}) is None
        assert uow.documents.update(1, {"title": "x"}) is None
        assert not uow.workspaces.delete(1)
        assert not uow.collections.delete(1)
        assert not uow.documents.delete(1)
