"""Document use cases."""

from __future__ import annotations

from collections.abc import Sequence

from catalog.domain.cursors import CursorCodec
from catalog.domain.errors import NotFound, ValidationFailed
from catalog.domain.inputs import DocumentCreate, DocumentUpdate
from catalog.domain.models import Document
from catalog.ports import SearchIndex, UnitOfWork
from catalog.services.common import (
    Page,
    index_after_commit,
    list_request,
    page_of,
    unindex_after_commit,
)


def resolve_tag_ids(uow: UnitOfWork, workspace_id: int, slugs: Sequence[str]) -> list[int]:
    """Tag ids for slugs of the workspace; unknown slugs are a validation error on ``tags``."""
    wanted = set(slugs)
    if not wanted:
        return []
    found = uow.tags.get_by_slugs(workspace_id, wanted)
    missing = sorted(wanted - {tag.slug for tag in found})
    if missing:
        raise unknown_tags(missing)
    return sorted(tag.id for tag in found)


def unknown_tags(missing: Sequence[str]) -> ValidationFailed:
    return ValidationFailed("tags", f"unknown tag(s) in this workspace: {', '.join(missing)}")


def add_document(uow: UnitOfWork, collection_id: int, data: DocumentCreate) -> Document:
    """Add a document inside an open unit of work (no commit, no indexing)."""
    collection = uow.collections.get(collection_id)
    if collection is None:
        raise NotFound("collection", collection_id)
    tag_ids = resolve_tag_ids(uow, collection.workspace_id, data.tags)
    return uow.documents.add(
        collection=collection,
        title=data.title,
        body=data.body,
        tag_ids=tag_ids,
        created_at=data.created_at,
    )


def create_document(
    uow: UnitOfWork, index: SearchIndex, collection_id: int, data: DocumentCreate
) -> Document:
    with uow:
        document = add_document(uow, collection_id, data)
        uow.commit()
    index_after_commit(index, [document])
    return document


def get_document(uow: UnitOfWork, document_id: int) -> Document:
    with uow:
        document = uow.documents.get(document_id)
    if document is None:
        raise NotFound("document", document_id)
    return document


def list_documents(
    uow: UnitOfWork, cursors: CursorCodec, collection_id: int, *, cursor: str | None, limit: int
) -> Page[Document]:
    request = list_request(cursors, "documents", collection_id, cursor, limit)
    with uow:
        if uow.collections.get(collection_id) is None:
            raise NotFound("collection", collection_id)
        items = uow.documents.list_after(
            collection_id, after_id=request.after_id, limit=request.limit + 1
        )
    return page_of(items, request, cursors)


def update_document(
    uow: UnitOfWork, index: SearchIndex, document_id: int, data: DocumentUpdate
) -> Document:
    changes = {
        key: value
        for key, value in (("title", data.title), ("body", data.body))
        if value is not None
    }
    with uow:
        current = uow.documents.get(document_id)
        if current is None:
            raise NotFound("document", document_id)
        tag_ids = None
        if data.tags is not None:
            tag_ids = resolve_tag_ids(uow, current.workspace_id, data.tags)
        document = uow.documents.update(document_id, changes, tag_ids)
        if document is None:  # pragma: no cover - deleted concurrently inside our transaction
            raise NotFound("document", document_id)
        uow.commit()
    index_after_commit(index, [document])
    return document


def delete_document(uow: UnitOfWork, index: SearchIndex, document_id: int) -> None:
    with uow:
        if not uow.documents.delete(document_id):
            raise NotFound("document", document_id)
        uow.commit()
    unindex_after_commit(index, [document_id])
