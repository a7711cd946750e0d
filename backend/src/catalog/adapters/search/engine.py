"""What the Elasticsearch and OpenSearch adapters share: the index lifecycle, bulk writes with
their failure report, search, and outages turned into ServiceUnavailable. Each engine's module
supplies only the calls its official client spells differently."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from catalog.adapters.search.mapping import (
    build_search_body,
    bulk_delete_operations,
    bulk_failures,
    bulk_index_operations,
    index_name,
    parse_search_response,
)
from catalog.domain.errors import ServiceUnavailable
from catalog.domain.models import Document
from catalog.domain.search import SearchPage, SearchQuery
from catalog.ports import SearchIndexError

REQUEST_TIMEOUT_SECONDS = 10
ALREADY_EXISTS = "resource_already_exists_exception"


class EngineIndex(ABC):
    backend: str  # "opensearch": as SEARCH_BACKEND names it
    product: str  # "OpenSearch": as error messages name it

    def __init__(self, client: Any, *, prefix: str = "", refresh: bool = False) -> None:
        """``refresh=True`` makes writes visible to search immediately (tests); it is slow."""
        self._client = client
        self.index = index_name(prefix)
        self._refresh = refresh

    # --- what each client spells its own way ---------------------------------------------------

    @abstractmethod
    def _create_index(self) -> None:
        """Create the index with its settings and mappings (index_definition())."""

    @abstractmethod
    def _delete_index(self) -> None:
        """Delete the index; a missing one is not an error."""

    @abstractmethod
    def _bulk(self, operations: list[dict[str, Any]]) -> dict[str, Any]:
        """Send bulk operations (refreshing if asked); the response body."""

    @abstractmethod
    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        """Run a search body against the index; the response body."""

    @abstractmethod
    def _already_exists(self, error: Exception) -> bool:
        """Whether error is the engine saying the index already exists."""

    @abstractmethod
    def _outage_status(self, error: Exception) -> str | None:
        """'not reachable' / 'unavailable' when error means the cluster is down, else None."""

    # --- shared behaviour --------------------------------------------------------------------

    @contextmanager
    def _unavailable_on_outage(self) -> Iterator[None]:
        try:
            yield
        except Exception as error:
            status = self._outage_status(error)
            if status is None:
                raise
            raise ServiceUnavailable("search", f"the {self.product} cluster is {status}") from error

    def _create(self) -> None:
        try:
            self._create_index()
        except Exception as error:
            # Another process created it between our check and create.
            if not self._already_exists(error):
                raise

    def ensure_index(self) -> None:
        with self._unavailable_on_outage():
            if not self._client.indices.exists(index=self.index):
                self._create()

    def recreate(self) -> None:
        with self._unavailable_on_outage():
            self._delete_index()
            self._create()

    def _write(self, operations: list[dict[str, Any]], *, ignore_missing: bool = False) -> None:
        with self._unavailable_on_outage():
            response = self._bulk(operations)
        failures = bulk_failures(response, ignore_missing=ignore_missing)
        if failures:
            raise SearchIndexError("; ".join(failures))

    def index_documents(self, documents: Sequence[Document]) -> None:
        if documents:
            self._write(bulk_index_operations(self.index, list(documents)))

    def delete_documents(self, document_ids: Sequence[int]) -> None:
        if document_ids:
            self._write(bulk_delete_operations(self.index, list(document_ids)), ignore_missing=True)

    def search(self, query: SearchQuery) -> SearchPage:
        with self._unavailable_on_outage():
            response = self._search(build_search_body(query))
        return parse_search_response(query, response)

    def close(self) -> None:
        self._client.close()
