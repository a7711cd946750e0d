"""Exactly what the OpenSearch adapter sends, and how it reads documented OpenSearch 2.x replies.

Behaviour shared with the Elasticsearch adapter is tested once for both in
test_search_transport.py.
"""

from __future__ import annotations

from catalog.domain.search import SearchQuery


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
