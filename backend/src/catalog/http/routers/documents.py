"""/collections/{id}/documents, /documents/{id} and the JSON Lines import."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from catalog.domain.inputs import DocumentCreate, DocumentUpdate
from catalog.domain.jsonl import MAX_LINE_BYTES, LineSplitter
from catalog.http.dependencies import ContainerDep
from catalog.http.problems import problem_responses
from catalog.http.routers.params import DEFAULT_LIMIT, CollectionId, Cursor, DocumentId, Limit
from catalog.http.routers.responses import created
from catalog.http.schemas import DocumentOut, DocumentPage, ImportReportOut
from catalog.services import documents
from catalog.services.bulk_import import DocumentImporter

router = APIRouter(tags=["documents"])

NDJSON_MEDIA_TYPE = "application/x-ndjson"


@router.post(
    "/collections/{collection_id}/documents",
    status_code=201,
    responses=problem_responses(400, 404, 422, 503),
)
def create_document(
    collection_id: CollectionId, data: DocumentCreate, c: ContainerDep, response: Response
) -> DocumentOut:
    document = documents.create_document(c.uow(), c.search_index, collection_id, data)
    return created(response, "/documents", DocumentOut.of(document))


@router.get(
    "/collections/{collection_id}/documents", responses=problem_responses(400, 404, 422, 503)
)
def list_documents(
    collection_id: CollectionId,
    c: ContainerDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> DocumentPage:
    page = documents.list_documents(c.uow(), c.cursors, collection_id, cursor=cursor, limit=limit)
    return DocumentPage.of(page)


@router.get("/documents/{document_id}", responses=problem_responses(404, 422, 503))
def get_document(document_id: DocumentId, c: ContainerDep) -> DocumentOut:
    return DocumentOut.of(documents.get_document(c.uow(), document_id))


@router.patch("/documents/{document_id}", responses=problem_responses(400, 404, 422, 503))
def update_document(document_id: DocumentId, data: DocumentUpdate, c: ContainerDep) -> DocumentOut:
    return DocumentOut.of(documents.update_document(c.uow(), c.search_index, document_id, data))


@router.delete(
    "/documents/{document_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(404, 422, 503),
)
def delete_document(document_id: DocumentId, c: ContainerDep) -> Response:
    documents.delete_document(c.uow(), c.search_index, document_id)
    return Response(status_code=204)


@router.post(
    "/collections/{collection_id}/documents/import",
    responses=problem_responses(400, 404, 422, 503),
    summary="Import documents from JSON Lines",
    description=(
        "The body is streamed: one JSON object per line, each shaped like the body of "
        "`POST /collections/{collection_id}/documents`. Every non-blank line is validated on its "
        "own; the report counts every line and names each failed line's number, field and error "
        "(`report=lines` lists every line, created ones with their document id). Lines are "
        "committed in "
        "batches, each batch atomically, so a bad line never loses the good ones and a failure "
        f"never leaves a batch half-applied. Lines longer than {MAX_LINE_BYTES} bytes fail."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {NDJSON_MEDIA_TYPE: {"schema": {"type": "string"}}},
        }
    },
)
async def import_documents(
    collection_id: CollectionId,
    request: Request,
    c: ContainerDep,
    report: Annotated[
        Literal["errors", "lines"],
        Query(description="errors: counts and the failed lines (default); lines: every line"),
    ] = "errors",
) -> ImportReportOut:
    importer = DocumentImporter(
        c.uow_factory, c.search_index, collection_id, keep_created=report == "lines"
    )
    await run_in_threadpool(importer.check_collection)
    splitter = LineSplitter()
    async for chunk in request.stream():
        for line in splitter.feed(chunk):
            importer.add(line)
            if importer.batch_ready:
                # Database work blocks, so it runs in a worker thread between chunks.
                await run_in_threadpool(importer.flush)
    for line in splitter.close():
        importer.add(line)
    report = await run_in_threadpool(importer.finish)
    return ImportReportOut.of(report)
