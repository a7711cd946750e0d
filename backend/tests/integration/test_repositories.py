"""SQLAlchemy repositories and unit of work against a real PostgreSQL (rolled back per test)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from catalog.adapters.db.uow import SqlAlchemyUnitOfWork
from catalog.domain.errors import Conflict, NotFound, ValidationFailed
from catalog.domain.models import Collection, DocumentScope, NewDocument, Tag, Workspace

pytestmark = pytest.mark.services("postgres")

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def _tags(uow: SqlAlchemyUnitOfWork, collection: Collection, *slugs: str) -> list[Tag]:
    """Add a tag for each of ``slugs`` to the workspace of ``collection``."""
    return [
        uow.tags.add(workspace_id=collection.workspace_id, slug=slug, name=slug.title())
        for slug in slugs
    ]


def test_a_workspace_round_trips_with_server_timestamps(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        created = uow.workspaces.add(slug="docs", name="Docs", description="All docs")
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.workspaces.get(created.id)

    assert loaded == created
    assert loaded.created_at.tzinfo is not None


def test_leaving_a_unit_of_work_without_commit_discards_its_writes(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        created = uow.workspaces.add(slug="temp", name="Temp", description="")
    with uow_factory() as uow:
        assert uow.workspaces.get(created.id) is None


def test_a_duplicate_workspace_slug_is_a_conflict(
    uow_factory: UowFactory, workspace: Workspace
) -> None:
    with uow_factory() as uow, pytest.raises(Conflict, match="slug"):
        uow.workspaces.add(slug=workspace.slug, name="Other", description="")


def test_a_conflict_leaves_the_unit_of_work_usable(
    uow_factory: UowFactory, workspace: Workspace
) -> None:
    with uow_factory() as uow:
        with pytest.raises(Conflict):
            uow.workspaces.add(slug=workspace.slug, name="Dup", description="")
        other = uow.workspaces.add(slug="other", name="Other", description="")
        uow.commit()
    with uow_factory() as uow:
        assert uow.workspaces.get(other.id) is not None


def test_the_database_rejects_a_malformed_slug(uow_factory: UowFactory) -> None:
    with uow_factory() as uow, pytest.raises(ValidationFailed, match="slug"):
        uow.workspaces.add(slug="Not A Slug", name="Bad", description="")


def test_listing_workspaces_pages_by_id(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        ids = [
            uow.workspaces.add(slug=f"ws-{i}", name=f"W{i}", description="").id for i in range(5)
        ]
        uow.commit()
    with uow_factory() as uow:
        first = uow.workspaces.list_after(after_id=None, limit=2)
        rest = uow.workspaces.list_after(after_id=first[-1].id, limit=10)

    assert [w.id for w in first + rest] == ids


def test_updating_a_workspace_changes_only_the_given_fields(
    uow_factory: UowFactory, workspace: Workspace
) -> None:
    with uow_factory() as uow:
        updated = uow.workspaces.update(workspace.id, {"name": "Renamed"})
        uow.commit()

    assert updated is not None
    assert (updated.name, updated.slug) == ("Renamed", workspace.slug)


def test_updating_a_missing_workspace_returns_none(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.workspaces.update(999_999, {"name": "x"}) is None


def test_collection_slugs_are_unique_per_workspace_only(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        a = uow.workspaces.add(slug="a", name="A", description="")
        b = uow.workspaces.add(slug="b", name="B", description="")
        uow.collections.add(workspace_id=a.id, slug="same", name="S", description="")
        uow.collections.add(workspace_id=b.id, slug="same", name="S", description="")
        with pytest.raises(Conflict):
            uow.collections.add(workspace_id=a.id, slug="same", name="S2", description="")


def test_a_collection_in_a_missing_workspace_is_not_found(uow_factory: UowFactory) -> None:
    with uow_factory() as uow, pytest.raises(NotFound):
        uow.collections.add(workspace_id=999_999, slug="c", name="C", description="")


def test_a_document_carries_its_tag_slugs_sorted(
    uow_factory: UowFactory, collection: Collection
) -> None:
    with uow_factory() as uow:
        zeta, alpha = _tags(uow, collection, "zeta", "alpha")
        guide = NewDocument("Guide", "text", (zeta.id, alpha.id))
        doc = uow.documents.add(collection=collection, document=guide)
        uow.commit()

    assert doc.tags == ("alpha", "zeta")
    assert doc.workspace_id == collection.workspace_id


def test_a_document_keeps_an_explicit_creation_time(
    uow_factory: UowFactory, collection: Collection
) -> None:
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    with uow_factory() as uow:
        doc = uow.documents.add(collection=collection, document=NewDocument("Old", "", (), when))

    assert doc.created_at == when


def test_a_blank_title_is_rejected_by_the_database(
    uow_factory: UowFactory, collection: Collection
) -> None:
    with uow_factory() as uow, pytest.raises(ValidationFailed, match="title"):
        uow.documents.add(collection=collection, document=NewDocument("   ", ""))


def test_a_tag_of_another_workspace_cannot_be_attached(
    uow_factory: UowFactory, collection: Collection
) -> None:
    with uow_factory() as uow:
        other = uow.workspaces.add(slug="elsewhere", name="Elsewhere", description="")
        foreign = uow.tags.add(workspace_id=other.id, slug="foreign", name="Foreign")
        uow.commit()
    with uow_factory() as uow, pytest.raises(Conflict):
        uow.documents.add(collection=collection, document=NewDocument("Doc", "", (foreign.id,)))


def test_updating_document_tags_replaces_them(
    uow_factory: UowFactory, collection: Collection
) -> None:
    with uow_factory() as uow:
        one, two = _tags(uow, collection, "one", "two")
        doc = uow.documents.add(collection=collection, document=NewDocument("Doc", "", (one.id,)))
        updated = uow.documents.update(doc.id, {"title": "New"}, tag_ids=[two.id])
        uow.commit()

    assert updated is not None
    assert (updated.title, updated.tags) == ("New", ("two",))


def test_documents_in_scope_filter_by_workspace_collection_and_tag(
    uow_factory: UowFactory, collection: Collection
) -> None:
    with uow_factory() as uow:
        [tag] = _tags(uow, collection, "t")
        tagged = uow.documents.add(collection=collection, document=NewDocument("A", "", (tag.id,)))
        plain = uow.documents.add(collection=collection, document=NewDocument("B", ""))
        uow.commit()
    with uow_factory() as uow:
        assert uow.documents.ids_in_scope(DocumentScope(collection_id=collection.id)) == [
            tagged.id,
            plain.id,
        ]
        assert uow.documents.ids_in_scope(DocumentScope(tag_id=tag.id)) == [tagged.id]
        assert uow.documents.ids_in_scope(DocumentScope(workspace_id=999_999)) == []


def test_a_savepoint_undoes_only_the_work_inside_it(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        kept = uow.workspaces.add(slug="kept", name="Kept", description="")

        def fail_in_savepoint() -> None:
            with uow.savepoint():
                uow.workspaces.add(slug="undone", name="Undone", description="")
                raise RuntimeError("abort the savepoint")

        with pytest.raises(RuntimeError):
            fail_in_savepoint()
        uow.commit()
    with uow_factory() as uow:
        slugs = [w.slug for w in uow.workspaces.list_after(after_id=None, limit=10)]
    assert slugs == [kept.slug]
