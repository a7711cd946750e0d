"""In-memory SearchIndex: the search fake for unit and contract tests (see ``memory``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from catalog.domain.errors import InvalidCursor
from catalog.domain.models import Document
from catalog.domain.search import Position, SearchHit, SearchPage, SearchQuery, SortField, SortOrder

_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


class InMemorySearchIndex:
    """A naive but faithful SearchIndex: AND of words, title weighted, keyset pagination."""

    backend = "memory"

    def __init__(self) -> None:
        self.documents: dict[int, Document] = {}
        self.recreated = 0
        # Raised by every call while set, to simulate the engine being down.
        self.error: Exception | None = None

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def ensure_index(self) -> None:
        self._check()

    def recreate(self) -> None:
        self._check()
        self.documents.clear()
        self.recreated += 1

    def index_documents(self, documents: Sequence[Document]) -> None:
        self._check()
        for document in documents:
            self.documents[document.id] = document

    def delete_documents(self, document_ids: Sequence[int]) -> None:
        self._check()
        for document_id in document_ids:
            self.documents.pop(document_id, None)

    @staticmethod
    def _score(query: SearchQuery, document: Document) -> float:
        title, body = _words(document.title), _words(document.body)
        terms = _words(query.text or "")
        if not all(term in title or term in body for term in terms):
            return 0.0
        return float(sum(2 * title.count(term) + body.count(term) for term in terms))

    def _matches(self, query: SearchQuery, document: Document) -> bool:
        return (
            (query.workspace_id is None or document.workspace_id == query.workspace_id)
            and (query.collection_id is None or document.collection_id == query.collection_id)
            and set(query.tags) <= set(document.tags)
            and (query.created_from is None or document.created_at >= query.created_from)
            and (query.created_to is None or document.created_at <= query.created_to)
            and (not query.has_text or self._score(query, document) > 0)
        )

    def _position(self, query: SearchQuery, document: Document) -> Position:
        match query.effective_sort:
            case SortField.RELEVANCE:
                return (self._score(query, document), document.id)
            case SortField.TITLE:
                return (document.title, document.id)
            case SortField.CREATED_AT:
                return (document.created_at.isoformat(), document.id)

    def search(self, query: SearchQuery) -> SearchPage:
        self._check()
        descending = query.effective_order is SortOrder.DESC
        ranked = sorted(
            (
                (self._position(query, document), document)
                for document in self.documents.values()
                if self._matches(query, document)
            ),
            key=lambda pair: pair[0],  # type: ignore[arg-type, return-value]
            reverse=descending,
        )
        if query.after is not None:
            after = query.after
            if len(after) != 2:
                raise InvalidCursor("cursor does not fit this sort order")
            ranked = [
                pair
                for pair in ranked
                if (pair[0] < after if descending else pair[0] > after)  # type: ignore[operator]
            ]
        window = ranked[: query.limit + 1]
        visible = window[: query.limit]
        hits = [
            SearchHit(
                document_id=document.id,
                score=self._score(query, document) if query.has_text else None,
            )
            for _, document in visible
        ]
        next_after = visible[-1][0] if len(window) > query.limit and visible else None
        return SearchPage(hits=hits, next_after=next_after)

    def close(self) -> None:
        """Nothing to release."""
