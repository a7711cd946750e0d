"""Exactly what the OpenSearch adapter sends, and how it reads documented OpenSearch 2.x replies.

Behaviour shared with the Elasticsearch adapter is tested once for both in
test_search_transport.py.
"""

from __future__ import annotations

from catalog.domain.search import SearchQuery

from .conftest import DOCUMENT


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
