"""Search use case: query the index, then load the hits from PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, replace

from catalog.domain.cursors import CursorCodec
from catalog.domain.models import Document
from catalog.domain.search import SearchQuery
from catalog.ports import SearchIndex, UnitOfWork


@dataclass(frozen=True, slots=True)
class SearchResultItem:
    document: Document
    score: float | None


@dataclass(frozen=True, slots=True)
class SearchResult:
    items: list[SearchResultItem]
    next_cursor: str | None


def search_documents(
    uow: UnitOfWork,
    index: SearchIndex,
    cursors: CursorCodec,
    query: SearchQuery,
    cursor: str | None = None,
) -> SearchResult:
    fingerprint = query.fingerprint(index.backend)
    if cursor is not None:
        query = replace(query, after=cursors.decode(cursor, fingerprint))
    page = index.search(query)
    with uow:
        documents = uow.documents.get_many([hit.document_id for hit in page.hits])
    # Hits the index still knows but the database no longer has (a lagging index) are dropped;
    # the database is authoritative.
    items = [
        SearchResultItem(document=documents[hit.document_id], score=hit.score)
        for hit in page.hits
        if hit.document_id in documents
    ]
    next_cursor = None
    if page.next_after is not None:
        next_cursor = cursors.encode(page.next_after, fingerprint)
    return SearchResult(items=items, next_cursor=next_cursor)
