"""SQLAlchemy repositories: they speak domain entities and never leak ORM rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, select
from sqlalchemy.orm import Session

from catalog.adapters.db.errors import guarded
from catalog.adapters.db.orm import CollectionRow, DocumentRow, TagRow, WorkspaceRow, document_tags
from catalog.domain.errors import Conflict
from catalog.domain.models import Collection as CollectionEntity
from catalog.domain.models import Document, Tag, Workspace
from catalog.ports import NewDocument

WORKSPACE_FIELDS = frozenset({"slug", "name", "description"})
COLLECTION_FIELDS = frozenset({"slug", "name", "description"})
TAG_FIELDS = frozenset({"slug", "name"})
DOCUMENT_FIELDS = frozenset({"title", "body"})


def _apply(row: Any, changes: Mapping[str, object], allowed: frozenset[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_at = func.now()


def _deleted(result: Any) -> bool:
    return cast(CursorResult[Any], result).rowcount > 0


def _workspace(row: WorkspaceRow) -> Workspace:
    return Workspace(
        id=row.id,
        slug=row.slug,
        name=row.name,
        description=row.description,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _collection(row: CollectionRow) -> CollectionEntity:
    return CollectionEntity(
        id=row.id,
        workspace_id=row.workspace_id,
        slug=row.slug,
        name=row.name,
        description=row.description,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _tag(row: TagRow) -> Tag:
    return Tag(
        id=row.id,
        workspace_id=row.workspace_id,
        slug=row.slug,
        name=row.name,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlAlchemyWorkspaceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, slug: str, name: str, description: str) -> Workspace:
        row = WorkspaceRow(slug=slug, name=name, description=description)
        with guarded(self._session):
            self._session.add(row)
            self._session.flush()
        self._session.refresh(row)
        return _workspace(row)

    def get(self, workspace_id: int) -> Workspace | None:
        row = self._session.get(WorkspaceRow, workspace_id)
        return _workspace(row) if row else None

    def list_after(self, *, after_id: int | None, limit: int) -> list[Workspace]:
        stmt = select(WorkspaceRow).order_by(WorkspaceRow.id).limit(limit)
        if after_id is not None:
            stmt = stmt.where(WorkspaceRow.id > after_id)
        return [_workspace(row) for row in self._session.scalars(stmt)]

    def update(self, workspace_id: int, changes: Mapping[str, object]) -> Workspace | None:
        row = self._session.get(WorkspaceRow, workspace_id)
        if row is None:
            return None
        with guarded(self._session):
            _apply(row, changes, WORKSPACE_FIELDS)
            self._session.flush()
        self._session.refresh(row)
        return _workspace(row)

    def delete(self, workspace_id: int) -> bool:
        # Tag links are RESTRICT even under the cascade; unlinking first makes the whole
        # workspace deletable in one transaction.
        self._session.execute(
            delete(document_tags).where(document_tags.c.workspace_id == workspace_id)
        )
        result = self._session.execute(delete(WorkspaceRow).where(WorkspaceRow.id == workspace_id))
        self._session.expunge_all()
        return _deleted(result)


class SqlAlchemyCollectionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, workspace_id: int, slug: str, name: str, description: str) -> CollectionEntity:
        row = CollectionRow(
            workspace_id=workspace_id, slug=slug, name=name, description=description
        )
        with guarded(self._session):
            self._session.add(row)
            self._session.flush()
        self._session.refresh(row)
        return _collection(row)

    def get(self, collection_id: int) -> CollectionEntity | None:
        row = self._session.get(CollectionRow, collection_id)
        return _collection(row) if row else None

    def list_after(
        self, workspace_id: int, *, after_id: int | None, limit: int
    ) -> list[CollectionEntity]:
        stmt = (
            select(CollectionRow)
            .where(CollectionRow.workspace_id == workspace_id)
            .order_by(CollectionRow.id)
            .limit(limit)
        )
        if after_id is not None:
            stmt = stmt.where(CollectionRow.id > after_id)
        return [_collection(row) for row in self._session.scalars(stmt)]

    def update(self, collection_id: int, changes: Mapping[str, object]) -> CollectionEntity | None:
        row = self._session.get(CollectionRow, collection_id)
        if row is None:
            return None
        with guarded(self._session):
            _apply(row, changes, COLLECTION_FIELDS)
            self._session.flush()
        self._session.refresh(row)
        return _collection(row)

    def delete(self, collection_id: int) -> bool:
        result = self._session.execute(
            delete(CollectionRow).where(CollectionRow.id == collection_id)
        )
        self._session.expunge_all()
        return _deleted(result)


class SqlAlchemyTagRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, workspace_id: int, slug: str, name: str) -> Tag:
        row = TagRow(workspace_id=workspace_id, slug=slug, name=name)
        with guarded(self._session):
            self._session.add(row)
            self._session.flush()
        self._session.refresh(row)
        return _tag(row)

    def get(self, tag_id: int) -> Tag | None:
        row = self._session.get(TagRow, tag_id)
        return _tag(row) if row else None

    def get_by_slugs(self, workspace_id: int, slugs: Collection[str]) -> list[Tag]:
        if not slugs:
            return []
        stmt = (
            select(TagRow)
            .where(TagRow.workspace_id == workspace_id, TagRow.slug.in_(list(slugs)))
            .order_by(TagRow.slug)
        )
        return [_tag(row) for row in self._session.scalars(stmt)]

    def list_after(self, workspace_id: int, *, after_id: int | None, limit: int) -> list[Tag]:
        stmt = (
            select(TagRow)
            .where(TagRow.workspace_id == workspace_id)
            .order_by(TagRow.id)
            .limit(limit)
        )
        if after_id is not None:
            stmt = stmt.where(TagRow.id > after_id)
        return [_tag(row) for row in self._session.scalars(stmt)]

    def update(self, tag_id: int, changes: Mapping[str, object]) -> Tag | None:
        row = self._session.get(TagRow, tag_id)
        if row is None:
            return None
        with guarded(self._session):
            _apply(row, changes, TAG_FIELDS)
            self._session.flush()
        self._session.refresh(row)
        return _tag(row)

    def usage_count(self, tag_id: int) -> int:
        stmt = (
            select(func.count()).select_from(document_tags).where(document_tags.c.tag_id == tag_id)
        )
        return self._session.execute(stmt).scalar_one()

    def delete(self, tag_id: int) -> bool:
        # The RESTRICT key on document_tags refuses the delete while the tag is in use.
        with guarded(self._session):
            result = self._session.execute(delete(TagRow).where(TagRow.id == tag_id))
        self._session.expunge_all()
        return _deleted(result)


class SqlAlchemyDocumentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _tags_by_document(self, document_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        if not document_ids:
            return {}
        stmt = (
            select(document_tags.c.document_id, TagRow.slug)
            .join(TagRow, TagRow.id == document_tags.c.tag_id)
            .where(document_tags.c.document_id.in_(list(document_ids)))
            .order_by(document_tags.c.document_id, TagRow.slug)
        )
        tags: dict[int, list[str]] = defaultdict(list)
        for document_id, slug in self._session.execute(stmt):
            tags[document_id].append(slug)
        return {document_id: tuple(slugs) for document_id, slugs in tags.items()}

    def _to_entities(self, rows: Sequence[DocumentRow]) -> list[Document]:
        tags = self._tags_by_document([row.id for row in rows])
        return [
            Document(
                id=row.id,
                workspace_id=row.workspace_id,
                collection_id=row.collection_id,
                title=row.title,
                body=row.body,
                tags=tags.get(row.id, ()),
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
            for row in rows
        ]

    def _set_tags(self, row: DocumentRow, tag_ids: Sequence[int]) -> None:
        self._session.execute(delete(document_tags).where(document_tags.c.document_id == row.id))
        unique_ids = sorted(set(tag_ids))
        if unique_ids:
            self._session.execute(
                insert(document_tags),
                [
                    {"document_id": row.id, "tag_id": tag_id, "workspace_id": row.workspace_id}
                    for tag_id in unique_ids
                ],
            )

    def add(
        self,
        *,
        collection: CollectionEntity,
        title: str,
        body: str,
        tag_ids: Sequence[int],
        created_at: datetime | None = None,
    ) -> Document:
        row = DocumentRow(
            workspace_id=collection.workspace_id,
            collection_id=collection.id,
            title=title,
            body=body,
        )
        if created_at is not None:
            row.created_at = created_at
            row.updated_at = created_at
        with guarded(self._session):
            self._session.add(row)
            self._session.flush()
            self._set_tags(row, tag_ids)
        self._session.refresh(row)
        return self._to_entities([row])[0]

    def add_many(
        self, *, collection: CollectionEntity, documents: Sequence[NewDocument]
    ) -> list[Document]:
        """One multi-row INSERT for the documents and one for their tag links (the bulk import's
        fast path); a constraint violation rejects the whole set."""
        if not documents:
            return []
        params = [
            {
                "workspace_id": collection.workspace_id,
                "collection_id": collection.id,
                "title": doc.title,
                "body": doc.body,
                **(
                    {"created_at": doc.created_at, "updated_at": doc.created_at}
                    if doc.created_at is not None
                    else {}
                ),
            }
            for doc in documents
        ]
        columns = (
            DocumentRow.id,
            DocumentRow.title,
            DocumentRow.body,
            DocumentRow.created_at,
            DocumentRow.updated_at,
        )
        with guarded(self._session):
            # Rows without created_at take the server default: insert the two shapes apart.
            rows: list[Any] = [None] * len(params)
            for dated in (True, False):
                picked = [i for i, p in enumerate(params) if ("created_at" in p) is dated]
                if not picked:
                    continue
                result = self._session.execute(
                    insert(DocumentRow).returning(*columns, sort_by_parameter_order=True),
                    [params[i] for i in picked],
                )
                for i, row in zip(picked, result.all(), strict=True):
                    rows[i] = row
            links = [
                {"document_id": row.id, "tag_id": tag_id, "workspace_id": collection.workspace_id}
                for row, doc in zip(rows, documents, strict=True)
                for tag_id in sorted(set(doc.tag_ids))
            ]
            if links:
                self._session.execute(insert(document_tags), links)
        slugs = self._tag_slugs({t for doc in documents for t in doc.tag_ids})
        return [
            Document(
                id=row.id,
                workspace_id=collection.workspace_id,
                collection_id=collection.id,
                title=row.title,
                body=row.body,
                tags=tuple(sorted(slugs[t] for t in set(doc.tag_ids))),
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
            for row, doc in zip(rows, documents, strict=True)
        ]

    def _tag_slugs(self, tag_ids: set[int]) -> dict[int, str]:
        if not tag_ids:
            return {}
        stmt = select(TagRow.id, TagRow.slug).where(TagRow.id.in_(sorted(tag_ids)))
        return {tag_id: slug for tag_id, slug in self._session.execute(stmt)}

    def get(self, document_id: int) -> Document | None:
        row = self._session.get(DocumentRow, document_id)
        return self._to_entities([row])[0] if row else None

    def get_many(self, document_ids: Sequence[int]) -> dict[int, Document]:
        if not document_ids:
            return {}
        rows = self._session.scalars(
            select(DocumentRow).where(DocumentRow.id.in_(list(document_ids)))
        ).all()
        return {document.id: document for document in self._to_entities(rows)}

    def list_after(self, collection_id: int, *, after_id: int | None, limit: int) -> list[Document]:
        stmt = (
            select(DocumentRow)
            .where(DocumentRow.collection_id == collection_id)
            .order_by(DocumentRow.id)
            .limit(limit)
        )
        if after_id is not None:
            stmt = stmt.where(DocumentRow.id > after_id)
        return self._to_entities(self._session.scalars(stmt).all())

    def list_all_after(self, *, after_id: int | None, limit: int) -> list[Document]:
        stmt = select(DocumentRow).order_by(DocumentRow.id).limit(limit)
        if after_id is not None:
            stmt = stmt.where(DocumentRow.id > after_id)
        return self._to_entities(self._session.scalars(stmt).all())

    def update(
        self,
        document_id: int,
        changes: Mapping[str, object],
        tag_ids: Sequence[int] | None = None,
    ) -> Document | None:
        row = self._session.get(DocumentRow, document_id)
        if row is None:
            return None
        with guarded(self._session):
            _apply(row, changes, DOCUMENT_FIELDS)
            self._session.flush()
            if tag_ids is not None:
                self._set_tags(row, tag_ids)
        self._session.refresh(row)
        return self._to_entities([row])[0]

    def delete(self, document_id: int) -> bool:
        result = self._session.execute(delete(DocumentRow).where(DocumentRow.id == document_id))
        self._session.expunge_all()
        return _deleted(result)

    def ids_in_scope(
        self,
        *,
        workspace_id: int | None = None,
        collection_id: int | None = None,
        tag_id: int | None = None,
    ) -> list[int]:
        stmt = select(DocumentRow.id).order_by(DocumentRow.id)
        if workspace_id is not None:
            stmt = stmt.where(DocumentRow.workspace_id == workspace_id)
        if collection_id is not None:
            stmt = stmt.where(DocumentRow.collection_id == collection_id)
        if tag_id is not None:
            stmt = stmt.where(
                DocumentRow.id.in_(
                    select(document_tags.c.document_id).where(document_tags.c.tag_id == tag_id)
                )
            )
        return list(self._session.scalars(stmt))


__all__ = [
    "Conflict",
    "SqlAlchemyCollectionRepository",
    "SqlAlchemyDocumentRepository",
    "SqlAlchemyTagRepository",
    "SqlAlchemyWorkspaceRepository",
]
