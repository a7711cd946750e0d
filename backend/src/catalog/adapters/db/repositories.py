"""SQLAlchemy repositories: they speak domain entities and never leak ORM rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import fields
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import ColumnElement, CursorResult, delete, func, insert, select
from sqlalchemy.orm import Session

from catalog.adapters.db.errors import guarded
from catalog.adapters.db.orm import CollectionRow, DocumentRow, TagRow, WorkspaceRow, document_tags
from catalog.domain.errors import Conflict
from catalog.domain.models import Collection as CollectionEntity
from catalog.domain.models import Document, DocumentScope, NewDocument, Tag, Workspace

RowT = TypeVar("RowT", WorkspaceRow, CollectionRow, TagRow, DocumentRow)
EntityT = TypeVar("EntityT", Workspace, CollectionEntity, Tag, Document)


def _apply(row: Any, changes: Mapping[str, object], allowed: frozenset[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_at = func.now()


def _deleted(result: Any) -> bool:
    return cast(CursorResult[Any], result).rowcount > 0


def _entity(entity_class: type[EntityT], row: Any, **overrides: object) -> EntityT:
    """Copy an entity's fields by name off an ORM row or a RETURNING row."""
    values = {f.name: getattr(row, f.name) for f in fields(entity_class) if f.name not in overrides}
    return entity_class(**values, **overrides)


class _RowRepository(Generic[RowT, EntityT]):
    """Lookups and writes by primary key, shared by every table's repository."""

    row_class: type[RowT]
    entity_class: type[EntityT]
    # Columns ``update`` may change.
    updatable: frozenset[str]

    def __init__(self, session: Session) -> None:
        self._session = session

    def _to_entities(self, rows: Sequence[RowT]) -> list[EntityT]:
        return [_entity(self.entity_class, row) for row in rows]

    def _insert(self, row: RowT, *, then: Callable[[RowT], None] | None = None) -> EntityT:
        """Insert ``row`` (``then`` writes what hangs off its new id) and read it back."""
        with guarded(self._session):
            self._session.add(row)
            self._session.flush()
            if then is not None:
                then(row)
        self._session.refresh(row)
        return self._to_entities([row])[0]

    def get(self, entity_id: int) -> EntityT | None:
        row = self._session.get(self.row_class, entity_id)
        return self._to_entities([row])[0] if row else None

    def _list_after(
        self, *criteria: ColumnElement[bool], after_id: int | None, limit: int
    ) -> list[EntityT]:
        """Keyset page by id among the rows matching ``criteria``."""
        stmt = select(self.row_class).order_by(self.row_class.id).limit(limit)
        if criteria:
            stmt = stmt.where(*criteria)
        if after_id is not None:
            stmt = stmt.where(self.row_class.id > after_id)
        return self._to_entities(self._session.scalars(stmt).all())

    def _update(
        self,
        entity_id: int,
        changes: Mapping[str, object],
        *,
        then: Callable[[RowT], None] | None = None,
    ) -> EntityT | None:
        row = self._session.get(self.row_class, entity_id)
        if row is None:
            return None
        with guarded(self._session):
            _apply(row, changes, self.updatable)
            self._session.flush()
            if then is not None:
                then(row)
        self._session.refresh(row)
        return self._to_entities([row])[0]

    def _delete(self, entity_id: int) -> bool:
        # Bulk DELETE: the session's identity map may now hold deleted (cascaded) rows.
        result = self._session.execute(delete(self.row_class).where(self.row_class.id == entity_id))
        self._session.expunge_all()
        return _deleted(result)


class SqlAlchemyWorkspaceRepository(_RowRepository[WorkspaceRow, Workspace]):
    row_class = WorkspaceRow
    entity_class = Workspace
    updatable = frozenset({"slug", "name", "description"})

    def add(self, *, slug: str, name: str, description: str) -> Workspace:
        return self._insert(WorkspaceRow(slug=slug, name=name, description=description))

    def list_after(self, *, after_id: int | None, limit: int) -> list[Workspace]:
        return self._list_after(after_id=after_id, limit=limit)

    def update(self, workspace_id: int, changes: Mapping[str, object]) -> Workspace | None:
        return self._update(workspace_id, changes)

    def delete(self, workspace_id: int) -> bool:
        # Tag links are RESTRICT even under the cascade; unlinking first makes the whole
        # workspace deletable in one transaction.
        self._session.execute(
            delete(document_tags).where(document_tags.c.workspace_id == workspace_id)
        )
        return self._delete(workspace_id)


class SqlAlchemyCollectionRepository(_RowRepository[CollectionRow, CollectionEntity]):
    row_class = CollectionRow
    entity_class = CollectionEntity
    updatable = frozenset({"slug", "name", "description"})

    def add(self, *, workspace_id: int, slug: str, name: str, description: str) -> CollectionEntity:
        return self._insert(
            CollectionRow(workspace_id=workspace_id, slug=slug, name=name, description=description)
        )

    def list_after(
        self, workspace_id: int, *, after_id: int | None, limit: int
    ) -> list[CollectionEntity]:
        return self._list_after(
            CollectionRow.workspace_id == workspace_id, after_id=after_id, limit=limit
        )

    def update(self, collection_id: int, changes: Mapping[str, object]) -> CollectionEntity | None:
        return self._update(collection_id, changes)

    def delete(self, collection_id: int) -> bool:
        return self._delete(collection_id)


