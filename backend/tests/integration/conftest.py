"""Shared fixtures for tests of the catalog's service code against PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.orm import sessionmaker

from catalog.adapters.db.uow import SqlAlchemyUnitOfWork, sqlalchemy_uow_factory
from catalog.domain.models import Collection as CollectionEntity
from catalog.domain.models import Workspace


@pytest.fixture()
def uow_factory(db_connection: Connection) -> Callable[[], SqlAlchemyUnitOfWork]:
    """Units of work inside the test's rolled-back transaction (their commits are savepoints)."""
    factory = sessionmaker(
        bind=db_connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )
    return lambda: SqlAlchemyUnitOfWork(factory)


@pytest.fixture()
def committed_uow_factory(committing_engine: Engine) -> Callable[[], SqlAlchemyUnitOfWork]:
    """Units of work that really commit; committing_engine empties the tables afterwards."""
    return sqlalchemy_uow_factory(committing_engine)


@pytest.fixture()
def workspace(uow_factory: Callable[[], SqlAlchemyUnitOfWork]) -> Workspace:
    with uow_factory() as uow:
        created = uow.workspaces.add(slug="acme", name="Acme", description="")
        uow.commit()
    return created


@pytest.fixture()
def collection(
    uow_factory: Callable[[], SqlAlchemyUnitOfWork], workspace: Workspace
) -> CollectionEntity:
    with uow_factory() as uow:
        created = uow.collections.add(
            workspace_id=workspace.id, slug="handbook", name="Handbook", description=""
        )
        uow.commit()
    return created
