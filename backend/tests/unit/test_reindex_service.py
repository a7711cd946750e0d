from __future__ import annotations

from dataclasses import replace

import pytest

from catalog.services.reindex import reindex


def test_reindex_rebuilds_the_index_from_the_store(uow_factory, seed, fake_index) -> None:
    collection = seed.collection(seed.workspace())
    documents = [seed.document(collection, title=f"Doc {i}") for i in range(5)]
    fake_index.documents.clear()
    assert reindex(uow_factory, fake_index, batch_size=2) == 5
    assert set(fake_index.documents) == {document.id for document in documents}


def test_reindex_drops_entries_the_store_no_longer_has(uow_factory, seed, fake_index) -> None:
    document = seed.document(seed.collection(seed.workspace()))
    fake_index.index_documents([replace(document, id=999)])
    reindex(uow_factory, fake_index)
    assert 999 not in fake_index.documents
    assert fake_index.recreated == 1


def test_reindex_of_an_empty_store_leaves_an_empty_index(uow_factory, fake_index) -> None:
    assert reindex(uow_factory, fake_index) == 0
    assert fake_index.documents == {}


def test_reindex_batch_size_must_be_positive(uow_factory, fake_index) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        reindex(uow_factory, fake_index, batch_size=0)
