"""Workspace use cases."""

from __future__ import annotations

from catalog.domain.cursors import CursorCodec
from catalog.domain.inputs import WorkspaceCreate
from catalog.domain.models import Workspace
from catalog.domain.slugs import resolve_slug
from catalog.ports import UnitOfWork
from catalog.services.common import Page, list_page
from catalog.services.resources import Resource

WORKSPACES: Resource[Workspace] = Resource("workspace", lambda uow: uow.workspaces)


def create_workspace(uow: UnitOfWork, data: WorkspaceCreate) -> Workspace:
    slug = resolve_slug(data.slug, data.name)
    with uow:
        workspace = uow.workspaces.add(slug=slug, name=data.name, description=data.description)
        uow.commit()
    return workspace


def list_workspaces(
    uow: UnitOfWork, cursors: CursorCodec, *, cursor: str | None, limit: int
) -> Page[Workspace]:
    return list_page(
        uow,
        cursors,
        "workspaces",
        None,
        (cursor, limit),
        lambda after_id, n: uow.workspaces.list_after(after_id=after_id, limit=n),
    )


get_workspace = WORKSPACES.get
update_workspace = WORKSPACES.update
# Deletes the workspace with everything it owns (collections, documents, tags).
delete_workspace = WORKSPACES.delete_with_documents
