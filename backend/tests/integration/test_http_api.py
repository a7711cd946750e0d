"""The HTTP API end to end on a real database: the app builds its own engine from settings."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from catalog import migrations, serve
from catalog.http.app import create_app
from catalog.settings import Settings
from catalog_support.testclient import TestClient

pytestmark = pytest.mark.services("postgres")


@pytest.fixture()
def client(database_url: str, committing_engine: Engine) -> Iterator[TestClient]:
    """The app on this process's database; it commits, so committing_engine cleans up."""
    app = create_app(Settings(database_url=database_url, cursor_secret=b"s" * 32))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture()
def collection_id(client: TestClient) -> int:
    ws = client.post("/workspaces", json={"name": "Docs"}).json()
    client.post(f"/workspaces/{ws['id']}/tags", json={"name": "Howto"})
    return int(
        client.post(f"/workspaces/{ws['id']}/collections", json={"name": "Guides"}).json()["id"]
    )


def test_readiness_reports_ok_when_the_database_answers(client: TestClient) -> None:
    assert client.get("/health/ready").status_code == 200


def test_readiness_is_503_naming_the_revisions_on_an_unmigrated_database(
    empty_database_url: str,
) -> None:
    app = create_app(Settings(database_url=empty_database_url, cursor_secret=b"s" * 32))
    with TestClient(app) as unmigrated:
        response = unmigrated.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["type"].endswith("/schema-not-current")
    assert body["found_revision"] is None
    assert body["head_revision"] == migrations.head_revision()


def test_the_server_refuses_to_start_on_an_unmigrated_database(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    assert serve.main(["serve", "--port", "0"]) == 2
    error = capsys.readouterr().err
    assert "schema revision none (empty)" in error
    assert "python -m catalog migrate" in error
    assert "python -m catalog serve --migrate" in error


def test_a_created_workspace_can_be_read_back(client: TestClient) -> None:
    created = client.post("/workspaces", json={"name": "Team Space"})
    fetched = client.get(f"/workspaces/{created.json()['id']}")

    assert created.status_code == 201
    assert fetched.json()["slug"] == "team-space"


def test_a_duplicate_slug_is_answered_with_409_problem_details(client: TestClient) -> None:
    client.post("/workspaces", json={"name": "Dup", "slug": "dup"})
    second = client.post("/workspaces", json={"name": "Dup again", "slug": "dup"})

    assert second.status_code == 409
    assert second.headers["content-type"].startswith("application/problem+json")


def test_a_missing_workspace_is_404(client: TestClient) -> None:
    assert client.get("/workspaces/987654").status_code == 404


def test_listing_pages_with_an_opaque_cursor(client: TestClient) -> None:
    for i in range(3):
        client.post("/workspaces", json={"name": f"W{i}"})
    first = client.get("/workspaces", params={"limit": 2}).json()
    second = client.get("/workspaces", params={"limit": 2, "cursor": first["next_cursor"]}).json()

    names = [w["name"] for w in first["items"] + second["items"]]
    assert names == ["W0", "W1", "W2"]
    assert second["next_cursor"] is None


def test_a_document_with_tags_is_created_and_found_by_search(
    client: TestClient, collection_id: int
) -> None:
    created = client.post(
        f"/collections/{collection_id}/documents",
        json={"title": "Indexing PostgreSQL", "body": "gin indexes", "tags": ["howto"]},
    )
    found = client.get("/search", params={"q": "postgresql", "tag": "howto"})

    assert created.status_code == 201, created.text
    assert [item["document"]["id"] for item in found.json()["items"]] == [created.json()["id"]]


def test_deleting_a_tag_in_use_is_409_until_detached(
    client: TestClient, collection_id: int
) -> None:
    doc = client.post(
        f"/collections/{collection_id}/documents", json={"title": "T", "tags": ["howto"]}
    ).json()
    tag_id = client.get(f"/workspaces/{doc['workspace_id']}/tags").json()["items"][0]["id"]

    refused = client.delete(f"/tags/{tag_id}")
    client.patch(f"/documents/{doc['id']}", json={"tags": []})
    accepted = client.delete(f"/tags/{tag_id}")

    assert (refused.status_code, accepted.status_code) == (409, 204)


def test_deleting_a_workspace_removes_its_documents(client: TestClient, collection_id: int) -> None:
    doc = client.post(
        f"/collections/{collection_id}/documents", json={"title": "Gone", "tags": ["howto"]}
    ).json()

    assert client.delete(f"/workspaces/{doc['workspace_id']}").status_code == 204
    assert client.get(f"/documents/{doc['id']}").status_code == 404


def test_a_jsonl_import_reports_each_bad_line_and_keeps_the_good_ones(
    client: TestClient, collection_id: int
) -> None:
    body = "\n".join(
        [
            json.dumps({"title": "One"}),
            "{broken",
            json.dumps({"title": "Two", "tags": ["nope"]}),
            json.dumps({"title": "Three"}),
        ]
    )

    response = client.post(
        f"/collections/{collection_id}/documents/import",
        content=body.encode(),
        headers={"content-type": "application/x-ndjson"},
    )
    listed = client.get(f"/collections/{collection_id}/documents").json()

    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["failed"]) == (2, 2)
    assert [item["title"] for item in listed["items"]] == ["One", "Three"]
