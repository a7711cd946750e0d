from __future__ import annotations

import pytest

from catalog.domain.errors import NotFound
from catalog.domain.inputs import CollectionCreate, CollectionUpdate
from catalog.services import collections


def test_the_same_slug_is_fine_in_another_workspace(uow_factory, seed) -> None:
    seed.collection(seed.workspace(name="A"), "Docs")
    other = collections.create_collection(
        uow_factory(), seed.workspace(name="B").id, CollectionCreate(name="Docs")
    )
    assert other.slug == "docs"


def test_list_only_shows_the_workspace_collections(uow_factory, seed, cursors) -> None:
    mine = seed.workspace(name="Mine")
    seed.collection(seed.workspace(name="Theirs"), "Elsewhere")
    own = seed.collection(mine, "Here")
    page = collections.list_collections(uow_factory(), cursors, mine.id, cursor=None, limit=10)
    assert page.items == [own]
    assert page.next_cursor is None


def test_list_of_missing_workspace_is_not_found(uow_factory, cursors) -> None:
    with pytest.raises(NotFound):
        collections.list_collections(uow_factory(), cursors, 7, cursor=None, limit=10)


def test_update_renames_the_collection(uow_factory, seed) -> None:
    collection = seed.collection(seed.workspace())
    updated = collections.update_collection(
        uow_factory(), collection.id, CollectionUpdate(name="Renamed")
    )
    assert updated.name == "Renamed"
    assert collections.get_collection(uow_factory(), collection.id).name == "Renamed"


def test_get_and_update_of_missing_collection_are_not_found(uow_factory) -> None:
    with pytest.raises(NotFound):
        collections.get_collection(uow_factory(), 3)
    with pytest.raises(NotFound):
        collections.update_collection(uow_factory(), 3, CollectionUpdate(name="x"))


def test_delete_removes_documents_from_store_and_index(uow_factory, seed, fake_index) -> None:
    collection = seed.collection(seed.workspace())
    document = seed.document(collection)
    collections.delete_collection(uow_factory(), fake_index, collection.id)
    with uow_factory() as uow:
        assert uow.documents.get(document.id) is None
    assert document.id not in fake_index.documents


def test_delete_missing_collection_is_not_found(uow_factory, fake_index) -> None:
    with pytest.raises(NotFound):
        collections.delete_collection(uow_factory(), fake_index, 12)
