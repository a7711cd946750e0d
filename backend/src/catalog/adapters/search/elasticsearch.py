"""Elasticsearch 8.x adapter built on the official ``elasticsearch`` 8 client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, BadRequestError, Elasticsearch

from catalog.adapters.search.dsl_index import REQUEST_TIMEOUT_SECONDS, DslSearchIndex


def elasticsearch_client(url: str, **client_options: Any) -> Elasticsearch:
    """Client for one node URL (credentials may be embedded in it)."""
    options: dict[str, Any] = {"request_timeout": REQUEST_TIMEOUT_SECONDS}
    options.update(client_options)
    return Elasticsearch(url, **options)


class ElasticsearchIndex(DslSearchIndex[Elasticsearch]):
    backend = "elasticsearch"
    engine_title = "Elasticsearch"
    unreachable_errors = (TransportConnectionError, ConnectionTimeout)
    api_error = ApiError
    bad_request_error = BadRequestError

    @staticmethod
    def _status(error: ApiError) -> int | None:
        return error.meta.status

    @staticmethod
    def _error_type(error: ApiError) -> str | None:
        body = error.body
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return body["error"].get("type")
        return None

    def _index_exists(self) -> bool:
        return bool(self._client.indices.exists(index=self.index))

    def _create_index(self, definition: dict[str, Any]) -> None:
        # The 8.x client takes settings and mappings as separate keyword arguments.
        self._client.indices.create(
            index=self.index, settings=definition["settings"], mappings=definition["mappings"]
        )

    def _delete_index_if_present(self) -> None:
        self._client.indices.delete(index=self.index, ignore_unavailable=True)

    def _send_bulk(self, operations: list[dict[str, Any]]) -> Mapping[str, Any]:
        if self._refresh:
            return self._client.bulk(operations=operations, refresh=True).body
        return self._client.bulk(operations=operations).body

    def _send_search(self, body: dict[str, Any]) -> Mapping[str, Any]:
        # The 8.x client refuses a raw ``body``: every part of it is its own keyword argument.
        response = self._client.search(
            index=self.index,
            query=body["query"],
            sort=body["sort"],
            size=body["size"],
            search_after=body.get("search_after"),
            source=body["_source"],
            track_total_hits=body["track_total_hits"],
        )
        return response.body
