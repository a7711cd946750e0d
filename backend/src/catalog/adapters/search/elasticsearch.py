"""Elasticsearch 8.x adapter built on the official ``elasticsearch`` 8 client."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, BadRequestError, Elasticsearch

from catalog.adapters.search.mapping import (
    build_search_body,
    bulk_delete_operations,
    bulk_failures,
    bulk_index_operations,
    index_definition,
    index_name,
    parse_search_response,
)
from catalog.domain.errors import ServiceUnavailable
from catalog.domain.models import Document
from catalog.domain.search import SearchPage, SearchQuery
from catalog.ports import SearchIndexError

REQUEST_TIMEOUT_SECONDS = 10


def elasticsearch_client(url: str, **client_options: Any) -> Elasticsearch:
    """Client for one node URL (credentials may be embedded in it)."""
    options: dict[str, Any] = {"request_timeout": REQUEST_TIMEOUT_SECONDS}
    options.update(client_options)
    return Elasticsearch(url, **options)


def _error_type(error: ApiError) -> str | None:
    body = error.body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"].get("type")
    return None


@contextmanager
def _unavailable_on_outage() -> Iterator[None]:
    try:
        yield
    except (TransportConnectionError, ConnectionTimeout) as error:
        raise ServiceUnavailable("search", "the Elasticsearch cluster is not reachable") from error
    except ApiError as error:
        if error.meta.status >= 500:
            raise ServiceUnavailable(
                "search", "the Elasticsearch cluster is unavailable"
            ) from error
        raise


class ElasticsearchIndex:
    backend = "elasticsearch"

    def __init__(self, client: Elasticsearch, *, prefix: str = "", refresh: bool = False) -> None:
        """``refresh=True`` makes writes visible to search immediately (tests); it is slow."""
        self._client = client
        self.index = index_name(prefix)
        self._refresh = refresh

    def _create(self) -> None:
        definition = index_definition()
        try:
            self._client.indices.create(
                index=self.index,
                settings=definition["settings"],
                mappings=definition["mappings"],
            )
        except BadRequestError as error:
            # Another process created it between our check and create.
            if _error_type(error) != "resource_already_exists_exception":
                raise

    def ensure_index(self) -> None:
        with _unavailable_on_outage():
            if not self._client.indices.exists(index=self.index):
                self._create()

    def recreate(self) -> None:
        with _unavailable_on_outage():
            self._client.indices.delete(index=self.index, ignore_unavailable=True)
            self._create()

    def _bulk(self, operations: list[dict[str, Any]]) -> Any:
        with _unavailable_on_outage():
            if self._refresh:
                return self._client.bulk(operations=operations, refresh=True)
            return self._client.bulk(operations=operations)

    def index_documents(self, documents: Sequence[Document]) -> None:
        if not documents:
            return
        response = self._bulk(bulk_index_operations(self.index, list(documents)))
        failures = bulk_failures(response.body)
        if failures:
            raise SearchIndexError("; ".join(failures))

    def delete_documents(self, document_ids: Sequence[int]) -> None:
        if not document_ids:
            return
        response = self._bulk(bulk_delete_operations(self.index, list(document_ids)))
        failures = bulk_failures(response.body, ignore_missing=True)
        if failures:
            raise SearchIndexError("; ".join(failures))

    def search(self, query: SearchQuery) -> SearchPage:
        body = build_search_body(query)
        with _unavailable_on_outage():
            response = self._client.search(
                index=self.index,
                query=body["query"],
                sort=body["sort"],
                size=body["size"],
                search_after=body.get("search_after"),
                source=body["_source"],
                track_total_hits=body["track_total_hits"],
            )
        return parse_search_response(query, response.body)

    def close(self) -> None:
        self._client.close()
