"""OpenSearch 2.x adapter built on the official ``opensearch-py`` client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import RequestError, TransportError

from catalog.adapters.search.dsl_index import REQUEST_TIMEOUT_SECONDS, DslSearchIndex


def opensearch_client(url: str, **client_options: Any) -> OpenSearch:
    """Client for one node URL (credentials may be embedded in it)."""
    options: dict[str, Any] = {"timeout": REQUEST_TIMEOUT_SECONDS}
    options.update(client_options)
    return OpenSearch(hosts=[url], **options)


class OpenSearchIndex(DslSearchIndex[OpenSearch]):
    backend = "opensearch"
    engine_title = "OpenSearch"
    # ConnectionError subclasses TransportError, so it must be told apart first (the base does).
    unreachable_errors = (OpenSearchConnectionError,)
    api_error = TransportError
    bad_request_error = RequestError

    @staticmethod
    def _status(error: TransportError) -> int | None:
        return error.status_code if isinstance(error.status_code, int) else None

    @staticmethod
    def _error_type(error: TransportError) -> str | None:
        info = error.info
        if isinstance(info, dict) and isinstance(info.get("error"), dict):
            return info["error"].get("type")
        return error.error if isinstance(error.error, str) else None

    def _write_params(self) -> dict[str, str]:
        return {"refresh": "true"} if self._refresh else {}

    def _index_exists(self) -> bool:
        return bool(self._client.indices.exists(index=self.index))

    def _create_index(self, definition: dict[str, Any]) -> None:
        self._client.indices.create(index=self.index, body=definition)

    def _delete_index_if_present(self) -> None:
        self._client.indices.delete(index=self.index, params={"ignore_unavailable": "true"})

    def _send_bulk(self, operations: list[dict[str, Any]]) -> Mapping[str, Any]:
        return self._client.bulk(body=operations, params=self._write_params())

    def _send_search(self, body: dict[str, Any]) -> Mapping[str, Any]:
        return self._client.search(index=self.index, body=body)
