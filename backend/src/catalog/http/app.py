"""The application factory."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from sqlalchemy import Engine

from catalog import migrations
from catalog.adapters.db.engine import create_engine_from_url
from catalog.adapters.db.uow import sqlalchemy_uow_factory
from catalog.adapters.search.factory import build_search_index
from catalog.domain.cursors import CursorCodec
from catalog.domain.errors import SchemaNotCurrent, ServiceUnavailable
from catalog.http.dependencies import Container
from catalog.http.problems import FieldError, Problem, install_problem_handlers
from catalog.http.routers import collections, documents, health, search, tags, workspaces
from catalog.ports import SearchIndex, UnitOfWorkFactory
from catalog.settings import SearchBackend, Settings, SettingsError

logger = logging.getLogger("catalog.app")

API_TITLE = "Document Catalog API"
API_VERSION = "1.0.0"


def _engine_ping(engine: Engine) -> Callable[[], None]:
    """Ready means the database answers AND its schema is at the newest migration."""
    head = migrations.head_revision()

    def ping() -> None:
        with engine.connect() as connection:
            found = migrations.revision_of(connection)
        if found != head:
            raise SchemaNotCurrent(found, head)

    return ping


def _no_ping() -> None:
    """Injected stores have no connection to check."""


def _openapi_with_problems(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """OpenAPI document with the Problem schemas that error responses reference."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(problem.pop("$defs", {}))
            components["Problem"] = problem
            components.setdefault(
                "FieldError",
                FieldError.model_json_schema(ref_template="#/components/schemas/{model}"),
            )
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


def create_app(
    settings: Settings | None = None,
    *,
    uow_factory: UnitOfWorkFactory | None = None,
    search_index: SearchIndex | None = None,
    ping: Callable[[], None] | None = None,
) -> FastAPI:
    """Build the API. Anything not injected is built from ``settings`` (and owned by the app:
    closed on shutdown). Building connects to nothing; the first request does."""
    settings = settings or Settings.from_env()
    engine: Engine | None = None
    needs_engine = uow_factory is None or (
        search_index is None and settings.search_backend is SearchBackend.POSTGRES
    )
    if needs_engine:
        if not settings.database_url:
            raise SettingsError("DATABASE_URL is required")
        engine = create_engine_from_url(settings.database_url)
    if uow_factory is None:
        assert engine is not None
        uow_factory = sqlalchemy_uow_factory(engine)
    owns_index = search_index is None
    index = search_index if search_index is not None else build_search_index(settings, engine)
    container = Container(
        uow_factory=uow_factory,
        search_index=index,
        cursors=CursorCodec(settings.cursor_secret),
        ping=ping or (_engine_ping(engine) if engine is not None else _no_ping),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            index.ensure_index()
        except ServiceUnavailable:
            # Serve anyway: CRUD works without search, and search answers 503 until it is back.
            logger.warning("search backend %s is unreachable at startup", index.backend)
        try:
            yield
        finally:
            if owns_index:
                index.close()
            if engine is not None:
                engine.dispose()

    app = FastAPI(
        title=API_TITLE,
        version=API_VERSION,
        description="Workspaces, collections, documents and tags, with full-text search.",
        lifespan=lifespan,
    )
    app.state.container = container
    install_problem_handlers(app)
    for module in (workspaces, collections, documents, tags, search, health):
        app.include_router(module.router)
    app.openapi = _openapi_with_problems(app)  # type: ignore[method-assign]
    return app


def openapi_document() -> str:
    """The OpenAPI schema as the committed snapshot stores it (stable key order).

    Built without any I/O: the schema depends on the routes, not on the database or index.
    """
    from catalog.adapters.memory import (  # - only this export needs the fakes
        InMemorySearchIndex,
        InMemoryStore,
        in_memory_uow_factory,
    )

    app = create_app(
        Settings(cursor_secret=b"openapi-export-0123456789abcdef"),
        uow_factory=in_memory_uow_factory(InMemoryStore()),
        search_index=InMemorySearchIndex(),
    )
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
