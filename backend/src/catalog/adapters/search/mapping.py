"""Pure translation between the domain and the OpenSearch/Elasticsearch query DSL.

Both engines accept the same DSL for everything used here, so one module serves both adapters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog.domain.errors import InvalidCursor
from catalog.domain.models import Document
from catalog.domain.search import Position, SearchHit, SearchPage, SearchQuery, SortField

INDEX_BASENAME = "documents"
# title.keyword sorts by title; longer titles are not sortable but TITLE_MAX_LENGTH is 300.
TITLE_KEYWORD_IGNORE_ABOVE = 512


def index_name(prefix: str) -> str:
    return f"{prefix}{INDEX_BASENAME}"


def index_definition() -> dict[str, Any]:
    """Settings and mappings used when creating the index."""
    return {
        "settings": {"number_of_shards": 1, "number_of_replicas": 0},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": {"type": "long"},
                "workspace_id": {"type": "long"},
                "collection_id": {"type": "long"},
                "title": {
                    "type": "text",
                    "analyzer": "english",
                    "fields": {
                        "keyword": {"type": "keyword", "ignore_above": TITLE_KEYWORD_IGNORE_ABOVE}
                    },
                },
                "body": {"type": "text", "analyzer": "english"},
                "tags": {"type": "keyword"},
                "created_at": {"type": "date"},
                "updated_at": {"type": "date"},
            },
        },
    }


def document_to_index_body(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "workspace_id": document.workspace_id,
        "collection_id": document.collection_id,
        "title": document.title,
        "body": document.body,
        "tags": sorted(document.tags),
        "created_at": document.created_at.isoformat(),
        "updated_at": document.updated_at.isoformat(),
    }


def bulk_index_operations(index: str, documents: list[Document]) -> list[dict[str, Any]]:
    """Action/source pairs for the _bulk API; the document id doubles as ``_id`` (idempotent)."""
    operations: list[dict[str, Any]] = []
    for document in documents:
        operations.append({"index": {"_index": index, "_id": str(document.id)}})
        operations.append(document_to_index_body(document))
    return operations


def bulk_delete_operations(index: str, document_ids: list[int]) -> list[dict[str, Any]]:
    return [{"delete": {"_index": index, "_id": str(document_id)}} for document_id in document_ids]


def _sort_clause(query: SearchQuery) -> list[dict[str, Any]]:
    order = query.effective_order.value
    field = {
        SortField.RELEVANCE: "_score",
        SortField.CREATED_AT: "created_at",
        SortField.TITLE: "title.keyword",
    }[query.effective_sort]
    # The id tie-breaker makes every position unique, which search_after requires.
    return [{field: {"order": order}}, {"id": {"order": order}}]


def _filters(query: SearchQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    if query.workspace_id is not None:
        filters.append({"term": {"workspace_id": query.workspace_id}})
    if query.collection_id is not None:
        filters.append({"term": {"collection_id": query.collection_id}})
    # One term filter per tag: a hit must carry all of them.
    filters.extend({"term": {"tags": tag}} for tag in query.normalized_tags)
    date_range: dict[str, str] = {}
    if query.created_from is not None:
        date_range["gte"] = query.created_from.isoformat()
    if query.created_to is not None:
        date_range["lte"] = query.created_to.isoformat()
    if date_range:
        filters.append({"range": {"created_at": date_range}})
    return filters


def build_search_body(query: SearchQuery) -> dict[str, Any]:
    """Request body for ``_search``: filters, sort, and one extra hit to detect a next page."""
    must: dict[str, Any]
    if query.has_text:
        must = {
            "multi_match": {
                "query": (query.text or "").strip(),
                "fields": ["title^2", "body"],
                "operator": "and",
            }
        }
    else:
        must = {"match_all": {}}
    body: dict[str, Any] = {
        "size": query.limit + 1,
        "query": {"bool": {"must": [must], "filter": _filters(query)}},
        "sort": _sort_clause(query),
        "_source": False,
        "track_total_hits": False,
    }
    if query.after is not None:
        if len(query.after) != 2:
            raise InvalidCursor("cursor does not fit this sort order")
        body["search_after"] = list(query.after)
    return body


def parse_search_response(query: SearchQuery, response: Mapping[str, Any]) -> SearchPage:
    raw_hits = response["hits"]["hits"]
    visible = raw_hits[: query.limit]
    hits = [
        SearchHit(
            document_id=int(hit["_id"]),
            score=float(hit["_score"]) if hit.get("_score") is not None else None,
        )
        for hit in visible
    ]
    next_after: Position | None = None
    if len(raw_hits) > query.limit and visible:
        next_after = tuple(visible[-1]["sort"])
    return SearchPage(hits=hits, next_after=next_after)


def bulk_failures(response: Mapping[str, Any], *, ignore_missing: bool = False) -> list[str]:
    """Readable reasons for failed bulk items (``errors`` is true if any item failed)."""
    if not response.get("errors"):
        return []
    failures = []
    for item in response.get("items", []):
        ((action, result),) = item.items()
        status = result.get("status", 0)
        if status < 300 or (ignore_missing and action == "delete" and status == 404):
            continue
        error = result.get("error", {})
        reason = error.get("reason", "unknown") if isinstance(error, dict) else str(error)
        failures.append(f"{action} {result.get('_id')}: {status} {reason}")
    return failures
