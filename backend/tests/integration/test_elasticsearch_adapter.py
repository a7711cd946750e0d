"""Elasticsearch adapter against a real Elasticsearch 8.x (ELASTICSEARCH_URL).

The outage tests need no server and always run."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from catalog.adapters.search.elasticsearch import ElasticsearchIndex, elasticsearch_client
from catalog.domain.errors import ServiceUnavailable
from catalog.domain.search import SearchQuery
from catalog_testing.search import SearchService

from .search_adapter_cases import CORPUS, SearchAdapterCases


@pytest.fixture()
def index(elasticsearch_service: SearchService) -> Iterator[ElasticsearchIndex]:
    adapter = ElasticsearchIndex(
        elasticsearch_client(elasticsearch_service.url),
        prefix=elasticsearch_service.index_prefix,
        refresh=True,
    )
    adapter.recreate()
    yield adapter
    adapter.recreate()
    adapter.close()


@pytest.mark.services("elasticsearch")
class TestElasticsearchIndex(SearchAdapterCases):
    pass


def _unreachable() -> ElasticsearchIndex:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = elasticsearch_client(f"http://127.0.0.1:{port}", request_timeout=2, max_retries=0)
    return ElasticsearchIndex(client, prefix="catalog-test-")


def test_an_unreachable_cluster_is_reported_as_search_unavailable_on_search() -> None:
    index = _unreachable()
    with pytest.raises(ServiceUnavailable) as excinfo:
        index.search(SearchQuery(text="x"))
    assert excinfo.value.service == "search"
    index.close()


def test_an_unreachable_cluster_is_reported_as_search_unavailable_on_write() -> None:
    index = _unreachable()
    with pytest.raises(ServiceUnavailable):
        index.index_documents(CORPUS)
    index.close()