class SqlAlchemyTagRepository(_RowRepository[TagRow, Tag]):
    row_class = TagRow
    entity_class = Tag
    updatable = frozenset({"slug", "name"})

    def add(self, *, workspace_id: int, slug: str, name: str) -> Tag:
        return self._insert(TagRow(workspace_id=workspace_id, slug=slug, name=name))

    def get_by_slugs(self, workspace_id: int, slugs: Collection[str]) -> list[Tag]:
        if not slugs:
            return []
        stmt = (
            select(TagRow)
            .where(TagRow.workspace_id == workspace_id, TagRow.slug.in_(list(slugs)))
            .order_by(TagRow.slug)
        )
        return self._to_entities(self._session.scalars(stmt).all())

    def list_after(self, workspace_id: int, *, after_id: int | None, limit: int) -> list[Tag]:
        return self._list_after(TagRow.workspace_id == workspace_id, after_id=after_id, limit=limit)

    def update(self, tag_id: int, changes: Mapping[str, object]) -> Tag | None:
        return self._update(tag_id, changes)

    def usage_count(self, tag_id: int) -> int:
        stmt = (
            select(func.count()).select_from(document_tags).where(document_tags.c.tag_id == tag_id)
        )
        return self._session.execute(stmt).scalar_one()

    def delete(self, tag_id: int) -> bool:
        # The RESTRICT key on document_tags refuses the delete while the tag is in use.
        with guarded(self._session):
            return self._delete(tag_id)


class SqlAlchemyDocumentRepository(_RowRepository[DocumentRow, Document]):
    row_class = DocumentRow
    entity_class = Document
    updatable = frozenset({"title", "body"})

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
        # Tag slugs live in document_tags: one query for the whole batch.
        tags = self._tags_by_document([row.id for row in rows])
        return [_entity(Document, row, tags=tags.get(row.id, ())) for row in rows]

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

    def add(self, *, collection: CollectionEntity, document: NewDocument) -> Document:
        row = DocumentRow(
            workspace_id=collection.workspace_id,
            collection_id=collection.id,
            title=document.title,
            body=document.body,
        )
        if document.created_at is not None:
            row.created_at = document.created_at
            row.updated_at = document.created_at
        return self._insert(row, then=lambda inserted: self._set_tags(inserted, document.tag_ids))

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
        # The tags are known without reading document_tags back, unlike in _to_entities.
        return [
            _entity(
                Document,
                row,
                workspace_id=collection.workspace_id,
                collection_id=collection.id,
                tags=tuple(sorted(slugs[t] for t in set(doc.tag_ids))),
            )
            for row, doc in zip(rows, documents, strict=True)
        ]

    def _tag_slugs(self, tag_ids: set[int]) -> dict[int, str]:
        if not tag_ids:
            return {}
        stmt = select(TagRow.id, TagRow.slug).where(TagRow.id.in_(sorted(tag_ids)))
        return {tag_id: slug for tag_id, slug in self._session.execute(stmt)}

    def get_many(self, document_ids: Sequence[int]) -> dict[int, Document]:
        if not document_ids:
            return {}
        rows = self._session.scalars(
            select(DocumentRow).where(DocumentRow.id.in_(list(document_ids)))
        ).all()
        return {document.id: document for document in self._to_entities(rows)}

    def list_after(self, collection_id: int, *, after_id: int | None, limit: int) -> list[Document]:
        return self._list_after(
            DocumentRow.collection_id == collection_id, after_id=after_id, limit=limit
        )

    def list_all_after(self, *, after_id: int | None, limit: int) -> list[Document]:
        return self._list_after(after_id=after_id, limit=limit)

    def update(
        self, document_id: int, changes: Mapping[str, object], tag_ids: Sequence[int] | None = None
    ) -> Document | None:
        if tag_ids is None:
            return self._update(document_id, changes)
        return self._update(document_id, changes, then=lambda row: self._set_tags(row, tag_ids))

    def delete(self, document_id: int) -> bool:
        return self._delete(document_id)

    def ids_in_scope(self, scope: DocumentScope) -> list[int]:
        stmt = select(DocumentRow.id).order_by(DocumentRow.id)
        if scope.workspace_id is not None:
            stmt = stmt.where(DocumentRow.workspace_id == scope.workspace_id)
        if scope.collection_id is not None:
            stmt = stmt.where(DocumentRow.collection_id == scope.collection_id)
        if scope.tag_id is not None:
            stmt = stmt.where(
                DocumentRow.id.in_(
                    select(document_tags.c.document_id).where(
                        document_tags.c.tag_id == scope.tag_id
                    )
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
