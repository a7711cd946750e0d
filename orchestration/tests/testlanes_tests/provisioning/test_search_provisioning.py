"""A shared search server per mode, against a stand-in that answers as OpenSearch does: slot
mode deletes its own indices when it starts (a killed run's) and when it closes; serial mode
holds the machine's lock while open. The real engines are exercised in CI with their servers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from testlanes.config import TestSettings
from testlanes.errors import ServiceLockTimeout
from testlanes.locks import ServiceLock
from testlanes.search import provision_search

# A stand-in server of this test's own: nothing testlanes provisioned for the process.
pytestmark = pytest.mark.manages_databases


class FakeOpenSearch(BaseHTTPRequestHandler):
    indices: ClassVar[set[str]] = set()  # the fake server's state, shared by its handlers

    def _answer(self, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/":
            self._answer({"version": {"number": "2.11.0"}})
            return
        prefix = self.path.split("/_cat/indices/", 1)[1].split("*", 1)[0]
        self._answer([{"index": name} for name in sorted(self.indices) if name.startswith(prefix)])

    def do_DELETE(self) -> None:
        self.indices.discard(self.path.lstrip("/"))
        self._answer({"acknowledged": True})

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    FakeOpenSearch.indices = set()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenSearch)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _settings(url: str, tmp_path: Path, **more: str) -> TestSettings:
    env = {"TEST_OPENSEARCH_URL": url, "TEST_OPENSEARCH_VERSION": "2", "TEST_SLOT": "7"}
    return TestSettings.from_env({**env, "TEST_LOCK_DIR": str(tmp_path), **more})


def test_slot_mode_deletes_its_own_indices_at_start_and_at_close(
    server: str, tmp_path: Path
) -> None:
    settings = _settings(server, tmp_path, TEST_ISOLATION="slot")
    mine = f"tl_test_{settings.slot_suffix()}_docs"
    FakeOpenSearch.indices = {mine, "tl_test_s8_docs"}  # a killed run's, another slot's

    service = provision_search("opensearch", settings, announce=lambda _: None)
    assert FakeOpenSearch.indices == {"tl_test_s8_docs"}
    FakeOpenSearch.indices.add(mine)
    service.close()

    assert FakeOpenSearch.indices == {"tl_test_s8_docs"}


def test_serial_mode_holds_the_machines_lock_until_it_closes(server: str, tmp_path: Path) -> None:
    settings = _settings(server, tmp_path)
    other = ServiceLock("opensearch", server, lock_dir=tmp_path, timeout=0.1)

    service = provision_search("opensearch", settings, announce=lambda _: None)
    with pytest.raises(ServiceLockTimeout, match="gave up after"):
        other.acquire()
    service.close()

    other.acquire()
    other.release()
