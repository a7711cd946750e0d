"""Exactly what the OpenSearch 2.x and Elasticsearch 8.x adapters send, and how they read the
engines' documented replies: the behaviour both share, run once per engine (``engine`` fixture).
What only one engine does is in test_<engine>_transport.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from contract.engines import Engine

from catalog.adapters.search.mapping import index_definition
from catalog.domain.errors import ServiceUnavailable
from catalog.domain.models import Document
from catalog.domain.search import SearchQuery
from catalog.ports import SearchIndexError

CREATED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
DOCUMENT = Document(42, 1, 7, "Onboarding guide", "Welcome", ("hr",), CREATED, CREATED)


def test_ensure_index_checks_existence_with_head_on_the_prefixed_name(engine: Engine) -> None:
    engine.script.then("exists_true")
    engine.make_index(prefix="slot4-").ensure_index()
    request = engine.script.only
    assert (request.method, request.path, request.body) == ("HEAD", "/slot4-documents", None)


def test_ensure_index_creates_a_missing_index_with_settings_and_mappings(engine: Engine) -> None:
    engine.script.then("exists_false", "create_index")
    engine.make_index().ensure_index()
    create = engine.script.requests[1]
    assert (create.method, create.path) == ("PUT", "/test-documents")
    assert create.json() == index_definition()


def test_ensure_index_tolerates_a_concurrent_create(engine: Engine) -> None:
    engine.script.then("exists_false", "index_already_exists")
    engine.make_index().ensure_index()
    assert len(engine.script.requests) == 2


def test_other_create_errors_propagate(engine: Engine) -> None:
    engine.script.then("exists_false").respond(
        400,
        {"error": {"type": "illegal_argument_exception", "reason": "bad"}, "status": 400},
        engine.error_headers,
    )
    with pytest.raises(engine.bad_request):
        engine.make_index().ensure_index()


def test_recreate_deletes_ignoring_a_missing_index_then_creates(engine: Engine) -> None:
    engine.script.then("delete_index", "create_index")
    engine.make_index().recreate()
    delete, create = engine.script.requests
    assert (delete.method, delete.path, delete.params) == (
        "DELETE",
        "/test-documents",
        {"ignore_unavailable": "true"},
    )
    assert (create.method, create.path) == ("PUT", "/test-documents")


def test_index_documents_sends_one_bulk_request_of_action_and_source_lines(engine: Engine) -> None:
    engine.script.then("bulk_index")
    engine.make_index().index_documents([DOCUMENT])
    request = engine.script.only
    assert (request.method, request.path, request.params) == (engine.bulk_method, "/_bulk", {})
    action, source = request.ndjson()
    assert action == {"index": {"_index": "test-documents", "_id": "42"}}
    assert (source["title"], source["tags"]) == ("Onboarding guide", ["hr"])
    assert source["created_at"] == "2024-03-01T12:00:00+00:00"
    assert (request.body or b"").endswith(b"\n")


def test_refresh_mode_asks_for_refresh_on_writes(engine: Engine) -> None:
    engine.script.then("bulk_index")
    engine.make_index(refresh=True).index_documents([DOCUMENT])
    assert engine.script.only.params == {"refresh": "true"}


def test_item_failures_in_a_bulk_response_raise(engine: Engine) -> None:
    engine.script.then("bulk_partial_failure")
    with pytest.raises(SearchIndexError, match="mapping set to strict"):
        engine.make_index().index_documents([DOCUMENT])


def test_nothing_is_sent_for_empty_batches(engine: Engine) -> None:
    index = engine.make_index()
    index.index_documents([])
    index.delete_documents([])
    assert engine.script.requests == []


def test_delete_documents_sends_bulk_deletes_and_ignores_missing_ones(engine: Engine) -> None:
    engine.script.then("bulk_delete_missing")
    engine.make_index().delete_documents([7])
    assert engine.script.only.ndjson() == [{"delete": {"_index": "test-documents", "_id": "7"}}]


def test_search_posts_the_query_body_to_the_index(engine: Engine) -> None:
    engine.script.then("search_two_hits_more")
    engine.make_index().search(SearchQuery(text="guide", workspace_id=1, limit=2))
    request = engine.script.only
    assert (request.method, request.path) == ("POST", "/test-documents/_search")
    body = request.json()
    assert body["size"] == 3
    assert body["query"]["bool"]["filter"] == [{"term": {"workspace_id": 1}}]
    assert body["sort"] == [{"_score": {"order": "desc"}}, {"id": {"order": "desc"}}]
    assert "search_after" not in body


def test_search_sends_the_cursor_position_as_search_after(engine: Engine) -> None:
    engine.script.then("search_two_hits_more")
    engine.make_index().search(SearchQuery(text="guide", after=(1.25, 17)))
    assert engine.script.only.json()["search_after"] == [1.25, 17]


def test_search_parses_hits_and_the_next_position(engine: Engine) -> None:
    engine.script.then("search_two_hits_more")
    page = engine.make_index().search(SearchQuery(text="guide", limit=2))
    assert [(hit.document_id, hit.score) for hit in page.hits] == [(42, 2.5), (17, 1.25)]
    assert page.next_after == (1.25, 17)


def test_engine_side_503_becomes_search_unavailable(engine: Engine) -> None:
    engine.script.then("search_service_unavailable")
    with pytest.raises(ServiceUnavailable) as raised:
        engine.make_index().search(SearchQuery(text="guide"))
    assert raised.value.service == "search"


def test_refused_connection_becomes_search_unavailable(engine: Engine) -> None:
    engine.script.fail(engine.refused)
    index = engine.make_index()
    with pytest.raises(ServiceUnavailable, match="not reachable"):
        index.index_documents([DOCUMENT])
