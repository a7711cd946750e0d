from __future__ import annotations

from datetime import UTC, datetime

import pytest

from catalog.adapters.memory import InMemorySearchIndex
from catalog.domain.errors import NotFound, ServiceUnavailable, ValidationFailed
from catalog.domain.inputs import DocumentCreate, DocumentUpdate
from catalog.ports import SearchIndexError
from catalog.services import documents


def test_create_stores_the_document_with_its_tags(uow_factory, seed, fake_index) -> None:
    workspace = seed.workspace()
    seed.tag(workspace, "Urgent")
    seed.tag(workspace, "Finance")
    collection = seed.collection(workspace)
    document = documents.create_document(
        uow_factory(),
        fake_index,
        collection.id,
        DocumentCreate(title="Budget", tags=["urgent", "finance", "urgent"]),
    )
    assert document.tags == ("finance", "urgent")
    assert document.workspace_id == workspace.id


def test_create_indexes_the_document(uow_factory, seed, fake_index) -> None:
    document = seed.document(seed.collection(seed.workspace()))
    assert fake_index.documents[document.id] == document


def test_create_keeps_an_explicit_creation_time(seed) -> None:
    created = datetime(2001, 2, 3, tzinfo=UTC)
    document = seed.document(seed.collection(seed.workspace()), created_at=created)
    assert document.created_at == created


def test_unknown_tags_are_a_validation_error_on_tags(uow_factory, seed, fake_index) -> None:
    collection = seed.collection(seed.workspace())
    with pytest.raises(ValidationFailed) as raised:
        documents.create_document(
            uow_factory(), fake_index, collection.id, DocumentCreate(title="x", tags=["nope"])
        )
    assert (raised.value.field, "nope" in raised.value.message) == ("tags", True)


def test_tags_of_another_workspace_cannot_be_used(uow_factory, seed, fake_index) -> None:
    seed.tag(seed.workspace(name="Other"), "Urgent")
    collection = seed.collection(seed.workspace(name="Mine"))
    with pytest.raises(ValidationFailed):
        documents.create_document(
            uow_factory(), fake_index, collection.id, DocumentCreate(title="x", tags=["urgent"])
        )


def test_create_in_missing_collection_is_not_found(uow_factory, fake_index) -> None:
    with pytest.raises(NotFound):
        documents.create_document(uow_factory(), fake_index, 3, DocumentCreate(title="x"))


def test_index_outage_does_not_fail_a_committed_write(
    uow_factory, seed, fake_index: InMemorySearchIndex, caplog: pytest.LogCaptureFixture
) -> None:
    collection = seed.collection(seed.workspace())
    fake_index.error = ServiceUnavailable("search", "down")
    document = documents.create_document(
        uow_factory(), fake_index, collection.id, DocumentCreate(title="Saved anyway")
    )
    assert documents.get_document(uow_factory(), document.id) == document
    assert "run reindex" in caplog.text


def test_index_refusing_a_write_is_logged_not_raised(
    uow_factory, seed, fake_index: InMemorySearchIndex, caplog: pytest.LogCaptureFixture
) -> None:
    document = seed.document(seed.collection(seed.workspace()))
    fake_index.error = SearchIndexError("mapping conflict")
    documents.delete_document(uow_factory(), fake_index, document.id)
    assert "still holds deleted documents" in caplog.text


def test_update_replaces_tags_only_when_given(uow_factory, seed, fake_index) -> None:
    workspace = seed.workspace()
    seed.tag(workspace, "Urgent")
    document = seed.document(seed.collection(workspace), tag_slugs=("urgent",))
    retitled = documents.update_document(
        uow_factory(), fake_index, document.id, DocumentUpdate(title="New")
    )
    assert retitled.tags == ("urgent",)
    untagged = documents.update_document(
        uow_factory(), fake_index, document.id, DocumentUpdate(tags=[])
    )
    assert untagged.tags == ()
    assert fake_index.documents[document.id].tags == ()


def test_update_missing_document_is_not_found(uow_factory, fake_index) -> None:
    with pytest.raises(NotFound):
        documents.update_document(uow_factory(), fake_index, 1, DocumentUpdate(title="x"))


def test_delete_removes_from_store_and_index(uow_factory, seed, fake_index) -> None:
    document = seed.document(seed.collection(seed.workspace()))
    documents.delete_document(uow_factory(), fake_index, document.id)
    assert document.id not in fake_index.documents
    with pytest.raises(NotFound):
        documents.get_document(uow_factory(), document.id)


def test_delete_missing_document_is_not_found(uow_factory, fake_index) -> None:
    with pytest.raises(NotFound):
        documents.delete_document(uow_factory(), fake_index, 1)


def test_list_documents_pages_in_id_order(uow_factory, seed, cursors) -> None:
    collection = seed.collection(seed.workspace())
    created = [seed.document(collection, title=f"Doc {i}") for i in range(3)]
    first = documents.list_documents(uow_factory(), cursors, collection.id, cursor=None, limit=2)
    rest = documents.list_documents(
        uow_factory(), cursors, collection.id, cursor=first.next_cursor, limit=2
    )
    assert first.items + rest.items == created


def test_list_documents_of_missing_collection_is_not_found(uow_factory, cursors) -> None:
    with pytest.raises(NotFound):
        documents.list_documents(uow_factory(), cursors, 4, cursor=None, limit=2)
