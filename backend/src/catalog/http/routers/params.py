"""Shared path and query parameter declarations."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from catalog.domain.cursors import CURSOR_MAX_LENGTH
from catalog.domain.search import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX

# Ids are PostgreSQL BIGINTs; larger numbers cannot name anything and must not reach the driver.
MAX_ID = 2**63 - 1
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"


WorkspaceId = Annotated[int, Path(ge=1, le=MAX_ID, description="Workspace id.")]
CollectionId = Annotated[int, Path(ge=1, le=MAX_ID, description="Collection id.")]
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="Document id.")]
TagId = Annotated[int, Path(ge=1, le=MAX_ID, description="Tag id.")]
Limit = Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX, description="Page size.")]
Cursor = Annotated[
    str | None,
    Query(
        max_length=CURSOR_MAX_LENGTH,
        pattern=CURSOR_PATTERN,
        description="Opaque cursor from the previous page's `next_cursor`.",
    ),
]
DEFAULT_LIMIT = PAGE_SIZE_DEFAULT
