"""Exactly what the Elasticsearch adapter sends, and how it reads documented Elasticsearch 8.x
replies (including the client's product check on the X-Elastic-Product header)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from elastic_transport import ConnectionError as TransportConnectionError
from elasticsearch import BadRequestError, UnsupportedProductError

from catalog.adapters.search.mapping import index_definition
from catalog.domain.errors import ServiceUnavailable
from catalog.domain.models import Document
from catalog.domain.search import SearchQuery, SortField, SortOrder
from catalog.ports import SearchIndexError

CREATED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
DOCUMENT = Document(42, 1, 7, "Onboarding guide", "Welcome", ("hr",), CREATED, CREATED)
ES_HEADERS = {
    "X-Elastic-Product": "Elasticsearch",
    "content-type": "application/vnd.elasticsearch+json;compatible-with=8",
}


def test_ensure_index_checks_existence_with_head_on_the_prefixed_name(
    make_elastic_index, elastic_script
) -> None:
    elastic_script.then("exists_true")
    make_elastic_index(prefix="slot5-").ensure_index()
    request = elastic_script.only
    assert (request.method, request.path, request.body) == ("HEAD", "/slot5-documents", None)


def test_ensure_index_creates_a_missing_index_with_settings_and_mappings(
    make_elastic_index, elastic_script
) -> None:
    elastic_script.then("exists_false", "create_index")
    make_elastic_index().ensure_index()
    create = elastic_script.requests[1]
    assert (create.method, create.path) == ("PUT", "/test-documents")
    assert create.json() == index_definition()


def test_ensure_index_tolerates_a_concurrent_create(make_elastic_index, elastic_script) -> None:
    elastic_script.then("exists_false", "index_already_exists")
    make_elastic_index().ensure_index()
    assert len(elastic_script.requests) == 2


def test_other_create_errors_propagate(make_elastic_index, elastic_script) -> None:
    elastic_script.then("exists_false").respond(
        400,
        {"error": {"type": "illegal_argument_exception", "reason": "bad"}, "status": 400},
        ES_HEADERS,
    )
    with pytest.raises(BadRequestError):
        make_elastic_index().ensure_index()


def test_recreate_deletes_ignoring_a_missing_index_then_creates(
    make_elastic_index, elastic_script
) -> None:
    elastic_script.then("delete_index", "create_index")
    make_elastic_index().recreate()
    delete, create = elastic_script.requests
    assert (delete.method, delete.path, delete.params) == (
        "DELETE",
        "/test-documents",
        {"ignore_unavailable": "true"},
    )
    assert (create.method, create.path) == ("PUT", "/test-documents")


def test_index_documents_sends_one_bulk_request_of_action_and_source_lines(
    make_elastic_index, elastic_script
) -> None:
    elastic_script.then("bulk_index")
    make_elastic_index().index_documents([DOCUMENT])
    request = elastic_script.only
    assert (request.method, request.path, request.params) == ("PUT", "/_bulk", {})
    action, source = request.ndjson()
    assert action == {"index": {"_index": "test-documents", "_id": "42"}}
    assert source["tags"] == ["hr"]


def test_refresh_mode_asks_for_refresh_on_writes(make_elastic_index, elastic_script) -> None:
    elastic_script.then("bulk_index")
    make_elastic_index(refresh=True).index_documents([DOCUMENT])
    assert elastic_script.only.params == {"refresh": "true"}


def test_item_failures_in_a_bulk_response_raise(make_elastic_index, elastic_script) -> None:
    elastic_script.then("bulk_partial_failure")
    with pytest.raises(SearchIndexError, match="mapping set to strict"):
        make_elastic_index().index_documents([DOCUMENT])


def test_delete_documents_sends_bulk_deletes_and_ignores_missing_ones(
    make_elastic_index, elastic_script
) -> None:
    elastic_script.then("bulk_delete_missing")
    make_elastic_index().delete_documents([7])
    assert elastic_script.only.ndjson() == [{"delete": {"_index": "test-documents", "_id": "7"}}]


def test_search_posts_query_sort_and_size_to_the_index(make_elastic_index, elastic_script) -> None:
    elastic_script.then("search_two_hits_more")
    make_elastic_index().search(
        SearchQuery(tags=("hr",), sort=SortField.CREATED_AT, order=SortOrder.ASC, limit=2)
    )
    request = elastic_script.only
    assert (request.method, request.path) == ("POST", "/test-documents/_search")
    body = request.json()
    assert body["query"] == {
        "bool": {"must": [{"match_all": {}}], "filter": [{"term": {"tags": "hr"}}]}
    }
    assert body["sort"] == [{"created_at": {"order": "asc"}}, {"id": {"order": "asc"}}]
    assert (body["size"], body["_source"], body["track_total_hits"]) == (3, False, False)


def test_search_sends_the_cursor_position_as_search_after(
    make_elastic_index, elastic_script
) -> None:
    elastic_script.then("search_two_hits_more")
    make_elastic_index().search(SearchQuery(after=(1709294400000, 42)))
    assert elastic_script.only.json()["search_after"] == [1709294400000, 42]


def test_search_parses_hits_and_the_next_position(make_elastic_index, elastic_script) -> None:
    elastic_script.then("search_two_hits_more")
    page = make_elastic_index().search(SearchQuery(text="guide", limit=2))
    assert [(hit.document_id, hit.score) for hit in page.hits] == [(42, 2.5), (17, 1.25)]
    assert page.next_after == (1.25, 17)


def test_engine_side_503_becomes_search_unavailable(make_elastic_index, elastic_script) -> None:
    elastic_script.then("search_service_unavailable")
    with pytest.raises(ServiceUnavailable) as raised:
        make_elastic_index().search(SearchQuery(text="guide"))
    assert raised.value.service == "search"


def test_responses_without_the_product_header_are_refused_by_the_client(
    make_elastic_index, elastic_script
) -> None:
    elastic_script.respond(
        200,
        {"took": 1, "timed_out": False, "hits": {"hits": []}},
        {"content-type": "application/json"},
    )
    with pytest.raises(UnsupportedProductError):
        make_elastic_index().search(SearchQuery())


def test_refused_connection_becomes_search_unavailable(make_elastic_index, elastic_script) -> None:
    elastic_script.fail(TransportConnectionError("Connection refused"))
    with pytest.raises(ServiceUnavailable, match="not reachable"):
        make_elastic_index().delete_documents([1])
