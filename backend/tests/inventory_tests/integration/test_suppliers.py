from __future__ import annotations

import uuid

from fastapi.testclient import TestClient


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_create_supplier_derives_the_code_from_the_name(client: TestClient) -> None:
    name = unique("Globex Corp")
    response = client.post("/suppliers", json={"name": name})
    assert response.status_code == 201
    assert response.json()["code"] == name.lower().replace(" ", "-")


def test_create_supplier_with_a_taken_code_is_a_conflict(client: TestClient) -> None:
    response = client.post("/suppliers", json={"name": "Acme again", "code": "acme"})
    assert response.status_code == 409


def test_create_supplier_with_a_bad_code_is_rejected(client: TestClient) -> None:
    response = client.post("/suppliers", json={"name": "X", "code": "Not A Slug"})
    assert response.status_code == 422


def test_read_the_seeded_supplier(client: TestClient, acme_id: int) -> None:
    response = client.get(f"/suppliers/{acme_id}")
    assert response.status_code == 200
    assert response.json()["name"] == "Acme"


def test_read_a_missing_supplier_is_not_found(client: TestClient) -> None:
    assert client.get("/suppliers/987654").status_code == 404


def test_delete_a_supplier_without_products(client: TestClient) -> None:
    created = client.post("/suppliers", json={"name": unique("Initech")}).json()
    assert client.delete(f"/suppliers/{created['id']}").status_code == 204
    assert client.get(f"/suppliers/{created['id']}").status_code == 404


def test_delete_a_supplier_with_products_is_a_conflict(client: TestClient, acme_id: int) -> None:
    response = client.delete(f"/suppliers/{acme_id}")
    assert response.status_code == 409
    assert client.get(f"/suppliers/{acme_id}").status_code == 200


def test_list_suppliers_pages_by_id(client: TestClient) -> None:
    for _ in range(3):
        client.post("/suppliers", json={"name": unique("Paged")})
    first = client.get("/suppliers", params={"limit": 2}).json()
    assert len(first["items"]) == 2
    assert first["next_after"] == first["items"][-1]["id"]
    second = client.get("/suppliers", params={"limit": 2, "after": first["next_after"]}).json()
    assert all(s["id"] > first["next_after"] for s in second["items"])
