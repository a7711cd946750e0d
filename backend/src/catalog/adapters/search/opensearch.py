"""OpenSearch 2.x adapter built on the official ``opensearch-py`` client."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import RequestError, TransportError

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


def opensearch_client(url: str, **client_options: Any) -> OpenSearch:
    """Client for one node URL (credentials may be embedded in it)."""
    options: dict[str, Any] = {"timeout": REQUEST_TIMEOUT_SECONDS}
    options.update(client_options)
    return OpenSearch(hosts=[url], **options)


def _error_type(error: TransportError) -> str | None:
    info = error.info
    if isinstance(info, dict) and isinstance(info.get("error"), dict):
        return info["error"].get("type")
    return error.error if isinstance(error.error, str) else None


@contextmanager
def _unavailable_on_outage() -> Iterator[None]:
    try:
        yield
    except OpenSearchConnectionError as error:
        raise ServiceUnavailable("search", "the OpenSearch cluster is not reachable") from error
    except TransportError as error:
        if isinstance(error.status_code, int) and error.status_code >= 500:
            raise ServiceUnavailable("search", "the OpenSearch cluster is unavailable") from error
        raise


class OpenSearchIndex:
    backend = "opensearch"

    def __init__(self, client: OpenSearch, *, prefix: str = "", refresh: bool = False) -> None:
        """``refresh=True`` makes writes visible to search immediately (tests); it is slow."""
        self._client = client
        self.index = index_name(prefix)
        self._refresh = refresh

    def _write_params(self) -> dict[str, str]:
        return {"refresh": "true"} if self._refresh else {}

    def _create(self) -> None:
        try:
            self._client.indices.create(index=self.index, body=index_definition())
        except RequestError as error:
            # Another process created it between our check and create.
            if _error_type(error) != "resource_already_exists_exception":
                raise

    def ensure_index(self) -> None:
        with _unavailable_on_outage():
            if not self._client.indices.exists(index=self.index):
                self._create()

    def recreate(self) -> None:
        with _unavailable_on_outage():
            self._client.indices.delete(index=self.index, params={"ignore_unavailable": "true"})
            self._create()

    def index_documents(self, documents: Sequence[Document]) -> None:
        if not documents:
            return
        with _unavailable_on_outage():
            response = self._client.bulk(
                body=bulk_index_operations(self.index, list(documents)),
                params=self._write_params(),
            )
        failures = bulk_failures(response)
        if failures:
            raise SearchIndexError("; ".join(failures))

    def delete_documents(self, document_ids: Sequence[int]) -> None:
        if not document_ids:
            return
        with _unavailable_on_outage():
            response = self._client.bulk(
                body=bulk_delete_operations(self.index, list(document_ids)),
                params=self._write_params(),
            )
        failures = bulk_failures(response, ignore_missing=True)
        if failures:
            raise SearchIndexError("; ".join(failures))

    def search(self, query: SearchQuery) -> SearchPage:
        with _unavailable_on_outage():
            response = self._client.search(index=self.index, body=build_search_body(query))
        return parse_search_response(query, response)

    def close(self) -> None:
        self._client.close()
