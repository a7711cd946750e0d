"""/workspaces/{id}/collections and /collections/{id}"""

from __future__ import annotations

from fastapi import APIRouter, Response

from catalog.domain.inputs import CollectionCreate, CollectionUpdate
from catalog.http.dependencies import ContainerDep
from catalog.http.problems import problem_responses
from catalog.http.routers.params import DEFAULT_LIMIT, CollectionId, Cursor, Limit, WorkspaceId
from catalog.http.routers.responses import created
from catalog.http.schemas import CollectionOut, CollectionPage
from catalog.services import collections

router = APIRouter(tags=["collections"])


@router.post(
    "/workspaces/{workspace_id}/collections",
    status_code=201,
    responses=problem_responses(400, 404, 409, 422, 503),
)
def create_collection(
    workspace_id: WorkspaceId, data: CollectionCreate, c: ContainerDep, response: Response
) -> CollectionOut:
    collection = collections.create_collection(c.uow(), workspace_id, data)
    return created(response, "/collections", CollectionOut.of(collection))


@router.get(
    "/workspaces/{workspace_id}/collections", responses=problem_responses(400, 404, 422, 503)
)
def list_collections(
    workspace_id: WorkspaceId, c: ContainerDep, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
) -> CollectionPage:
    page = collections.list_collections(
        c.uow(), c.cursors, workspace_id, cursor=cursor, limit=limit
    )
    return CollectionPage.of(page)


@router.get("/collections/{collection_id}", responses=problem_responses(404, 422, 503))
def get_collection(collection_id: CollectionId, c: ContainerDep) -> CollectionOut:
    return CollectionOut.of(collections.get_collection(c.uow(), collection_id))


@router.patch("/collections/{collection_id}", responses=problem_responses(400, 404, 409, 422, 503))
def update_collection(
    collection_id: CollectionId, data: CollectionUpdate, c: ContainerDep
) -> CollectionOut:
    return CollectionOut.of(collections.update_collection(c.uow(), collection_id, data))


@router.delete(
    "/collections/{collection_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(404, 422, 503),
    description="Deletes the collection and all its documents.",
)
def delete_collection(collection_id: CollectionId, c: ContainerDep) -> Response:
    collections.delete_collection(c.uow(), c.search_index, collection_id)
    return Response(status_code=204)
