"""Behaviour every search-engine adapter must show (shared by the OpenSearch and Elasticsearch
test modules): against a real server (they provide the ``index`` fixture), and when the cluster
is unreachable (they provide ``unreachable_index``, which needs no server)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest

from catalog.domain.errors import ServiceUnavailable
from catalog.domain.models import Document
from catalog.domain.search import SearchQuery, SortField
from catalog.ports import SearchIndex

IndexT = TypeVar("IndexT", bound=SearchIndex)

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def doc(
    doc_id: int, title: str, *, body: str = "", workspace: int = 1, tags: tuple[str, ...] = ()
) -> Document:
    when = T0 + timedelta(days=doc_id)
    return Document(doc_id, workspace, 10 * workspace, title, body, tags, when, when)


CORPUS = [
    doc(1, "Tuning PostgreSQL", body="vacuum", tags=("howto",)),
    doc(2, "Database notes", body="postgresql replication", tags=("ops",)),
    doc(3, "Coffee", body="descaling"),
    doc(4, "PostgreSQL elsewhere", workspace=2),
]


def recreated(adapter: IndexT) -> Iterator[IndexT]:
    """An ``index`` fixture body: a fresh index for the test, emptied again afterwards."""
    adapter.recreate()
    yield adapter
    adapter.recreate()
    adapter.close()


def closed_after(adapter: IndexT) -> Iterator[IndexT]:
    """An ``unreachable_index`` fixture body: the adapter as is, its client closed afterwards."""
    yield adapter
    adapter.close()


def unused_local_url() -> str:
    """An address on this machine where nothing listens (the port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


class UnreachableClusterCases:
    def test_an_unreachable_cluster_is_reported_as_search_unavailable_on_search(
        self, unreachable_index: SearchIndex
    ) -> None:
        with pytest.raises(ServiceUnavailable) as excinfo:
            unreachable_index.search(SearchQuery(text="x"))
        assert excinfo.value.service == "search"

    def test_an_unreachable_cluster_is_reported_as_search_unavailable_on_write(
        self, unreachable_index: SearchIndex
    ) -> None:
        with pytest.raises(ServiceUnavailable):
            unreachable_index.index_documents(CORPUS)


class SearchAdapterCases:
    def test_ensure_index_is_idempotent(self, index: SearchIndex) -> None:
        index.ensure_index()
        index.ensure_index()

    def test_indexed_documents_are_found_by_text_with_title_hits_first(
        self, index: SearchIndex
    ) -> None:
        index.index_documents(CORPUS)

        hits = index.search(SearchQuery(text="postgresql", workspace_id=1)).hits

        assert [h.document_id for h in hits] == [1, 2]

    def test_tag_filters_apply(self, index: SearchIndex) -> None:
        index.index_documents(CORPUS)

        hits = index.search(SearchQuery(tags=("ops",))).hits

        assert [h.document_id for h in hits] == [2]

    def test_deleted_documents_are_no_longer_found(self, index: SearchIndex) -> None:
        index.index_documents(CORPUS)
        index.delete_documents([1, 2])

        assert index.search(SearchQuery(text="postgresql", workspace_id=1)).hits == []

    def test_recreate_leaves_an_empty_index(self, index: SearchIndex) -> None:
        index.index_documents(CORPUS)
        index.recreate()

        assert list(index.search(SearchQuery()).hits) == []

    def test_keyset_pages_cover_every_document_once(self, index: SearchIndex) -> None:
        index.index_documents(CORPUS)
        query = SearchQuery(sort=SortField.CREATED_AT, limit=1)
        seen: list[int] = []
        while True:
            page = index.search(query)
            seen += [h.document_id for h in page.hits]
            if page.next_after is None:
                break
            query = replace(query, after=page.next_after)

        assert seen == [4, 3, 2, 1]
