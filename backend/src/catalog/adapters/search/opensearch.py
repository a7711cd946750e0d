"""OpenSearch 2.x adapter built on the official ``opensearch-py`` client."""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import RequestError, TransportError

from catalog.adapters.search.engine import ALREADY_EXISTS, REQUEST_TIMEOUT_SECONDS, EngineIndex
from catalog.adapters.search.mapping import index_definition


def opensearch_client(url: str, **client_options: Any) -> OpenSearch:
    """Client for one node URL (credentials may be embedded in it)."""
    options: dict[str, Any] = {"timeout": REQUEST_TIMEOUT_SECONDS}
    options.update(client_options)
    return OpenSearch(hosts=[url], **options)


class OpenSearchIndex(EngineIndex):
    backend = "opensearch"
    product = "OpenSearch"

    def _params(self) -> dict[str, str]:
        return {"refresh": "true"} if self._refresh else {}

    def _create_index(self) -> None:
        self._client.indices.create(index=self.index, body=index_definition())

    def _delete_index(self) -> None:
        self._client.indices.delete(index=self.index, params={"ignore_unavailable": "true"})

    def _bulk(self, operations: list[dict[str, Any]]) -> dict[str, Any]:
        return self._client.bulk(body=operations, params=self._params())

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._client.search(index=self.index, body=body)

    def _already_exists(self, error: Exception) -> bool:
        if not isinstance(error, RequestError):
            return False
        info = error.info
        if isinstance(info, dict) and isinstance(info.get("error"), dict):
            return info["error"].get("type") == ALREADY_EXISTS
        return error.error == ALREADY_EXISTS

    def _outage_status(self, error: Exception) -> str | None:
        if isinstance(error, OpenSearchConnectionError):
            return "not reachable"
        if isinstance(error, TransportError) and isinstance(error.status_code, int):
            return "unavailable" if error.status_code >= 500 else None
        return None
