"""Contract-lane fixtures: recording fakes plugged into the official search clients' transports.

The fakes sit where the HTTP connection would be (opensearch-py ``connection_class``,
elastic-transport ``node_class``), so the clients' own request building, serialisation, error
handling and product checks all run; only the network is replaced by scripted responses taken
from the engines' documentation (``fixtures/``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from contract.engines import Engine, RecordedRequest, Script
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport._node import NodeApiResponse
from elasticsearch import BadRequestError, Elasticsearch
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir
from opensearchpy import OpenSearch
from opensearchpy.connection.base import Connection
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import RequestError

from catalog.adapters.search.elasticsearch import ElasticsearchIndex
from catalog.adapters.search.engine import EngineIndex
from catalog.adapters.search.opensearch import OpenSearchIndex

# Hypothesis caches data under ./.hypothesis by default; keep the repository clean when the
# lane runs from the repo root (under Pants it runs in a throwaway sandbox anyway).
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "catalog-hypothesis")

# Deterministic generation (stable CI) and no example database written into the repository.
settings.register_profile("catalog-contract", database=None, derandomize=True, deadline=None)
settings.load_profile("catalog-contract")


def _as_bytes(body: Any) -> bytes | None:
    if body is None:
        return None
    return body if isinstance(body, bytes) else str(body).encode()


def recording_opensearch_connection(script: Script) -> type[Connection]:
    class RecordingConnection(Connection):
        def perform_request(
            self,
            method: str,
            url: str,
            params: Any = None,
            body: Any = None,
            timeout: Any = None,
            ignore: Any = (),
            headers: Any = None,
        ) -> Any:
            request = RecordedRequest(
                method, url, {k: str(v) for k, v in (params or {}).items()}, _as_bytes(body)
            )
            response = script.next_response(request)
            if "raise" in response:
                raise response["raise"]
            raw = "" if response["body"] is None else json.dumps(response["body"])
            status = response["status"]
            if not 200 <= status < 300 and status not in (ignore or ()):
                self._raise_error(status, raw, "application/json")
            return status, {"content-type": "application/json"}, raw

        def close(self) -> None:
            """No sockets to release."""

    return RecordingConnection


def recording_elastic_node(script: Script) -> type[BaseNode]:
    class RecordingNode(BaseNode):
        def perform_request(
            self,
            method: str,
            target: str,
            body: bytes | None = None,
            headers: HttpHeaders | None = None,
            request_timeout: Any = None,
        ) -> NodeApiResponse:
            parts = urlsplit(target)
            request = RecordedRequest(method, parts.path, dict(parse_qsl(parts.query)), body)
            response = script.next_response(request)
            if "raise" in response:
                raise response["raise"]
            meta = ApiResponseMeta(
                status=response["status"],
                http_version="1.1",
                headers=HttpHeaders(response.get("headers", {})),
                duration=0.0,
                node=self.config,
            )
            raw = b"" if response["body"] is None else json.dumps(response["body"]).encode()
            return NodeApiResponse(meta, raw)

    return RecordingNode


def _index_factory(
    script: Script, build: Callable[[Script, str, bool], EngineIndex]
) -> Iterator[Callable[..., EngineIndex]]:
    created: list[EngineIndex] = []

    def make(prefix: str = "test-", refresh: bool = False) -> EngineIndex:
        created.append(build(script, prefix, refresh))
        return created[-1]

    yield make
    for index in created:
        index.close()


def _opensearch_index(script: Script, prefix: str, refresh: bool) -> EngineIndex:
    client = OpenSearch(
        hosts=["http://opensearch.invalid:9200"],
        connection_class=recording_opensearch_connection(script),
        max_retries=0,
    )
    return OpenSearchIndex(client, prefix=prefix, refresh=refresh)


def _elastic_index(script: Script, prefix: str, refresh: bool) -> EngineIndex:
    client = Elasticsearch(
        "http://elasticsearch.invalid:9200",
        node_class=recording_elastic_node(script),
        max_retries=0,
    )
    return ElasticsearchIndex(client, prefix=prefix, refresh=refresh)


# Elasticsearch 8 clients refuse replies without the product header (their product check).
ES_HEADERS = {
    "X-Elastic-Product": "Elasticsearch",
    "content-type": "application/vnd.elasticsearch+json;compatible-with=8",
}


@pytest.fixture()
def opensearch_script() -> Script:
    return Script("opensearch")


@pytest.fixture()
def elastic_script() -> Script:
    return Script("elasticsearch")


@pytest.fixture()
def make_opensearch_index(opensearch_script: Script) -> Iterator[Callable[..., EngineIndex]]:
    yield from _index_factory(opensearch_script, _opensearch_index)


@pytest.fixture()
def make_elastic_index(elastic_script: Script) -> Iterator[Callable[..., EngineIndex]]:
    yield from _index_factory(elastic_script, _elastic_index)


@pytest.fixture(params=["opensearch", "elasticsearch"])
def engine(
    request: pytest.FixtureRequest,
    opensearch_script: Script,
    elastic_script: Script,
    make_opensearch_index: Callable[..., EngineIndex],
    make_elastic_index: Callable[..., EngineIndex],
) -> Engine:
    if request.param == "opensearch":
        return Engine(
            "opensearch",
            opensearch_script,
            make_opensearch_index,
            bulk_method="POST",
            bad_request=RequestError,
            refused=OpenSearchConnectionError(
                "N/A", "Connection refused", ConnectionRefusedError()
            ),
        )
    return Engine(
        "elasticsearch",
        elastic_script,
        make_elastic_index,
        bulk_method="PUT",
        bad_request=BadRequestError,
        refused=TransportConnectionError("Connection refused"),
        error_headers=ES_HEADERS,
    )
