"""The HTTP layer over in-memory adapters: status codes, headers and problem bodies."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from catalog.adapters.memory import InMemorySearchIndex
from catalog.domain.errors import ServiceUnavailable
from catalog.http.app import create_app
from catalog.settings import Settings

PROBLEM = "application/problem+json"


@pytest.fixture()
def workspace(api) -> dict:
    return api.post("/workspaces", json={"name": "Acme"}).json()


@pytest.fixture()
def collection(api, workspace) -> dict:
    return api.post(f"/workspaces/{workspace['id']}/collections", json={"name": "Docs"}).json()


def test_create_workspace_returns_201_with_location(api) -> None:
    response = api.post("/workspaces", json={"name": "Acme Corp"})
    assert response.status_code == 201
    assert response.headers["location"] == f"/workspaces/{response.json()['id']}"
    assert response.json()["slug"] == "acme-corp"


def test_missing_required_field_is_a_422_problem_naming_it(api) -> None:
    response = api.post("/workspaces", json={})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"] == [
        {"field": "name", "location": "body", "message": "Field required"}
    ]


def test_malformed_json_body_is_a_422_problem(api) -> None:
    response = api.post(
        "/workspaces", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM)


def test_duplicate_slug_is_a_409_problem(api, workspace) -> None:
    response = api.post("/workspaces", json={"name": "ACME"})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "slug"


def test_unknown_resource_is_a_404_problem_with_instance(api) -> None:
    response = api.get("/documents/12345")
    assert response.status_code == 404
    assert response.json()["instance"] == "/documents/12345"


def test_ids_beyond_bigint_are_rejected_before_reaching_the_store(api) -> None:
    response = api.get(f"/workspaces/{2**63}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "workspace_id"


def test_unknown_route_is_a_404_problem(api) -> None:
    response = api.get("/nowhere")
    assert (response.status_code, response.headers["content-type"]) == (404, PROBLEM)


def test_wrong_method_is_a_405_problem(api) -> None:
    response = api.request("PUT", "/workspaces")
    assert (response.status_code, response.json()["type"]) == (405, "about:blank")


def test_delete_returns_204_without_body(api, workspace) -> None:
    response = api.delete(f"/workspaces/{workspace['id']}")
    assert (response.status_code, response.content) == (204, b"")


def test_patch_updates_and_returns_the_document(api, collection) -> None:
    created = api.post(f"/collections/{collection['id']}/documents", json={"title": "Draft"}).json()
    response = api.patch(f"/documents/{created['id']}", json={"title": "Final"})
    assert (response.status_code, response.json()["title"]) == (200, "Final")


def test_deleting_a_tag_in_use_is_a_409(api, workspace, collection) -> None:
    tag = api.post(f"/workspaces/{workspace['id']}/tags", json={"name": "Urgent"}).json()
    api.post(f"/collections/{collection['id']}/documents", json={"title": "x", "tags": ["urgent"]})
    response = api.delete(f"/tags/{tag['id']}")
    assert response.status_code == 409
    assert "remove it from them first" in response.json()["detail"]


def test_list_pagination_returns_a_working_next_cursor(api) -> None:
    for name in ("One", "Two", "Three"):
        api.post("/workspaces", json={"name": name})
    first = api.get("/workspaces", params={"limit": 2}).json()
    second = api.get("/workspaces", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [w["name"] for w in first["items"] + second["items"]] == ["One", "Two", "Three"]
    assert second["next_cursor"] is None


def test_tampered_cursor_is_a_400_problem_naming_cursor(api, workspace) -> None:
    api.post("/workspaces", json={"name": "Another"})
    cursor = api.get("/workspaces", params={"limit": 1}).json()["next_cursor"]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    response = api.get("/workspaces", params={"cursor": tampered})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"


def test_search_finds_documents_and_reports_scores(api, collection) -> None:
    api.post(f"/collections/{collection['id']}/documents", json={"title": "Budget plan"})
    api.post(f"/collections/{collection['id']}/documents", json={"title": "Holiday list"})
    body = api.get("/search", params={"q": "budget"}).json()
    assert [item["document"]["title"] for item in body["items"]] == ["Budget plan"]
    assert body["items"][0]["score"] > 0


def test_search_with_inverted_dates_is_a_422_naming_created_to(api) -> None:
    response = api.get(
        "/search",
        params={"created_from": "2024-02-01T00:00:00Z", "created_to": "2024-01-01T00:00:00Z"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "created_to"


def test_search_with_naive_date_is_a_422(api) -> None:
    response = api.get("/search", params={"created_from": "2024-02-01T00:00:00"})
    assert response.status_code == 422


def test_search_outage_is_a_503_problem(uow_factory, client_for) -> None:
    index = InMemorySearchIndex()
    index.error = ServiceUnavailable("search", "the OpenSearch cluster is not reachable")
    api = client_for(create_app(Settings(), uow_factory=uow_factory, search_index=index))
    response = api.get("/search", params={"q": "x"})
    assert response.status_code == 503
    assert response.json()["title"] == "Search unavailable"


def _failing_uow_factory():
    raise OperationalError("SELECT 1", {}, psycopg.OperationalError("connection refused"))


def test_database_outage_is_a_503_problem_without_traceback(fake_index, client_for) -> None:
    api = client_for(
        create_app(Settings(), uow_factory=_failing_uow_factory, search_index=fake_index)
    )
    response = api.get("/workspaces")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert "Traceback" not in response.text
    assert "connection refused" not in response.text


def test_readiness_probe_reports_database_outage(fake_index, client_for) -> None:
    def ping() -> None:
        raise psycopg.OperationalError("no route to host")

    api = client_for(
        create_app(Settings(), uow_factory=_failing_uow_factory, search_index=fake_index, ping=ping)
    )
    assert api.get("/health/ready").status_code == 503
    assert api.get("/health/live").status_code == 200


def test_unexpected_errors_are_a_generic_500_problem(fake_index, client_for) -> None:
    def broken_factory():
        raise RuntimeError("internal detail that must not leak")

    api = client_for(create_app(Settings(), uow_factory=broken_factory, search_index=fake_index))
    response = api.get("/workspaces")
    assert response.status_code == 500
    assert "internal detail" not in response.text
