"""Workspace use cases."""

from __future__ import annotations

from catalog.domain.cursors import CursorCodec
from catalog.domain.errors import NotFound
from catalog.domain.inputs import WorkspaceCreate, WorkspaceUpdate, changes_of
from catalog.domain.models import Workspace
from catalog.domain.slugs import resolve_slug
from catalog.ports import SearchIndex, UnitOfWork
from catalog.services.common import Page, list_request, page_of, unindex_after_commit


def create_workspace(uow: UnitOfWork, data: WorkspaceCreate) -> Workspace:
    slug = resolve_slug(data.slug, data.name)
    with uow:
        workspace = uow.workspaces.add(slug=slug, name=data.name, description=data.description)
        uow.commit()
    return workspace


def get_workspace(uow: UnitOfWork, workspace_id: int) -> Workspace:
    with uow:
        workspace = uow.workspaces.get(workspace_id)
    if workspace is None:
        raise NotFound("workspace", workspace_id)
    return workspace


def list_workspaces(
    uow: UnitOfWork, cursors: CursorCodec, *, cursor: str | None, limit: int
) -> Page[Workspace]:
    request = list_request(cursors, "workspaces", None, cursor, limit)
    with uow:
        items = uow.workspaces.list_after(after_id=request.after_id, limit=request.limit + 1)
    return page_of(items, request, cursors)


def update_workspace(uow: UnitOfWork, workspace_id: int, data: WorkspaceUpdate) -> Workspace:
    with uow:
        workspace = uow.workspaces.update(workspace_id, changes_of(data))
        if workspace is None:
            raise NotFound("workspace", workspace_id)
        uow.commit()
    return workspace


def delete_workspace(uow: UnitOfWork, index: SearchIndex, workspace_id: int) -> None:
    """Delete a workspace with everything it owns (collections, documents, tags)."""
    with uow:
        document_ids = uow.documents.ids_in_scope(workspace_id=workspace_id)
        if not uow.workspaces.delete(workspace_id):
            raise NotFound("workspace", workspace_id)
        uow.commit()
    unindex_after_commit(index, document_ids)
