"""OpenSearch adapter against a real OpenSearch 2.x (OPENSEARCH_URL); outage handling always."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from catalog.adapters.search.opensearch import OpenSearchIndex, opensearch_client
from catalog.domain.errors import ServiceUnavailable
from catalog.domain.search import SearchQuery
from catalog_testing.search import SearchService

from .search_adapter_cases import CORPUS, SearchAdapterCases


@pytest.fixture()
def index(opensearch_service: SearchService) -> Iterator[OpenSearchIndex]:
    adapter = OpenSearchIndex(
        opensearch_client(opensearch_service.url),
        prefix=opensearch_service.index_prefix,
        refresh=True,
    )
    adapter.recreate()
    yield adapter
    adapter.recreate()
    adapter.close()


@pytest.mark.services("opensearch")
class TestOpenSearchIndex(SearchAdapterCases):
    pass


def _unreachable() -> OpenSearchIndex:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = opensearch_client(f"http://127.0.0.1:{port}", timeout=2, max_retries=0)
    return OpenSearchIndex(client, prefix="catalog-test-")


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
