"""Response models of the HTTP API (request models live in ``catalog.domain.inputs``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from catalog.services.bulk_import import ImportReport, LineStatus
from catalog.services.common import Page
from catalog.services.search import SearchResult


class _Out(BaseModel):
    """A response model read straight off a domain entity's attributes."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, entity: object) -> Self:
        return cls.model_validate(entity)


class WorkspaceOut(_Out):
    id: int
    slug: str
    name: str
    description: str
    created_at: datetime
    updated_at: datetime


class CollectionOut(_Out):
    id: int
    workspace_id: int
    slug: str
    name: str
    description: str
    created_at: datetime
    updated_at: datetime


class TagOut(_Out):
    id: int
    workspace_id: int
    slug: str
    name: str
    created_at: datetime
    updated_at: datetime


class DocumentOut(_Out):
    id: int
    workspace_id: int
    collection_id: int
    title: str
    body: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime


_NEXT_CURSOR = Field(description="Pass as `cursor` to get the next page; null on the last page.")


OutT = TypeVar("OutT", bound=_Out)


class _Page(BaseModel, Generic[OutT]):
    """A page of ``OutT`` values, read straight off a ``Page`` of domain entities."""

    items: list[OutT]
    next_cursor: str | None = _NEXT_CURSOR

    @classmethod
    def of(cls, page: Page[Any]) -> Self:
        return cls.model_validate(page, from_attributes=True)


class WorkspacePage(_Page[WorkspaceOut]):
    pass


class CollectionPage(_Page[CollectionOut]):
    pass


class TagPage(_Page[TagOut]):
    pass


class DocumentPage(_Page[DocumentOut]):
    pass


class SearchHitOut(BaseModel):
    document: DocumentOut
    score: float | None = Field(description="Relevance score; null unless searching by text.")


class SearchResponse(BaseModel):
    items: list[SearchHitOut]
    next_cursor: str | None = _NEXT_CURSOR

    @classmethod
    def of(cls, result: SearchResult) -> SearchResponse:
        return cls(
            items=[
                SearchHitOut(document=DocumentOut.of(item.document), score=item.score)
                for item in result.items
            ],
            next_cursor=result.next_cursor,
        )


class ImportLineOut(BaseModel):
    line: int = Field(description="1-based line number in the request body.")
    status: LineStatus
    document_id: int | None = None
    field: str | None = Field(default=None, description="Offending field, when known.")
    error: str | None = None


class ImportReportOut(BaseModel):
    collection_id: int
    total: int = Field(description="Non-blank lines processed.")
    created: int
    failed: int
    lines: list[ImportLineOut] = Field(
        description="The failed lines, each naming its field; with report=lines, every line."
    )

    @classmethod
    def of(cls, report: ImportReport) -> ImportReportOut:
        return cls(
            collection_id=report.collection_id,
            total=report.total,
            created=report.created,
            failed=report.failed,
            lines=[
                ImportLineOut(
                    line=result.line,
                    status=result.status,
                    document_id=result.document_id,
                    field=result.field,
                    error=result.error,
                )
                for result in report.lines
            ],
        )


class Health(BaseModel):
    status: str
