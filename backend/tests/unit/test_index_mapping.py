"""Pure translation to and from the OpenSearch/Elasticsearch DSL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from catalog.adapters.search.mapping import (
    build_search_body,
    bulk_delete_operations,
    bulk_failures,
    bulk_index_operations,
    document_to_index_body,
    index_definition,
    index_name,
    parse_search_response,
)
from catalog.domain.errors import InvalidCursor
from catalog.domain.models import Document
from catalog.domain.search import SearchQuery, SortField, SortOrder

CREATED = datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
DOCUMENT = Document(
    id=42,
    workspace_id=1,
    collection_id=7,
    title="Onboarding guide",
    body="Welcome aboard",
    tags=("urgent", "hr"),
    created_at=CREATED,
    updated_at=CREATED,
)


def test_index_name_is_prefixed() -> None:
    assert index_name("slot3-") == "slot3-documents"


def test_index_body_carries_every_searchable_and_filterable_field() -> None:
    assert document_to_index_body(DOCUMENT) == {
        "id": 42,
        "workspace_id": 1,
        "collection_id": 7,
        "title": "Onboarding guide",
        "body": "Welcome aboard",
        "tags": ["hr", "urgent"],
        "created_at": "2024-03-01T12:30:00+00:00",
        "updated_at": "2024-03-01T12:30:00+00:00",
    }


def test_index_mapping_covers_exactly_the_body_fields() -> None:
    properties = index_definition()["mappings"]["properties"]
    assert set(properties) == set(document_to_index_body(DOCUMENT))


def test_index_mapping_is_strict_and_sortable_by_title() -> None:
    mappings = index_definition()["mappings"]
    assert mappings["dynamic"] == "strict"
    assert mappings["properties"]["title"]["fields"]["keyword"]["type"] == "keyword"


def test_bulk_index_operations_pair_actions_with_bodies() -> None:
    operations = bulk_index_operations("ix", [DOCUMENT])
    assert operations[0] == {"index": {"_index": "ix", "_id": "42"}}
    assert operations[1]["title"] == "Onboarding guide"


def test_bulk_delete_operations_have_no_bodies() -> None:
    assert bulk_delete_operations("ix", [1, 2]) == [
        {"delete": {"_index": "ix", "_id": "1"}},
        {"delete": {"_index": "ix", "_id": "2"}},
    ]


def test_text_query_is_a_multi_match_with_boosted_title_and_all_terms_required() -> None:
    body = build_search_body(SearchQuery(text="  guide  "))
    assert body["query"]["bool"]["must"] == [
        {"multi_match": {"query": "guide", "fields": ["title^2", "body"], "operator": "and"}}
    ]


def test_browsing_matches_all_documents() -> None:
    assert build_search_body(SearchQuery())["query"]["bool"]["must"] == [{"match_all": {}}]


def test_filters_become_term_and_range_clauses() -> None:
    body = build_search_body(
        SearchQuery(workspace_id=1, collection_id=7, tags=("b", "a"), created_from=CREATED)
    )
    assert body["query"]["bool"]["filter"] == [
        {"term": {"workspace_id": 1}},
        {"term": {"collection_id": 7}},
        {"term": {"tags": "a"}},
        {"term": {"tags": "b"}},
        {"range": {"created_at": {"gte": "2024-03-01T12:30:00+00:00"}}},
    ]


@pytest.mark.parametrize(
    ("query", "first_sort"),
    [
        (SearchQuery(text="x"), {"_score": {"order": "desc"}}),
        (SearchQuery(), {"created_at": {"order": "desc"}}),
        (SearchQuery(sort=SortField.TITLE), {"title.keyword": {"order": "asc"}}),
    ],
)
def test_sort_uses_the_field_then_an_id_tie_breaker_in_the_same_direction(
    query: SearchQuery, first_sort: dict
) -> None:
    order = first_sort[next(iter(first_sort))]["order"]
    assert build_search_body(query)["sort"] == [first_sort, {"id": {"order": order}}]


def test_body_asks_for_one_extra_hit_and_no_source() -> None:
    body = build_search_body(SearchQuery(limit=10))
    assert (body["size"], body["_source"], body["track_total_hits"]) == (11, False, False)


def test_position_becomes_search_after() -> None:
    body = build_search_body(SearchQuery(order=SortOrder.ASC, after=(1709296200000, 42)))
    assert body["search_after"] == [1709296200000, 42]


def test_position_of_the_wrong_shape_is_an_invalid_cursor() -> None:
    with pytest.raises(InvalidCursor):
        build_search_body(SearchQuery(after=(1,)))


def _hit(document_id: int, score: float | None, sort: list) -> dict:
    return {"_index": "ix", "_id": str(document_id), "_score": score, "sort": sort}


def test_parse_response_keeps_order_and_sets_next_position_when_more_exist() -> None:
    response = {
        "hits": {"hits": [_hit(3, 2.0, [2.0, 3]), _hit(1, 1.0, [1.0, 1]), _hit(2, 0.5, [0.5, 2])]}
    }
    page = parse_search_response(SearchQuery(text="x", limit=2), response)
    assert [(hit.document_id, hit.score) for hit in page.hits] == [(3, 2.0), (1, 1.0)]
    assert page.next_after == (1.0, 1)


def test_parse_response_without_extra_hit_is_the_last_page() -> None:
    response = {"hits": {"hits": [_hit(3, None, [1, 3])]}}
    page = parse_search_response(SearchQuery(limit=2), response)
    assert page.next_after is None
    assert page.hits[0].score is None


def test_bulk_failures_is_empty_when_no_item_failed() -> None:
    assert bulk_failures({"errors": False, "items": []}) == []


def test_bulk_failures_lists_failed_items_with_reasons() -> None:
    response = {
        "errors": True,
        "items": [
            {"index": {"_id": "1", "status": 201}},
            {"index": {"_id": "2", "status": 400, "error": {"reason": "mapping conflict"}}},
        ],
    }
    assert bulk_failures(response) == ["index 2: 400 mapping conflict"]


def test_bulk_failures_can_ignore_deletes_of_missing_documents() -> None:
    response = {"errors": True, "items": [{"delete": {"_id": "9", "status": 404}}]}
    assert bulk_failures(response, ignore_missing=True) == []
    assert bulk_failures(response) == ["delete 9: 404 unknown"]
