"""OpenSearch adapter against a real OpenSearch 2.x (OPENSEARCH_URL); outage handling always (no
server needed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from catalog.adapters.search.opensearch import OpenSearchIndex, opensearch_client
from testlanes.search import SearchService

from .search_adapter_cases import (
    SearchAdapterCases,
    UnreachableClusterCases,
    recreated,
    unused_local_url,
)


@pytest.fixture()
def index(opensearch_service: SearchService) -> Iterator[OpenSearchIndex]:
    client = opensearch_client(opensearch_service.url)
    yield from recreated(
        OpenSearchIndex(client, prefix=opensearch_service.index_prefix, refresh=True)
    )


@pytest.fixture()
def unreachable_index() -> Iterator[OpenSearchIndex]:
    adapter = OpenSearchIndex(
        opensearch_client(unused_local_url(), timeout=2, max_retries=0), prefix="catalog-test-"
    )
    yield adapter
    adapter.close()


@pytest.mark.services("opensearch")
class TestOpenSearchIndex(SearchAdapterCases):
    pass


class TestOpenSearchIndexOutage(UnreachableClusterCases):
    pass
