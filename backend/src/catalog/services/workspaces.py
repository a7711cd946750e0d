"""Workspace use cases."""

from __future__ import annotations

from catalog.domain.cursors import CursorCodec
from catalog.domain.inputs import WorkspaceCreate, WorkspaceUpdate, changes_of
from catalog.domain.models import Workspace
from catalog.domain.slugs import resolve_slug
from catalog.ports import SearchIndex, UnitOfWork
from catalog.services.common import Page, list_request, page_of
from catalog.services.crud import delete_with_documents, get_entity, update_entity, workspaces_of


def create_workspace(uow: UnitOfWork, data: WorkspaceCreate) -> Workspace:
    slug = resolve_slug(data.slug, data.name)
    with uow:
        workspace = uow.workspaces.add(slug=slug, name=data.name, description=data.description)
        uow.commit()
    return workspace


def get_workspace(uow: UnitOfWork, workspace_id: int) -> Workspace:
    return get_entity(uow, workspaces_of, "workspace", workspace_id)


def list_workspaces(
    uow: UnitOfWork, cursors: CursorCodec, *, cursor: str | None, limit: int
) -> Page[Workspace]:
    request = list_request(cursors, "workspaces", None, cursor, limit)
    with uow:
        items = uow.workspaces.list_after(after_id=request.after_id, limit=request.limit + 1)
    return page_of(items, request, cursors)


def update_workspace(uow: UnitOfWork, workspace_id: int, data: WorkspaceUpdate) -> Workspace:
    return update_entity(uow, workspaces_of, "workspace", workspace_id, changes_of(data))


def delete_workspace(uow: UnitOfWork, index: SearchIndex, workspace_id: int) -> None:
    """Delete a workspace with everything it owns (collections, documents, tags)."""
    delete_with_documents(uow, index, workspaces_of, "workspace", workspace_id)
