"""Unit-lane fixtures: in-memory adapters and an in-process HTTP client (no I/O anywhere)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir

from catalog.adapters.memory import (
    InMemorySearchIndex,
    InMemoryStore,
    InMemoryUnitOfWork,
    in_memory_uow_factory,
)
from catalog.domain.cursors import CursorCodec
from catalog.domain.inputs import CollectionCreate, DocumentCreate, TagCreate, WorkspaceCreate
from catalog.domain.models import Collection, Document, Tag, Workspace
from catalog.http.app import create_app
from catalog.services import collections, documents, tags, workspaces
from catalog.settings import Settings

SECRET = b"unit-test-secret-0123456789abcdef"
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


class TickingClock:
    """Deterministic clock: each reading is one second after the previous one."""

    def __init__(self, start: datetime = EPOCH) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture()
def store() -> InMemoryStore:
    return InMemoryStore(clock=TickingClock())


@pytest.fixture()
def uow_factory(store: InMemoryStore) -> Callable[[], InMemoryUnitOfWork]:
    return in_memory_uow_factory(store)


@pytest.fixture()
def fake_index() -> InMemorySearchIndex:
    return InMemorySearchIndex()


@pytest.fixture()
def cursors() -> CursorCodec:
    return CursorCodec(SECRET)


@dataclass
class Seeder:
    """Builds entities through the real use cases so tests start from valid states."""

    uow_factory: Callable[[], InMemoryUnitOfWork]
    index: InMemorySearchIndex

    def workspace(self, name: str = "Acme", slug: str | None = None) -> Workspace:
        return workspaces.create_workspace(
            self.uow_factory(), WorkspaceCreate(name=name, slug=slug)
        )

    def collection(self, workspace: Workspace, name: str = "Handbook") -> Collection:
        return collections.create_collection(
            self.uow_factory(), workspace.id, CollectionCreate(name=name)
        )

    def tag(self, workspace: Workspace, name: str = "Urgent") -> Tag:
        return tags.create_tag(self.uow_factory(), workspace.id, TagCreate(name=name))

    def document(
        self,
        collection: Collection,
        title: str = "Onboarding guide",
        body: str = "",
        tag_slugs: tuple[str, ...] = (),
        created_at: datetime | None = None,
    ) -> Document:
        data = DocumentCreate(title=title, body=body, tags=list(tag_slugs), created_at=created_at)
        return documents.create_document(self.uow_factory(), self.index, collection.id, data)


@pytest.fixture()
def seed(uow_factory: Callable[[], InMemoryUnitOfWork], fake_index: InMemorySearchIndex) -> Seeder:
    return Seeder(uow_factory, fake_index)


class AsgiClient:
    """Synchronous facade over httpx's ASGI transport (starlette's TestClient needs httpx2)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://catalog") as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)


@pytest.fixture()
def app(uow_factory: Callable[[], InMemoryUnitOfWork], fake_index: InMemorySearchIndex) -> FastAPI:
    return create_app(
        Settings(cursor_secret=SECRET), uow_factory=uow_factory, search_index=fake_index
    )


@pytest.fixture()
def api(app: FastAPI) -> AsgiClient:
    return AsgiClient(app)


@pytest.fixture()
def client_for() -> Callable[[FastAPI], AsgiClient]:
    """For tests that build their own app (e.g. with failing collaborators)."""
    return AsgiClient


# Hypothesis caches data under ./.hypothesis by default; keep the repository clean when the
# lane runs from the repo root (under Pants it runs in a throwaway sandbox anyway).
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "catalog-hypothesis")

# Deterministic examples and no example database: CI reruns are reproducible and no
# .hypothesis directory is written into the repository.
hypothesis_settings.register_profile(
    "catalog-unit", database=None, derandomize=True, deadline=None, max_examples=100
)
hypothesis_settings.load_profile("catalog-unit")
