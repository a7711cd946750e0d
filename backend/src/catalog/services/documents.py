"""Document use cases."""

from __future__ import annotations

from collections.abc import Sequence

from catalog.domain.errors import ValidationFailed
from catalog.domain.inputs import DocumentCreate, DocumentUpdate
from catalog.domain.models import Document
from catalog.ports import SearchIndex, UnitOfWork
from catalog.services.collections import COLLECTIONS
from catalog.services.common import (
    deleted,
    found,
    index_after_commit,
    unindex_after_commit,
)
from catalog.services.resources import ChildResource

DOCUMENTS: ChildResource[Document] = ChildResource(
    "document", lambda uow: uow.documents, plural="documents", parent=COLLECTIONS
)


def resolve_tag_ids(uow: UnitOfWork, workspace_id: int, slugs: Sequence[str]) -> list[int]:
    """Tag ids for slugs of the workspace; unknown slugs are a validation error on ``tags``."""
    wanted = set(slugs)
    if not wanted:
        return []
    tags = uow.tags.get_by_slugs(workspace_id, wanted)
    missing = sorted(wanted - {tag.slug for tag in tags})
    if missing:
        raise unknown_tags(missing)
    return sorted(tag.id for tag in tags)


def unknown_tags(missing: Sequence[str]) -> ValidationFailed:
    return ValidationFailed("tags", f"unknown tag(s) in this workspace: {', '.join(missing)}")


def add_document(uow: UnitOfWork, collection_id: int, data: DocumentCreate) -> Document:
    """Add a document inside an open unit of work (no commit, no indexing)."""
    collection = COLLECTIONS.require(uow, collection_id)
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


def update_document(
    uow: UnitOfWork, index: SearchIndex, document_id: int, data: DocumentUpdate
) -> Document:
    changes = {
        key: value
        for key, value in (("title", data.title), ("body", data.body))
        if value is not None
    }
    with uow:
        current = DOCUMENTS.require(uow, document_id)
        tag_ids = None
        if data.tags is not None:
            tag_ids = resolve_tag_ids(uow, current.workspace_id, data.tags)
        document = found(
            uow.documents.update(document_id, changes, tag_ids), "document", document_id
        )
        uow.commit()
    index_after_commit(index, [document])
    return document


def delete_document(uow: UnitOfWork, index: SearchIndex, document_id: int) -> None:
    with uow:
        deleted(uow.documents.delete(document_id), "document", document_id)
        uow.commit()
    unindex_after_commit(index, [document_id])


get_document = DOCUMENTS.get
list_documents = DOCUMENTS.list
