"""/workspaces/{id}/tags and /tags/{id}"""

from __future__ import annotations

from fastapi import APIRouter, Response

from catalog.domain.inputs import TagCreate, TagUpdate
from catalog.http.dependencies import ContainerDep
from catalog.http.problems import problem_responses
from catalog.http.routers.params import DEFAULT_LIMIT, Cursor, Limit, TagId, WorkspaceId
from catalog.http.routers.responses import created
from catalog.http.schemas import TagOut, TagPage
from catalog.services import tags

router = APIRouter(tags=["tags"])


@router.post(
    "/workspaces/{workspace_id}/tags",
    status_code=201,
    responses=problem_responses(400, 404, 409, 422, 503),
)
def create_tag(
    workspace_id: WorkspaceId, data: TagCreate, c: ContainerDep, response: Response
) -> TagOut:
    tag = tags.create_tag(c.uow(), workspace_id, data)
    return created(response, "/tags", TagOut.of(tag))


@router.get("/workspaces/{workspace_id}/tags", responses=problem_responses(400, 404, 422, 503))
def list_tags(
    workspace_id: WorkspaceId, c: ContainerDep, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
) -> TagPage:
    page = tags.list_tags(c.uow(), c.cursors, workspace_id, cursor=cursor, limit=limit)
    return TagPage.of(page)


@router.get("/tags/{tag_id}", responses=problem_responses(404, 422, 503))
def get_tag(tag_id: TagId, c: ContainerDep) -> TagOut:
    return TagOut.of(tags.get_tag(c.uow(), tag_id))


@router.patch("/tags/{tag_id}", responses=problem_responses(400, 404, 409, 422, 503))
def update_tag(tag_id: TagId, data: TagUpdate, c: ContainerDep) -> TagOut:
    return TagOut.of(tags.update_tag(c.uow(), c.search_index, tag_id, data))


@router.delete(
    "/tags/{tag_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(404, 409, 422, 503),
    description="Deletes a tag. Refused with 409 while documents carry the tag.",
)
def delete_tag(tag_id: TagId, c: ContainerDep) -> Response:
    tags.delete_tag(c.uow(), tag_id)
    return Response(status_code=204)
