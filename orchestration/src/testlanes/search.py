"""Shared OpenSearch / Elasticsearch servers for one test process.

serial: the cross-process lock per server (an flock: one machine only, since search engines
        have no lock of their own), indices under the prefix ``tl_test_``.
slot:   no lock; every index this process creates starts with its own slot prefix, and indices
        under that prefix are deleted when the process starts (a killed run's) and ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

from testlanes.config import URL_VARS, VERSION_VARS, TestSettings, version_matches
from testlanes.errors import ConfigError, ServiceUnavailable
from testlanes.exports import INDEX_PREFIX_NAME, SEARCH_URL_NAMES
from testlanes.locks import ServiceLock

if TYPE_CHECKING:
    import httpx

# Every index a test creates starts with this (the app reads its prefix from INDEX_PREFIX_NAME).
INDEX_PREFIX = "tl_test_"


class SearchService:
    """A shared search server for this process: its client, and what the mode holds (the
    serial lock) in ``cleanup``; slot mode deletes the process's indices when it closes."""

    def __init__(
        self,
        name: str,
        url: str,
        index_prefix: str,
        *,
        version: str,
        client: httpx.Client,
        cleanup: contextlib.ExitStack,
        delete_on_close: bool,
    ) -> None:
        self.name = name
        self.url = url
        self.index_prefix = index_prefix
        self.version = version
        self._client = client
        self._exit = cleanup
        self._delete_on_close = delete_on_close

    def env_exports(self) -> dict[str, str]:
        return {SEARCH_URL_NAMES[self.name]: self.url, INDEX_PREFIX_NAME: self.index_prefix}

    def delete_indices(self) -> list[str]:
        """Delete this process's indices by name (ES 8 refuses wildcard deletes by default)."""
        resp = self._client.get(
            f"/_cat/indices/{self.index_prefix}*",
            params={"format": "json", "h": "index", "expand_wildcards": "all"},
        )
        resp.raise_for_status()
        names = [row["index"] for row in resp.json()]
        for index in names:
            self._client.delete(f"/{index}").raise_for_status()
        return names

    def close(self) -> None:
        with self._exit:  # the client and the lock go last, whatever the delete does
            if self._delete_on_close:
                self.delete_indices()


def _httpx(name: str) -> ModuleType:
    """httpx, the wheel's `search` extra: suites that declare no search service never need it."""
    try:
        import httpx
    except ImportError:
        raise ConfigError(
            f"a test declares the {name} service, which needs httpx: install testlanes[search] "
            f"(pip install 'testlanes[search]')"
        ) from None
    return httpx


def _client(name: str, url: str, timeout: float) -> httpx.Client:
    httpx = _httpx(name)
    return httpx.Client(base_url=url, timeout=httpx.Timeout(30.0, connect=timeout), verify=False)


def provision_search(
    name: str, settings: TestSettings, announce: Callable[[str], None]
) -> SearchService:
    url = settings.urls[name]
    expected = settings.versions.get(name)
    if expected is None:
        raise ConfigError(
            f"{URL_VARS[name]} is set, so {VERSION_VARS[name]} must declare the server's version; "
            f"it is part of the test cache key"
        )
    slot = settings.isolation == "slot"
    prefix = f"{INDEX_PREFIX}{settings.slot_suffix()}_" if slot else INDEX_PREFIX
    httpx = _httpx(name)
    with contextlib.ExitStack() as cleanup:
        client = cleanup.enter_context(_client(name, url, settings.connect_timeout))
        try:
            info = client.get("/").raise_for_status().json()
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(
                f"{name} is unreachable at {url} (from {URL_VARS[name]}) within "
                f"{settings.connect_timeout:.0f} s: {exc}"
            ) from None
        version = str(info.get("version", {}).get("number", ""))
        if not version_matches(expected, version):
            raise ConfigError(
                f"{VERSION_VARS[name]}={expected!r} but {url} reports {version!r}: update the "
                f"variable so cached test results from the old server are not reused"
            )
        if not slot:
            lock = ServiceLock(
                name,
                url,
                lock_dir=settings.lock_dir,
                timeout=settings.lock_timeout,
                announce=announce,
            )
            lock.acquire()
            cleanup.callback(lock.release)
        service = SearchService(
            name,
            url,
            prefix,
            version=version,
            client=client,
            cleanup=cleanup.pop_all(),
            delete_on_close=slot,
        )
    try:
        service.delete_indices()  # a killed run's, or the last holder's of the serial lock
    except BaseException:
        service.close()
        raise
    return service
