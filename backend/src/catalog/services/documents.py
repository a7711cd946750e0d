"""Document use cases."""

from __future__ import annotations

from collections.abc import Sequence

from catalog.domain.errors import NotFound, ValidationFailed
from catalog.domain.inputs import DocumentCreate, DocumentUpdate
from catalog.domain.models import Document, NewDocument
from catalog.ports import SearchIndex, UnitOfWork
from catalog.services.common import index_after_commit, unindex_after_commit
from catalog.services.crud import Child, collections_of, documents_of, found


def resolve_tag_ids(uow: UnitOfWork, workspace_id: int, slugs: Sequence[str]) -> list[int]:
    """Tag ids for slugs of the workspace; unknown slugs are a validation error on ``tags``."""
    wanted = set(slugs)
    if not wanted:
        return []
    known = uow.tags.get_by_slugs(workspace_id, wanted)
    missing = sorted(wanted - {tag.slug for tag in known})
    if missing:
        raise unknown_tags(missing)
    return sorted(tag.id for tag in known)


def unknown_tags(missing: Sequence[str]) -> ValidationFailed:
    return ValidationFailed("tags", f"unknown tag(s) in this workspace: {', '.join(missing)}")


def add_document(uow: UnitOfWork, collection_id: int, data: DocumentCreate) -> Document:
    """Add a document inside an open unit of work (no commit, no indexing)."""
    collection = found(uow.collections.get(collection_id), "collection", collection_id)
    tag_ids = resolve_tag_ids(uow, collection.workspace_id, data.tags)
    document = NewDocument(data.title, data.body, tuple(tag_ids), data.created_at)
    return uow.documents.add(collection=collection, document=document)


def create_document(
    uow: UnitOfWork, index: SearchIndex, collection_id: int, data: DocumentCreate
) -> Document:
    with uow:
        document = add_document(uow, collection_id, data)
        uow.commit()
    index_after_commit(index, [document])
    return document


_DOCUMENTS: Child[Document] = Child(
    documents_of, "document", "documents", parent=(collections_of, "collection")
)
get_document = _DOCUMENTS.get
list_documents = _DOCUMENTS.page


def update_document(
    uow: UnitOfWork, index: SearchIndex, document_id: int, data: DocumentUpdate
) -> Document:
    changes = {
        key: value
        for key, value in (("title", data.title), ("body", data.body))
        if value is not None
    }
    with uow:
        current = found(uow.documents.get(document_id), "document", document_id)
        tag_ids = None
        if data.tags is not None:
            tag_ids = resolve_tag_ids(uow, current.workspace_id, data.tags)
        # Found above, so only a concurrent delete inside our transaction could make this fail.
        document = found(
            uow.documents.update(document_id, changes, tag_ids), "document", document_id
        )
        uow.commit()
    index_after_commit(index, [document])
    return document


def delete_document(uow: UnitOfWork, index: SearchIndex, document_id: int) -> None:
    with uow:
        if not uow.documents.delete(document_id):
            raise NotFound("document", document_id)
        uow.commit()
    unindex_after_commit(index, [document_id])
