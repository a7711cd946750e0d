from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from catalog.domain.errors import ValidationFailed
from catalog.domain.search import (
    PAGE_SIZE_MAX,
    SEARCH_TAGS_MAX,
    SEARCH_TEXT_MAX_LENGTH,
    SearchQuery,
    SortField,
    SortOrder,
)

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def test_text_search_defaults_to_relevance_descending() -> None:
    query = SearchQuery(text="postgres")
    assert (query.effective_sort, query.effective_order) == (SortField.RELEVANCE, SortOrder.DESC)


def test_browsing_without_text_defaults_to_newest_first() -> None:
    query = SearchQuery()
    assert (query.effective_sort, query.effective_order) == (SortField.CREATED_AT, SortOrder.DESC)


def test_relevance_sort_without_text_falls_back_to_created_at() -> None:
    assert SearchQuery(sort=SortField.RELEVANCE).effective_sort is SortField.CREATED_AT


def test_whitespace_only_text_counts_as_no_text() -> None:
    assert not SearchQuery(text="   ").has_text


def test_title_sort_defaults_to_ascending() -> None:
    assert SearchQuery(sort=SortField.TITLE).effective_order is SortOrder.ASC


def test_explicit_order_wins_over_the_default() -> None:
    assert SearchQuery(sort=SortField.TITLE, order=SortOrder.DESC).effective_order is SortOrder.DESC


@pytest.mark.parametrize("limit", [0, PAGE_SIZE_MAX + 1])
def test_limit_outside_bounds_is_rejected_naming_limit(limit: int) -> None:
    with pytest.raises(ValidationFailed) as raised:
        SearchQuery(limit=limit)
    assert raised.value.field == "limit"


def test_overlong_text_is_rejected_naming_q() -> None:
    with pytest.raises(ValidationFailed) as raised:
        SearchQuery(text="x" * (SEARCH_TEXT_MAX_LENGTH + 1))
    assert raised.value.field == "q"


def test_too_many_tags_are_rejected() -> None:
    with pytest.raises(ValidationFailed) as raised:
        SearchQuery(tags=tuple(f"t{i}" for i in range(SEARCH_TAGS_MAX + 1)))
    assert raised.value.field == "tag"


def test_inverted_date_range_is_rejected_naming_created_to() -> None:
    with pytest.raises(ValidationFailed) as raised:
        SearchQuery(created_from=T0, created_to=T0 - timedelta(seconds=1))
    assert raised.value.field == "created_to"


def test_naive_dates_are_rejected() -> None:
    with pytest.raises(ValidationFailed) as raised:
        SearchQuery(created_from=datetime(2024, 1, 1))
    assert raised.value.field == "created_from"


def test_normalized_tags_are_sorted_and_unique() -> None:
    assert SearchQuery(tags=("b", "a", "b")).normalized_tags == ("a", "b")


def test_fingerprint_ignores_limit_and_position() -> None:
    first = SearchQuery(text="x", limit=5)
    later = SearchQuery(text="x", limit=50, after=(1.0, 3))
    assert first.fingerprint("postgres") == later.fingerprint("postgres")


def test_fingerprint_changes_with_filters() -> None:
    assert SearchQuery(workspace_id=1).fingerprint("pg") != SearchQuery(workspace_id=2).fingerprint(
        "pg"
    )


def test_fingerprint_changes_with_backend() -> None:
    assert SearchQuery().fingerprint("postgres") != SearchQuery().fingerprint("opensearch")


def test_fingerprint_is_stable_under_tag_order() -> None:
    assert SearchQuery(tags=("a", "b")).fingerprint("pg") == SearchQuery(
        tags=("b", "a")
    ).fingerprint("pg")
