"""The HTTP API: plain sync FastAPI endpoints on a session per request."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, HTTPException, Query, Response, status
from psycopg import errors as pg_errors
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from inventory.core.config import settings
from inventory.core.db import get_session
from inventory.models import Product, Supplier
from inventory.schemas import (
    ProductIn,
    ProductOut,
    ProductPage,
    SupplierIn,
    SupplierOut,
    SupplierPage,
)
from slugkit import slugify

app = FastAPI(title="inventory", version="1.0.0")
SessionDep = Annotated[Session, Depends(get_session)]
After = Annotated[int | None, Query(ge=0, description="the last id of the previous page")]
Limit = Annotated[int, Query(ge=1, le=settings.PAGE_SIZE_MAX)]
RowT = TypeVar("RowT", Supplier, Product)


def _keyset_page(
    session: Session,
    query: Select[Any],
    key: InstrumentedAttribute[int],
    after: int | None,
    limit: int,
) -> tuple[list[Any], int | None]:
    """One page by ascending id after ``after``, and the id to continue after (None: last)."""
    query = query.order_by(key).limit(limit + 1)
    if after is not None:
        query = query.where(key > after)
    rows = list(session.scalars(query))
    page = rows[:limit]
    return page, (page[-1].id if len(rows) > limit else None)


def _conflict_or_raise(session: Session, exc: IntegrityError, what: str) -> HTTPException:
    session.rollback()
    if isinstance(exc.orig, pg_errors.UniqueViolation):
        return HTTPException(status.HTTP_409_CONFLICT, f"{what} already exists")
    if isinstance(exc.orig, pg_errors.ForeignKeyViolation):
        return HTTPException(status.HTTP_409_CONFLICT, f"{what} is still referenced")
    raise exc


def _commit(session: Session, what: str) -> None:
    """Commit; a unique or foreign-key violation becomes 409 Conflict naming ``what``."""
    try:
        session.commit()
    except IntegrityError as exc:
        raise _conflict_or_raise(session, exc, what) from None


def _get_or_404(session: Session, model: type[RowT], row_id: int, what: str) -> RowT:
    row = session.get(model, row_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{what} {row_id} not found")
    return row


@app.post("/suppliers", status_code=status.HTTP_201_CREATED, response_model=SupplierOut)
def create_supplier(body: SupplierIn, session: SessionDep) -> Supplier:
    code = body.code or slugify(body.name)
    if not code:
        raise HTTPException(422, "code cannot be derived from the name; provide one")
    supplier = Supplier(code=code, name=body.name)
    session.add(supplier)
    _commit(session, f"supplier {code!r}")
    return supplier


@app.get("/suppliers", response_model=SupplierPage)
def list_suppliers(session: SessionDep, after: After = None, limit: Limit = 20) -> SupplierPage:
    page, next_after = _keyset_page(session, select(Supplier), Supplier.id, after, limit)
    return SupplierPage(items=[SupplierOut.model_validate(s) for s in page], next_after=next_after)


@app.get("/suppliers/{supplier_id}", response_model=SupplierOut)
def get_supplier(supplier_id: int, session: SessionDep) -> Supplier:
    return _get_or_404(session, Supplier, supplier_id, "supplier")


@app.delete("/suppliers/{supplier_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_supplier(supplier_id: int, session: SessionDep) -> Response:
    supplier = get_supplier(supplier_id, session)
    session.delete(supplier)
    _commit(session, f"supplier {supplier_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@app.post("/products", status_code=status.HTTP_201_CREATED, response_model=ProductOut)
def create_product(body: ProductIn, session: SessionDep) -> Product:
    get_supplier(body.supplier_id, session)
    product = Product(**body.model_dump())
    session.add(product)
    _commit(session, f"product {body.sku!r}")
    return product


@app.get("/products", response_model=ProductPage)
def list_products(
    session: SessionDep,
    supplier_id: int | None = None,
    after: After = None,
    limit: Limit = 20,
) -> ProductPage:
    query = select(Product)
    if supplier_id is not None:
        query = query.where(Product.supplier_id == supplier_id)
    page, next_after = _keyset_page(session, query, Product.id, after, limit)
    return ProductPage(items=[ProductOut.model_validate(p) for p in page], next_after=next_after)


@app.get("/products/{product_id}", response_model=ProductOut)
def get_product(product_id: int, session: SessionDep) -> Product:
    return _get_or_404(session, Product, product_id, "product")
