"""Exactly what the Elasticsearch adapter sends, and how it reads documented Elasticsearch 8.x
replies (including the client's product check on the X-Elastic-Product header).

Behaviour shared with the OpenSearch adapter is tested once for both in test_search_transport.py.
"""

from __future__ import annotations

import pytest
from elasticsearch import UnsupportedProductError

from catalog.domain.search import SearchQuery, SortField, SortOrder


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
