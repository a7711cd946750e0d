"""Elasticsearch 8.x adapter built on the official ``elasticsearch`` 8 client."""

from __future__ import annotations

from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, BadRequestError, Elasticsearch

from catalog.adapters.search.engine import ALREADY_EXISTS, REQUEST_TIMEOUT_SECONDS, EngineIndex
from catalog.adapters.search.mapping import index_definition


def elasticsearch_client(url: str, **client_options: Any) -> Elasticsearch:
    """Client for one node URL (credentials may be embedded in it)."""
    options: dict[str, Any] = {"request_timeout": REQUEST_TIMEOUT_SECONDS}
    options.update(client_options)
    return Elasticsearch(url, **options)


class ElasticsearchIndex(EngineIndex):
    backend = "elasticsearch"
    product = "Elasticsearch"

    def _create_index(self) -> None:
        definition = index_definition()
        self._client.indices.create(
            index=self.index, settings=definition["settings"], mappings=definition["mappings"]
        )

    def _delete_index(self) -> None:
        self._client.indices.delete(index=self.index, ignore_unavailable=True)

    def _bulk(self, operations: list[dict[str, Any]]) -> dict[str, Any]:
        refresh = {"refresh": True} if self._refresh else {}
        return self._client.bulk(operations=operations, **refresh).body

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        # The 8.x client takes the body's parts as keywords (its `body=` is deprecated).
        return self._client.search(
            index=self.index,
            query=body["query"],
            sort=body["sort"],
            size=body["size"],
            search_after=body.get("search_after"),
            source=body["_source"],
            track_total_hits=body["track_total_hits"],
        ).body

    def _already_exists(self, error: Exception) -> bool:
        if not isinstance(error, BadRequestError):
            return False
        body = error.body
        error_info = body.get("error") if isinstance(body, dict) else None
        return isinstance(error_info, dict) and error_info.get("type") == ALREADY_EXISTS

    def _outage_status(self, error: Exception) -> str | None:
        if isinstance(error, TransportConnectionError | ConnectionTimeout):
            return "not reachable"
        if isinstance(error, ApiError):
            return "unavailable" if error.meta.status >= 500 else None
        return None
