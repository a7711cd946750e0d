"""PostgreSQL full-text search over the generated ``documents.search_vector`` column.

The database is both the record and the index here, so the write-side methods are no-ops: the
generated column changes in the same transaction as the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Engine,
    Select,
    String,
    cast,
    func,
    literal,
    null,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import REAL, REGCONFIG

from catalog.adapters.db.orm import TEXT_SEARCH_CONFIG, DocumentRow, TagRow, document_tags
from catalog.domain.errors import InvalidCursor
from catalog.domain.models import Document
from catalog.domain.search import (
    Position,
    SearchHit,
    SearchPage,
    SearchQuery,
    SortField,
    SortOrder,
)


def _ts_query(text: str) -> ColumnElement[object]:
    # websearch syntax: quoted phrases, "or", and -exclusions; never raises on user input.
    return func.websearch_to_tsquery(cast(literal(TEXT_SEARCH_CONFIG), REGCONFIG), text)


def _rank(query: SearchQuery) -> ColumnElement[float]:
    return func.ts_rank(DocumentRow.search_vector, _ts_query(query.text or ""))


def _sort_key(query: SearchQuery) -> ColumnElement[object]:
    match query.effective_sort:
        case SortField.RELEVANCE:
            return _rank(query)
        case SortField.TITLE:
            return DocumentRow.title
        case SortField.CREATED_AT:
            return DocumentRow.created_at


def _position_values(query: SearchQuery, after: Position) -> tuple[object, int]:
    if len(after) != 2 or not isinstance(after[1], int):
        raise InvalidCursor("cursor does not fit this sort order")
    key, last_id = after
    try:
        match query.effective_sort:
            case SortField.RELEVANCE:
                return float(key), last_id  # type: ignore[arg-type]
            case SortField.TITLE:
                if not isinstance(key, str):
                    raise InvalidCursor("cursor does not fit this sort order")
                return key, last_id
            case SortField.CREATED_AT:
                return datetime.fromisoformat(str(key)), last_id
    except (TypeError, ValueError):
        raise InvalidCursor("cursor does not fit this sort order") from None


def _typed_boundary(sort: SortField, key: object) -> ColumnElement[object]:
    if sort is SortField.RELEVANCE:
        # ts_rank yields float4; comparing as float8 would make the boundary row reappear.
        return cast(literal(key), REAL)
    if sort is SortField.CREATED_AT:
        return literal(key, DateTime(timezone=True))
    return literal(key, String)


def build_search_statement(query: SearchQuery) -> Select[tuple[int, float | None, object]]:
    """The keyset-paginated search as one SELECT (pure; compile it to inspect the SQL).

    Rows are (document id, relevance or NULL, sort key); one extra row is fetched so the caller
    knows whether another page exists.
    """
    sort_key = _sort_key(query)
    score: ColumnElement[float | None] = _rank(query) if query.has_text else null()
    stmt = select(DocumentRow.id, score.label("score"), sort_key.label("sort_key")).select_from(
        DocumentRow
    )
    if query.has_text:
        stmt = stmt.where(DocumentRow.search_vector.op("@@")(_ts_query(query.text or "")))
    if query.workspace_id is not None:
        stmt = stmt.where(DocumentRow.workspace_id == query.workspace_id)
    if query.collection_id is not None:
        stmt = stmt.where(DocumentRow.collection_id == query.collection_id)
    if query.created_from is not None:
        stmt = stmt.where(DocumentRow.created_at >= query.created_from)
    if query.created_to is not None:
        stmt = stmt.where(DocumentRow.created_at <= query.created_to)
    tags = query.normalized_tags
    if tags:
        # Documents carrying every requested tag: count distinct matches per document.
        tagged = (
            select(document_tags.c.document_id)
            .join(TagRow, TagRow.id == document_tags.c.tag_id)
            .where(TagRow.slug.in_(tags))
            .group_by(document_tags.c.document_id)
            .having(func.count(TagRow.slug.distinct()) == len(tags))
        )
        stmt = stmt.where(DocumentRow.id.in_(tagged))
    descending = query.effective_order is SortOrder.DESC
    if query.after is not None:
        key, last_id = _position_values(query, query.after)
        # Row comparison keeps the keyset exact for ties on the sort key.
        position = tuple_(sort_key, DocumentRow.id)
        boundary = tuple_(_typed_boundary(query.effective_sort, key), literal(last_id, BigInteger))
        stmt = stmt.where(position < boundary if descending else position > boundary)
    if descending:
        stmt = stmt.order_by(sort_key.desc(), DocumentRow.id.desc())
    else:
        stmt = stmt.order_by(sort_key.asc(), DocumentRow.id.asc())
    return stmt.limit(query.limit + 1)


def _position_of(sort: SortField, sort_key: object, document_id: int) -> Position:
    if sort is SortField.CREATED_AT and isinstance(sort_key, datetime):
        return (sort_key.isoformat(), document_id)
    if sort is SortField.RELEVANCE:
        return (float(sort_key), document_id)  # type: ignore[arg-type]
    return (str(sort_key), document_id)


def page_from_rows(
    query: SearchQuery, rows: Sequence[tuple[int, float | None, object]]
) -> SearchPage:
    visible = rows[: query.limit]
    hits = [
        SearchHit(document_id=row[0], score=None if row[1] is None else float(row[1]))
        for row in visible
    ]
    next_after = None
    if len(rows) > query.limit and visible:
        last = visible[-1]
        next_after = _position_of(query.effective_sort, last[2], last[0])
    return SearchPage(hits=hits, next_after=next_after)


class PostgresSearchIndex:
    backend = "postgres"

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def ensure_index(self) -> None:
        """The GIN index is created by migration 0002."""

    def recreate(self) -> None:
        """Nothing to rebuild: the vector is a generated column."""

    def index_documents(self, documents: Sequence[Document]) -> None:
        """The generated column is updated by the document write itself."""

    def delete_documents(self, document_ids: Sequence[int]) -> None:
        """Deleted rows leave the index with them."""

    def search(self, query: SearchQuery) -> SearchPage:
        stmt = build_search_statement(query)
        with self._engine.connect() as connection:
            rows = [(row[0], row[1], row[2]) for row in connection.execute(stmt)]
        return page_from_rows(query, rows)

    def close(self) -> None:
        """The engine is owned by the caller."""
