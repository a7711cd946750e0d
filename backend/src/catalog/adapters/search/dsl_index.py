"""What the Elasticsearch and OpenSearch adapters share.

Both engines speak the same DSL (see ``mapping``); only their official clients differ in how a
request is spelled and how an error looks. Subclasses supply those few client calls; the index
lifecycle, the bulk-failure handling and the outage translation live here once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Generic, Protocol, TypeVar

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
ALREADY_EXISTS = "resource_already_exists_exception"


class _Closable(Protocol):
    def close(self) -> None: ...


ClientT = TypeVar("ClientT", bound=_Closable)


class DslSearchIndex(ABC, Generic[ClientT]):
    backend: ClassVar[str]
    # Engine name as it appears in ServiceUnavailable messages.
    engine_title: ClassVar[str]

    def __init__(self, client: ClientT, *, prefix: str = "", refresh: bool = False) -> None:
        """``refresh=True`` makes writes visible to search immediately (tests); it is slow."""
        self._client = client
        self.index = index_name(prefix)
        self._refresh = refresh

    # -- the client-specific part ------------------------------------------------------------

    # Errors meaning the node could not be reached at all.
    unreachable_errors: ClassVar[tuple[type[Exception], ...]]
    # Errors carrying an HTTP reply from the engine, and the 400 one index creation raises.
    api_error: ClassVar[type[Exception]]
    bad_request_error: ClassVar[type[Exception]]

    @staticmethod
    @abstractmethod
    def _status(error: Any) -> int | None:
        """The HTTP status of an ``api_error``."""

    @staticmethod
    @abstractmethod
    def _error_type(error: Any) -> str | None:
        """The ``error.type`` named in a ``bad_request_error``'s reply."""

    @abstractmethod
    def _index_exists(self) -> bool: ...

    @abstractmethod
    def _create_index(self, definition: dict[str, Any]) -> None: ...

    @abstractmethod
    def _delete_index_if_present(self) -> None: ...

    @abstractmethod
    def _send_bulk(self, operations: list[dict[str, Any]]) -> Mapping[str, Any]:
        """Send one bulk request (asking for a refresh when ``self._refresh``); the reply body."""

    @abstractmethod
    def _send_search(self, body: dict[str, Any]) -> Mapping[str, Any]: ...

    # -- shared behaviour --------------------------------------------------------------------

    @contextmanager
    def _unavailable_on_outage(self) -> Iterator[None]:
        try:
            yield
        except self.unreachable_errors as error:
            message = f"the {self.engine_title} cluster is not reachable"
            raise ServiceUnavailable("search", message) from error
        except self.api_error as error:
            status = self._status(error)
            if status is not None and status >= 500:
                message = f"the {self.engine_title} cluster is unavailable"
                raise ServiceUnavailable("search", message) from error
            raise

    def _create(self) -> None:
        try:
            self._create_index(index_definition())
        except self.bad_request_error as error:
            # Another process created it between our check and create.
            if self._error_type(error) != ALREADY_EXISTS:
                raise

    def ensure_index(self) -> None:
        with self._unavailable_on_outage():
            if not self._index_exists():
                self._create()

    def recreate(self) -> None:
        with self._unavailable_on_outage():
            self._delete_index_if_present()
            self._create()

    def _bulk(self, operations: list[dict[str, Any]], *, ignore_missing: bool = False) -> None:
        with self._unavailable_on_outage():
            response = self._send_bulk(operations)
        failures = bulk_failures(response, ignore_missing=ignore_missing)
        if failures:
            raise SearchIndexError("; ".join(failures))

    def index_documents(self, documents: Sequence[Document]) -> None:
        if documents:
            self._bulk(bulk_index_operations(self.index, list(documents)))

    def delete_documents(self, document_ids: Sequence[int]) -> None:
        if document_ids:
            self._bulk(bulk_delete_operations(self.index, list(document_ids)), ignore_missing=True)

    def search(self, query: SearchQuery) -> SearchPage:
        with self._unavailable_on_outage():
            response = self._send_search(build_search_body(query))
        return parse_search_response(query, response)

    def close(self) -> None:
        self._client.close()
