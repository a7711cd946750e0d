"""The OpenSearch 2.x and Elasticsearch 8.x adapters against real servers (TEST_OPENSEARCH_URL,
TEST_ELASTICSEARCH_URL); their outage handling always (no server needed). The cases are shared
(search_adapter_cases.py) and run once per engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from catalog.adapters.search.dsl_index import DslSearchIndex
from catalog.adapters.search.elasticsearch import ElasticsearchIndex, elasticsearch_client
from catalog.adapters.search.opensearch import OpenSearchIndex, opensearch_client

from .search_adapter_cases import (
    SearchAdapterCases,
    UnreachableClusterCases,
    closed_after,
    recreated,
    unused_local_url,
)

Index = DslSearchIndex[Any]


def _opensearch(url: str, prefix: str, *, refresh: bool = False, **client: Any) -> Index:
    return OpenSearchIndex(opensearch_client(url, **client), prefix=prefix, refresh=refresh)


def _elasticsearch(url: str, prefix: str, *, refresh: bool = False, **client: Any) -> Index:
    return ElasticsearchIndex(elasticsearch_client(url, **client), prefix=prefix, refresh=refresh)


# Each engine's adapter, and its client's option for a short request timeout.
ENGINES: dict[str, tuple[Callable[..., Index], str]] = {
    "opensearch": (_opensearch, "timeout"),
    "elasticsearch": (_elasticsearch, "request_timeout"),
}


@pytest.fixture(params=[pytest.param(name, marks=pytest.mark.services(name)) for name in ENGINES])
def index(request: pytest.FixtureRequest) -> Iterator[Index]:
    service = request.getfixturevalue(f"{request.param}_service")
    build, _ = ENGINES[request.param]
    yield from recreated(build(service.url, service.index_prefix, refresh=True))


@pytest.fixture(params=list(ENGINES))
def unreachable_index(request: pytest.FixtureRequest) -> Iterator[Index]:
    build, timeout = ENGINES[request.param]
    yield from closed_after(
        build(unused_local_url(), "catalog-test-", max_retries=0, **{timeout: 2})
    )


class TestEngineIndex(SearchAdapterCases):
    pass


class TestEngineIndexOutage(UnreachableClusterCases):
    pass
