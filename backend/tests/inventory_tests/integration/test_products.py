from __future__ import annotations

import uuid

from fastapi.testclient import TestClient


def sku() -> str:
    return f"SKU-{uuid.uuid4().hex[:8]}"


def test_create_a_product_of_the_seeded_supplier(client: TestClient, acme_id: int) -> None:
    body = {"supplier_id": acme_id, "sku": sku(), "name": "Rocket", "price_cents": 1200}
    response = client.post("/products", json=body)
    assert response.status_code == 201
    assert response.json()["supplier_id"] == acme_id


def test_a_product_of_a_missing_supplier_is_not_found(client: TestClient) -> None:
    body = {"supplier_id": 987654, "sku": sku(), "name": "Ghost", "price_cents": 1}
    assert client.post("/products", json=body).status_code == 404


def test_a_duplicate_sku_is_a_conflict(client: TestClient, acme_id: int) -> None:
    body = {"supplier_id": acme_id, "sku": "ACME-1", "name": "Anvil II", "price_cents": 1}
    assert client.post("/products", json=body).status_code == 409


def test_a_negative_price_is_rejected(client: TestClient, acme_id: int) -> None:
    body = {"supplier_id": acme_id, "sku": sku(), "name": "Refund", "price_cents": -1}
    assert client.post("/products", json=body).status_code == 422


def test_read_a_product(client: TestClient, acme_id: int) -> None:
    created = client.post(
        "/products", json={"supplier_id": acme_id, "sku": sku(), "name": "Bolt", "price_cents": 5}
    ).json()
    assert client.get(f"/products/{created['id']}").json()["name"] == "Bolt"


def test_read_a_missing_product_is_not_found(client: TestClient) -> None:
    assert client.get("/products/987654").status_code == 404


def test_list_products_of_one_supplier(client: TestClient, acme_id: int) -> None:
    other = client.post("/suppliers", json={"name": f"Other {uuid.uuid4().hex[:6]}"}).json()
    client.post(
        "/products", json={"supplier_id": other["id"], "sku": sku(), "name": "O", "price_cents": 1}
    )
    items = client.get("/products", params={"supplier_id": acme_id}).json()["items"]
    assert items
    assert {p["supplier_id"] for p in items} == {acme_id}


def test_the_seeded_product_is_there(client: TestClient) -> None:
    skus = {p["sku"] for p in client.get("/products", params={"limit": 100}).json()["items"]}
    assert "ACME-1" in skus
