"""Search query specification: what to find and in which order, independent of any engine."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from catalog.domain.errors import ValidationFailed

SEARCH_TEXT_MAX_LENGTH = 500
SEARCH_TAGS_MAX = 20
PAGE_SIZE_DEFAULT = 20
PAGE_SIZE_MAX = 100

# A keyset position: the sort values of the last hit on the previous page.
SortValue = str | int | float | None
Position = tuple[SortValue, ...]


class SortField(StrEnum):
    RELEVANCE = "relevance"
    CREATED_AT = "created_at"
    TITLE = "title"


class SortOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str | None = None
    workspace_id: int | None = None
    collection_id: int | None = None
    # A hit must carry every listed tag slug.
    tags: tuple[str, ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    sort: SortField | None = None
    order: SortOrder | None = None
    limit: int = PAGE_SIZE_DEFAULT
    after: Position | None = None

    def __post_init__(self) -> None:
        if self.text is not None and len(self.text) > SEARCH_TEXT_MAX_LENGTH:
            raise ValidationFailed("q", f"must be at most {SEARCH_TEXT_MAX_LENGTH} characters")
        if not 1 <= self.limit <= PAGE_SIZE_MAX:
            raise ValidationFailed("limit", f"must be between 1 and {PAGE_SIZE_MAX}")
        if len(self.tags) > SEARCH_TAGS_MAX:
            raise ValidationFailed("tag", f"at most {SEARCH_TAGS_MAX} tags can be combined")
        if self.created_from and self.created_to and self.created_from > self.created_to:
            raise ValidationFailed("created_to", "must not be earlier than created_from")
        for name in ("created_from", "created_to"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValidationFailed(name, "must include a timezone offset")

    @property
    def has_text(self) -> bool:
        return bool(self.text and self.text.strip())

    @property
    def effective_sort(self) -> SortField:
        # Relevance is meaningless without search text, so fall back to recency.
        if self.sort is None or (self.sort is SortField.RELEVANCE and not self.has_text):
            return SortField.RELEVANCE if self.has_text else SortField.CREATED_AT
        return self.sort

    @property
    def effective_order(self) -> SortOrder:
        if self.order is not None:
            return self.order
        return SortOrder.ASC if self.effective_sort is SortField.TITLE else SortOrder.DESC

    @property
    def normalized_tags(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.tags)))

    def fingerprint(self, backend: str) -> str:
        """Identify the result set, so a cursor cannot be replayed against another query."""
        spec = {
            "backend": backend,
            "text": self.text.strip() if self.has_text and self.text else None,
            "workspace_id": self.workspace_id,
            "collection_id": self.collection_id,
            "tags": list(self.normalized_tags),
            "created_from": self.created_from.isoformat() if self.created_from else None,
            "created_to": self.created_to.isoformat() if self.created_to else None,
            "sort": self.effective_sort.value,
            "order": self.effective_order.value,
        }
        canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class SearchHit:
    document_id: int
    score: float | None = None


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: Sequence[SearchHit] = field(default_factory=tuple)
    # Keyset position to resume after the last hit; None when this is the last page.
    next_after: Position | None = None
