"""Fixtures in the style of many existing suites: settings and engine imported at import time,
a session-wide seed that commits, and a teardown that deletes every row."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from inventory.core.db import engine
from inventory.models import Product, Supplier

with warnings.catch_warnings():
    # Starlette prefers httpx2; the client works with httpx, and warnings are errors here.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from inventory.api import app


@pytest.fixture(scope="session", autouse=True)
def db() -> Iterator[Session]:
    with Session(engine) as session:
        acme = Supplier(code="acme", name="Acme")
        session.add(acme)
        session.flush()
        session.add(Product(supplier_id=acme.id, sku="ACME-1", name="Anvil", price_cents=9900))
        session.commit()
        yield session
        session.execute(delete(Product))
        session.execute(delete(Supplier))
        session.commit()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture()
def acme_id(db: Session) -> int:
    supplier = db.query(Supplier).filter_by(code="acme").one()
    return supplier.id
