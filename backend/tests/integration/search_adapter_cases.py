"""Behaviour every search-engine adapter must show against a real server (shared by the
OpenSearch and Elasticsearch test modules, which provide the ``index`` fixture)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from catalog.domain.models import Document
from catalog.domain.search import SearchQuery, SortField
from catalog.ports import SearchIndex

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
