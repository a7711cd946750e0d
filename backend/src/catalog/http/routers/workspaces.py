"""/workspaces"""

from __future__ import annotations

from fastapi import APIRouter, Response

from catalog.domain.inputs import WorkspaceCreate, WorkspaceUpdate
from catalog.http.dependencies import ContainerDep
from catalog.http.problems import problem_responses
from catalog.http.routers.params import DEFAULT_LIMIT, Cursor, Limit, WorkspaceId
from catalog.http.routers.responses import created
from catalog.http.schemas import WorkspaceOut, WorkspacePage
from catalog.services import workspaces

router = APIRouter(prefix="/workspaces", tags=["workspaces"])


@router.post("", status_code=201, responses=problem_responses(400, 409, 422, 503))
def create_workspace(data: WorkspaceCreate, c: ContainerDep, response: Response) -> WorkspaceOut:
    workspace = workspaces.create_workspace(c.uow(), data)
    return created(response, "/workspaces", WorkspaceOut.of(workspace))


@router.get("", responses=problem_responses(400, 422, 503))
def list_workspaces(
    c: ContainerDep, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
) -> WorkspacePage:
    page = workspaces.list_workspaces(c.uow(), c.cursors, cursor=cursor, limit=limit)
    return WorkspacePage.of(page)


@router.get("/{workspace_id}", responses=problem_responses(404, 422, 503))
def get_workspace(workspace_id: WorkspaceId, c: ContainerDep) -> WorkspaceOut:
    return WorkspaceOut.of(workspaces.get_workspace(c.uow(), workspace_id))


@router.patch("/{workspace_id}", responses=problem_responses(400, 404, 409, 422, 503))
def update_workspace(
    workspace_id: WorkspaceId, data: WorkspaceUpdate, c: ContainerDep
) -> WorkspaceOut:
    return WorkspaceOut.of(workspaces.update_workspace(c.uow(), workspace_id, data))


@router.delete(
    "/{workspace_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(404, 422, 503),
    description="Deletes the workspace with all its collections, documents and tags.",
)
def delete_workspace(workspace_id: WorkspaceId, c: ContainerDep) -> Response:
    workspaces.delete_workspace(c.uow(), c.search_index, workspace_id)
    return Response(status_code=204)
