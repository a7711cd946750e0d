"""The JSON Lines import endpoint, driven through the ASGI app."""

from __future__ import annotations

import psycopg
import pytest

from catalog.adapters.memory import InMemoryStore


@pytest.fixture()
def collection(api) -> dict:
    workspace = api.post("/workspaces", json={"name": "Acme"}).json()
    api.post(f"/workspaces/{workspace['id']}/tags", json={"name": "Urgent"})
    return api.post(f"/workspaces/{workspace['id']}/collections", json={"name": "Docs"}).json()


def _import(api, collection_id: int, body: bytes, report: str | None = None):
    return api.post(
        f"/collections/{collection_id}/documents/import",
        params={"report": report} if report else None,
        content=body,
        headers={"content-type": "application/x-ndjson"},
    )


MIXED = b'{"title": "A"}\n\n{"title": ""}\nnot json\n{"title": "B", "tags": ["urgent"]}'


def test_import_counts_every_line_and_lists_only_the_failed_ones(api, collection) -> None:
    report = _import(api, collection["id"], MIXED).json()
    assert [(line["line"], line["status"]) for line in report["lines"]] == [
        (3, "error"),
        (4, "error"),
    ]
    assert (report["total"], report["created"], report["failed"]) == (4, 2, 2)


def test_import_with_report_lines_lists_every_non_blank_line(api, collection) -> None:
    report = _import(api, collection["id"], MIXED, report="lines").json()
    assert [(line["line"], line["status"]) for line in report["lines"]] == [
        (1, "created"),
        (3, "error"),
        (4, "error"),
        (5, "created"),
    ]
    assert (report["total"], report["created"], report["failed"]) == (4, 2, 2)


def test_import_error_lines_name_the_field(api, collection) -> None:
    report = _import(api, collection["id"], b'{"title": "x", "tags": ["nope"]}\n').json()
    assert (report["lines"][0]["field"], report["lines"][0]["status"]) == ("tags", "error")


def test_imported_documents_are_listed_in_the_collection(api, collection) -> None:
    _import(api, collection["id"], b'{"title": "A"}\n{"title": "B"}\n')
    listing = api.get(f"/collections/{collection['id']}/documents").json()
    assert [d["title"] for d in listing["items"]] == ["A", "B"]


def test_import_of_an_empty_body_is_an_empty_report(api, collection) -> None:
    report = _import(api, collection["id"], b"").json()
    assert (report["total"], report["lines"]) == (0, [])


def test_import_into_a_missing_collection_is_a_404(api) -> None:
    assert _import(api, 999, b'{"title": "A"}\n').status_code == 404


def test_import_interrupted_by_the_database_is_a_503_saying_how_far_it_got(
    api, collection, store: InMemoryStore
) -> None:
    store.commit_error = psycopg.OperationalError("connection lost")
    response = _import(api, collection["id"], b'{"title": "A"}\n')
    assert response.status_code == 503
    assert response.json()["imported_through_line"] == 0
