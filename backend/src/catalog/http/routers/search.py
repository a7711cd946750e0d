"""/search"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from catalog.domain.inputs import NO_NUL_PATTERN, Slug, Timestamp
from catalog.domain.search import (
    SEARCH_TAGS_MAX,
    SEARCH_TEXT_MAX_LENGTH,
    SearchQuery,
    SortField,
    SortOrder,
)
from catalog.http.dependencies import ContainerDep
from catalog.http.problems import problem_responses
from catalog.http.routers.params import DEFAULT_LIMIT, MAX_ID, Cursor, Limit
from catalog.http.schemas import SearchResponse
from catalog.services.search import search_documents

router = APIRouter(tags=["search"])


@router.get(
    "/search",
    responses=problem_responses(400, 422, 503),
    description=(
        "Full-text search with filters. Without `q`, results are sorted by `created_at` "
        "(newest first); with `q`, by relevance unless `sort` says otherwise."
    ),
)
def search(
    c: ContainerDep,
    q: Annotated[
        str | None,
        Query(
            max_length=SEARCH_TEXT_MAX_LENGTH, pattern=NO_NUL_PATTERN, description="Search text."
        ),
    ] = None,
    workspace_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    collection_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    tag: Annotated[
        list[Slug],
        Query(max_length=SEARCH_TAGS_MAX, description="Tag slug; repeat to require several."),
    ] = [],  # noqa: B006 - FastAPI copies defaults per request
    created_from: Annotated[Timestamp | None, Query(description="Inclusive.")] = None,
    created_to: Annotated[Timestamp | None, Query(description="Inclusive.")] = None,
    sort: SortField | None = None,
    order: SortOrder | None = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> SearchResponse:
    query = SearchQuery(
        text=q,
        workspace_id=workspace_id,
        collection_id=collection_id,
        tags=tuple(tag),
        created_from=created_from,
        created_to=created_to,
        sort=sort,
        order=order,
        limit=limit,
    )
    result = search_documents(c.uow(), c.search_index, c.cursors, query, cursor)
    return SearchResponse.of(result)
