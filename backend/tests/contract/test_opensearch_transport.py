"""Exactly what the OpenSearch adapter sends, and how it reads documented OpenSearch 2.x replies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import RequestError

from catalog.adapters.search.mapping import index_definition
from catalog.domain.errors import ServiceUnavailable
from catalog.domain.models import Document
from catalog.domain.search import SearchQuery
from catalog.ports import SearchIndexError

CREATED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
DOCUMENT = Document(42, 1, 7, "Onboarding guide", "Welcome", ("hr",), CREATED, CREATED)


def test_ensure_index_checks_existence_with_head_on_the_prefixed_name(
    make_opensearch_index, opensearch_script
) -> None:
    opensearch_script.then("exists_true")
    make_opensearch_index(prefix="slot4-").ensure_index()
    request = opensearch_script.only
    assert (request.method, request.path, request.body) == ("HEAD", "/slot4-documents", None)


def test_ensure_index_creates_a_missing_index_with_the_mapping(
    make_opensearch_index, opensearch_script
) -> None:
    opensearch_script.then("exists_false", "create_index")
    make_opensearch_index().ensure_index()
    create = opensearch_script.requests[1]
    assert (create.method, create.path) == ("PUT", "/test-documents")
    assert create.json() == index_definition()


def test_ensure_index_tolerates_a_concurrent_create(
    make_opensearch_index, opensearch_script
) -> None:
    opensearch_script.then("exists_false", "index_already_exists")
    make_opensearch_index().ensure_index()
    assert len(opensearch_script.requests) == 2


def test_other_create_errors_propagate(make_opensearch_index, opensearch_script) -> None:
    opensearch_script.then("exists_false").respond(
        400, {"error": {"type": "illegal_argument_exception", "reason": "bad"}, "status": 400}
    )
    with pytest.raises(RequestError):
        make_opensearch_index().ensure_index()


def test_recreate_deletes_ignoring_a_missing_index_then_creates(
    make_opensearch_index, opensearch_script
) -> None:
    opensearch_script.then("delete_index", "create_index")
    make_opensearch_index().recreate()
    delete, create = opensearch_script.requests
    assert (delete.method, delete.path, delete.params) == (
        "DELETE",
        "/test-documents",
        {"ignore_unavailable": "true"},
    )
    assert (create.method, create.path) == ("PUT", "/test-documents")


def test_index_documents_sends_one_bulk_request_of_action_and_source_lines(
    make_opensearch_index, opensearch_script
) -> None:
    opensearch_script.then("bulk_index")
    make_opensearch_index().index_documents([DOCUMENT])
    request = opensearch_script.only
    assert (request.method, request.path, request.params) == ("POST", "/_bulk", {})
    action, source = request.ndjson()
    assert action == {"index": {"_index": "test-documents", "_id": "42"}}
    assert source["title"] == "Onboarding guide"
    assert source["created_at"] == "2024-03-01T12:00:00+00:00"
    assert request.body.endswith(b"\n")


def test_refresh_mode_asks_for_refresh_on_writes(make_opensearch_index, opensearch_script) -> None:
    opensearch_script.then("bulk_index")
    make_opensearch_index(refresh=True).index_documents([DOCUMENT])
    assert opensearch_script.only.params == {"refresh": "true"}


def test_item_failures_in_a_bulk_response_raise(make_opensearch_index, opensearch_script) -> None:
    opensearch_script.then("bulk_partial_failure")
    with pytest.raises(SearchIndexError, match="mapping set to strict"):
        make_opensearch_index().index_documents([DOCUMENT])


def test_nothing_is_sent_for_empty_batches(make_opensearch_index, opensearch_script) -> None:
    index = make_opensearch_index()
    index.index_documents([])
    index.delete_documents([])
    assert opensearch_script.requests == []


def test_delete_documents_sends_bulk_deletes_and_ignores_missing_ones(
    make_opensearch_index, opensearch_script
) -> None:
    opensearch_script.then("bulk_delete_missing")
    make_opensearch_index().delete_documents([7])
    assert opensearch_script.only.ndjson() == [{"delete": {"_index": "test-documents", "_id": "7"}}]


def test_search_posts_the_query_body_to_the_index(make_opensearch_index, opensearch_script) -> None:
    opensearch_script.then("search_two_hits_more")
    make_opensearch_index().search(SearchQuery(text="guide", workspace_id=1, limit=2))
    request = opensearch_script.only
    assert (request.method, request.path) == ("POST", "/test-documents/_search")
    body = request.json()
    assert body["size"] == 3
    assert body["query"]["bool"]["filter"] == [{"term": {"workspace_id": 1}}]
    assert body["sort"] == [{"_score": {"order": "desc"}}, {"id": {"order": "desc"}}]
    assert "search_after" not in body


def test_search_sends_the_cursor_position_as_search_after(
    make_opensearch_index, opensearch_script
) -> None:
    opensearch_script.then("search_two_hits_more")
    make_opensearch_index().search(SearchQuery(text="guide", after=(1.25, 17)))
    assert opensearch_script.only.json()["search_after"] == [1.25, 17]


def test_search_parses_hits_and_the_next_position(make_opensearch_index, opensearch_script) -> None:
    opensearch_script.then("search_two_hits_more")
    page = make_opensearch_index().search(SearchQuery(text="guide", limit=2))
    assert [(hit.document_id, hit.score) for hit in page.hits] == [(42, 2.5), (17, 1.25)]
    assert page.next_after == (1.25, 17)


def test_engine_side_503_becomes_search_unavailable(
    make_opensearch_index, opensearch_script
) -> None:
    opensearch_script.then("search_service_unavailable")
    with pytest.raises(ServiceUnavailable) as raised:
        make_opensearch_index().search(SearchQuery(text="guide"))
    assert raised.value.service == "search"


def test_refused_connection_becomes_search_unavailable(
    make_opensearch_index, opensearch_script
) -> None:
    opensearch_script.fail(
        OpenSearchConnectionError("N/A", "Connection refused", ConnectionRefusedError())
    )
    with pytest.raises(ServiceUnavailable, match="not reachable"):
        make_opensearch_index().index_documents([DOCUMENT])
