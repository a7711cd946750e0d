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
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

import pytest
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport._node import NodeApiResponse
from elasticsearch import Elasticsearch
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir
from opensearchpy import OpenSearch
from opensearchpy.connection.base import Connection
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError

from catalog.adapters.search.dsl_index import DslSearchIndex
from catalog.adapters.search.elasticsearch import ElasticsearchIndex
from catalog.adapters.search.opensearch import OpenSearchIndex
from catalog.domain.models import Document

# Hypothesis caches data under ./.hypothesis by default; keep the repository clean when the
# lane runs from the repo root (under Pants it runs in a throwaway sandbox anyway).
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "catalog-hypothesis")

# Deterministic generation (stable CI) and no example database written into the repository.
settings.register_profile("catalog-contract", database=None, derandomize=True, deadline=None)
settings.load_profile("catalog-contract")

FIXTURES = Path(__file__).with_name("fixtures")

# The document the adapter tests index (its JSON form is what the fixtures' replies assume).
CREATED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
DOCUMENT = Document(42, 1, 7, "Onboarding guide", "Welcome", ("hr",), CREATED, CREATED)


def load_fixture(engine: str, name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / engine / f"{name}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    params: dict[str, str]
    body: bytes | None

    def json(self) -> Any:
        assert self.body is not None, "request had no body"
        return json.loads(self.body)

    def ndjson(self) -> list[Any]:
        assert self.body is not None, "request had no body"
        return [json.loads(line) for line in self.body.decode().splitlines() if line]


@dataclass
class Script:
    """Responses to hand out in order, and the requests that consumed them."""

    engine: str
    responses: deque[dict[str, Any]] = field(default_factory=deque)
    requests: list[RecordedRequest] = field(default_factory=list)

    def then(self, *names: str) -> Script:
        for name in names:
            self.responses.append(load_fixture(self.engine, name))
        return self

    def respond(self, status: int, body: Any, headers: dict[str, str] | None = None) -> Script:
        """An ad-hoc response (for error shapes no fixture needs to document)."""
        self.responses.append({"status": status, "body": body, "headers": headers or {}})
        return self

    def fail(self, error: Exception) -> Script:
        """Raise ``error`` from the transport, as a refused connection would."""
        self.responses.append({"raise": error})
        return self

    def next_response(self, request: RecordedRequest) -> dict[str, Any]:
        self.requests.append(request)
        assert self.responses, f"unexpected request {request.method} {request.path}"
        return self.responses.popleft()

    @property
    def only(self) -> RecordedRequest:
        assert len(self.requests) == 1, [f"{r.method} {r.path}" for r in self.requests]
        return self.requests[0]


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


@pytest.fixture()
def opensearch_script() -> Script:
    return Script("opensearch")


@pytest.fixture()
def elastic_script() -> Script:
    return Script("elasticsearch")


IndexT = TypeVar("IndexT", bound=DslSearchIndex[Any])


def _index_maker(
    index_class: type[IndexT], new_client: Callable[[], Any]
) -> Iterator[Callable[..., IndexT]]:
    """Fixture body: a factory of adapters on fresh recording clients, all closed afterwards."""
    created: list[IndexT] = []

    def make(prefix: str = "test-", refresh: bool = False) -> IndexT:
        index = index_class(new_client(), prefix=prefix, refresh=refresh)
        created.append(index)
        return index

    yield make
    for index in created:
        index.close()


@pytest.fixture()
def make_opensearch_index(opensearch_script: Script) -> Iterator[Callable[..., OpenSearchIndex]]:
    yield from _index_maker(
        OpenSearchIndex,
        lambda: OpenSearch(
            hosts=["http://opensearch.invalid:9200"],
            connection_class=recording_opensearch_connection(opensearch_script),
            max_retries=0,
        ),
    )


@pytest.fixture()
def make_elastic_index(elastic_script: Script) -> Iterator[Callable[..., ElasticsearchIndex]]:
    yield from _index_maker(
        ElasticsearchIndex,
        lambda: Elasticsearch(
            "http://elasticsearch.invalid:9200",
            node_class=recording_elastic_node(elastic_script),
            max_retries=0,
        ),
    )


# The 8.x client refuses replies that do not name the product (its product check).
ELASTICSEARCH_HEADERS = {
    "X-Elastic-Product": "Elasticsearch",
    "content-type": "application/vnd.elasticsearch+json;compatible-with=8",
}


@dataclass(frozen=True)
class SearchEngine:
    """One engine's recording fixtures, for tests both adapters must pass alike."""

    script: Script
    make_index: Callable[..., DslSearchIndex[Any]]
    # Headers every reply from this engine carries (for ad-hoc ``Script.respond`` replies).
    reply_headers: dict[str, str]
    # What the client's transport raises when the connection is refused.
    refused: Exception
    # The HTTP verb the client sends bulk requests with.
    bulk_method: str


@pytest.fixture(params=["opensearch", "elasticsearch"])
def search_engine(request: pytest.FixtureRequest) -> SearchEngine:
    if request.param == "opensearch":
        return SearchEngine(
            request.getfixturevalue("opensearch_script"),
            request.getfixturevalue("make_opensearch_index"),
            {},
            OpenSearchConnectionError("N/A", "Connection refused", ConnectionRefusedError()),
            "POST",
        )
    return SearchEngine(
        request.getfixturevalue("elastic_script"),
        request.getfixturevalue("make_elastic_index"),
        ELASTICSEARCH_HEADERS,
        TransportConnectionError("Connection refused"),
        "PUT",
    )
