"""Elasticsearch adapter against a real Elasticsearch 8.x (ELASTICSEARCH_URL); outage handling
always (no server needed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from catalog.adapters.search.elasticsearch import ElasticsearchIndex, elasticsearch_client
from testlanes.search import SearchService

from .search_adapter_cases import (
    SearchAdapterCases,
    UnreachableClusterCases,
    recreated,
    unused_local_url,
)


@pytest.fixture()
def index(elasticsearch_service: SearchService) -> Iterator[ElasticsearchIndex]:
    client = elasticsearch_client(elasticsearch_service.url)
    yield from recreated(
        ElasticsearchIndex(client, prefix=elasticsearch_service.index_prefix, refresh=True)
    )


@pytest.fixture()
def unreachable_index() -> Iterator[ElasticsearchIndex]:
    adapter = ElasticsearchIndex(
        elasticsearch_client(unused_local_url(), request_timeout=2, max_retries=0),
        prefix="catalog-test-",
    )
    yield adapter
    adapter.close()


@pytest.mark.services("elasticsearch")
class TestElasticsearchIndex(SearchAdapterCases):
    pass


class TestElasticsearchIndexOutage(UnreachableClusterCases):
    pass
