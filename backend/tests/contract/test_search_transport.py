"""Transport-level behaviour both search adapters must share: each test runs once against the
OpenSearch and once against the Elasticsearch client (``search_engine`` in conftest.py).

What differs between the engines (product checks, query spelling) stays in
test_opensearch_transport.py and test_elasticsearch_transport.py; the one verb they send
differently, for ``_bulk``, is part of ``SearchEngine``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from catalog.adapters.search.dsl_index import DslSearchIndex
from catalog.adapters.search.mapping import index_definition
from catalog.domain.errors import ServiceUnavailable
from catalog.domain.search import SearchQuery
from catalog.ports import SearchIndexError

from .conftest import DOCUMENT, SearchEngine


def test_ensure_index_checks_existence_with_head_on_the_prefixed_name(
    search_engine: SearchEngine,
) -> None:
    search_engine.script.then("exists_true")
    search_engine.make_index(prefix="slot5-").ensure_index()
    request = search_engine.script.only
    assert (request.method, request.path, request.body) == ("HEAD", "/slot5-documents", None)


def test_ensure_index_creates_a_missing_index_with_settings_and_mappings(
    search_engine: SearchEngine,
) -> None:
    search_engine.script.then("exists_false", "create_index")
    search_engine.make_index().ensure_index()
    create = search_engine.script.requests[1]
    assert (create.method, create.path) == ("PUT", "/test-documents")
    assert create.json() == index_definition()


def test_ensure_index_tolerates_a_concurrent_create(search_engine: SearchEngine) -> None:
    search_engine.script.then("exists_false", "index_already_exists")
    search_engine.make_index().ensure_index()
    assert len(search_engine.script.requests) == 2


def test_other_create_errors_propagate(search_engine: SearchEngine) -> None:
    index = search_engine.make_index()
    search_engine.script.then("exists_false").respond(
        400,
        {"error": {"type": "illegal_argument_exception", "reason": "bad"}, "status": 400},
        search_engine.reply_headers,
    )
    with pytest.raises(type(index).bad_request_error):
        index.ensure_index()


def test_recreate_deletes_ignoring_a_missing_index_then_creates(
    search_engine: SearchEngine,
) -> None:
    search_engine.script.then("delete_index", "create_index")
    search_engine.make_index().recreate()
    delete, create = search_engine.script.requests
    assert (delete.method, delete.path, delete.params) == (
        "DELETE",
        "/test-documents",
        {"ignore_unavailable": "true"},
    )
    assert (create.method, create.path) == ("PUT", "/test-documents")


def test_index_documents_sends_one_bulk_request_of_action_and_source_lines(
    search_engine: SearchEngine,
) -> None:
    search_engine.script.then("bulk_index")
    search_engine.make_index().index_documents([DOCUMENT])
    request = search_engine.script.only
    assert request.method == search_engine.bulk_method
    assert (request.path, request.params) == ("/_bulk", {})
    action, source = request.ndjson()
    assert action == {"index": {"_index": "test-documents", "_id": "42"}}
    assert (source["title"], source["tags"]) == ("Onboarding guide", ["hr"])
    assert source["created_at"] == "2024-03-01T12:00:00+00:00"
    assert request.body.endswith(b"\n")


def test_refresh_mode_asks_for_refresh_on_writes(search_engine: SearchEngine) -> None:
    search_engine.script.then("bulk_index")
    search_engine.make_index(refresh=True).index_documents([DOCUMENT])
    assert search_engine.script.only.params == {"refresh": "true"}


def test_item_failures_in_a_bulk_response_raise(search_engine: SearchEngine) -> None:
    search_engine.script.then("bulk_partial_failure")
    with pytest.raises(SearchIndexError, match="mapping set to strict"):
        search_engine.make_index().index_documents([DOCUMENT])


def test_nothing_is_sent_for_empty_batches(search_engine: SearchEngine) -> None:
    index = search_engine.make_index()
    index.index_documents([])
    index.delete_documents([])
    assert search_engine.script.requests == []


def test_delete_documents_sends_bulk_deletes_and_ignores_missing_ones(
    search_engine: SearchEngine,
) -> None:
    search_engine.script.then("bulk_delete_missing")
    search_engine.make_index().delete_documents([7])
    assert search_engine.script.only.ndjson() == [
        {"delete": {"_index": "test-documents", "_id": "7"}}
    ]


def test_search_parses_hits_and_the_next_position(search_engine: SearchEngine) -> None:
    search_engine.script.then("search_two_hits_more")
    page = search_engine.make_index().search(SearchQuery(text="guide", limit=2))
    assert [(hit.document_id, hit.score) for hit in page.hits] == [(42, 2.5), (17, 1.25)]
    assert page.next_after == (1.25, 17)


def test_engine_side_503_becomes_search_unavailable(search_engine: SearchEngine) -> None:
    search_engine.script.then("search_service_unavailable")
    with pytest.raises(ServiceUnavailable) as raised:
        search_engine.make_index().search(SearchQuery(text="guide"))
    assert raised.value.service == "search"


# Each write path goes through the outage translation on its own.
@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda index: index.index_documents([DOCUMENT]), id="index"),
        pytest.param(lambda index: index.delete_documents([1]), id="delete"),
    ],
)
def test_refused_connection_becomes_search_unavailable(
    search_engine: SearchEngine, write: Callable[[DslSearchIndex[Any]], None]
) -> None:
    search_engine.script.fail(search_engine.refused)
    index = search_engine.make_index()
    with pytest.raises(ServiceUnavailable, match="not reachable"):
        write(index)
