"""The PostgreSQL search statement, compiled to SQL text (no database needed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy.dialects import postgresql

from catalog.adapters.search.postgres_fts import build_search_statement, page_from_rows
from catalog.domain.errors import InvalidCursor
from catalog.domain.search import SearchQuery, SortField, SortOrder


def _sql(query: SearchQuery) -> str:
    compiled = build_search_statement(query).compile(
        dialect=postgresql.dialect(), compile_kwargs={"render_postcompile": True}
    )
    return " ".join(str(compiled).split())


def _params(query: SearchQuery) -> dict[str, object]:
    return build_search_statement(query).compile(dialect=postgresql.dialect()).params


def test_text_search_matches_the_tsvector_with_websearch_syntax() -> None:
    sql = _sql(SearchQuery(text="postgres"))
    assert "documents.search_vector @@ websearch_to_tsquery(CAST(" in sql
    assert "AS REGCONFIG)" in sql


def test_text_search_orders_by_rank_then_id_descending() -> None:
    sql = _sql(SearchQuery(text="postgres"))
    assert "ORDER BY ts_rank(documents.search_vector" in sql
    assert "DESC, documents.id DESC LIMIT" in sql


def test_browsing_has_no_text_condition_and_a_null_score() -> None:
    sql = _sql(SearchQuery())
    assert "@@" not in sql
    assert "NULL AS score" in sql


def test_fetches_one_more_row_than_the_page_size() -> None:
    assert 11 in _params(SearchQuery(limit=10)).values()


def test_workspace_and_collection_filters_compare_ids() -> None:
    sql = _sql(SearchQuery(workspace_id=3, collection_id=4))
    assert "documents.workspace_id = %(workspace_id_1)s" in sql
    assert "documents.collection_id = %(collection_id_1)s" in sql


def test_date_range_is_inclusive_on_both_ends() -> None:
    sql = _sql(
        SearchQuery(
            created_from=datetime(2024, 1, 1, tzinfo=UTC),
            created_to=datetime(2024, 2, 1, tzinfo=UTC),
        )
    )
    assert "documents.created_at >= %(created_at_1)s" in sql
    assert "documents.created_at <= %(created_at_2)s" in sql


def test_tag_filter_requires_every_tag_via_a_distinct_count() -> None:
    query = SearchQuery(tags=("b", "a", "b"))
    sql = _sql(query)
    params = (
        build_search_statement(query)
        .compile(dialect=postgresql.dialect(), compile_kwargs={"render_postcompile": True})
        .params
    )
    assert "tags.slug IN (%(slug_1_1)s" in sql
    assert "HAVING count(DISTINCT tags.slug) = %(count_1)s" in sql
    assert (params["slug_1_1"], params["slug_1_2"], params["count_1"]) == ("a", "b", 2)


def test_title_sort_ascending_orders_by_title_then_id() -> None:
    sql = _sql(SearchQuery(sort=SortField.TITLE))
    assert "ORDER BY documents.title ASC, documents.id ASC" in sql


def test_ascending_keyset_continues_after_the_position() -> None:
    sql = _sql(SearchQuery(sort=SortField.TITLE, after=("Guide", 7)))
    assert "(documents.title, documents.id) > (" in sql


def test_descending_keyset_continues_before_the_position() -> None:
    sql = _sql(SearchQuery(order=SortOrder.DESC, after=("2024-01-01T00:00:00+00:00", 7)))
    assert "(documents.created_at, documents.id) < (" in sql


def test_relevance_keyset_compares_as_float4_to_avoid_repeating_the_boundary_row() -> None:
    sql = _sql(SearchQuery(text="x", after=(0.5, 7)))
    assert "AS REAL)" in sql


@pytest.mark.parametrize(
    ("query", "after"),
    [
        (SearchQuery(), (1,)),
        (SearchQuery(), ("2024-01-01", "7")),
        (SearchQuery(), ("not a date", 7)),
        (SearchQuery(sort=SortField.TITLE), (3, 7)),
        (SearchQuery(text="x"), ("high", 7)),
    ],
)
def test_positions_that_do_not_fit_the_sort_are_invalid_cursors(
    query: SearchQuery, after: tuple
) -> None:
    with pytest.raises(InvalidCursor):
        build_search_statement(replace(query, after=after))


def test_page_from_rows_sets_the_next_position_from_the_last_visible_row() -> None:
    created = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [(3, None, created), (2, None, created), (1, None, created)]
    page = page_from_rows(SearchQuery(limit=2), rows)
    assert [hit.document_id for hit in page.hits] == [3, 2]
    assert page.next_after == (created.isoformat(), 2)


def test_page_from_rows_has_no_next_position_on_the_last_page() -> None:
    page = page_from_rows(SearchQuery(text="x", limit=5), [(9, 0.25, 0.25)])
    assert page.next_after is None
    assert page.hits[0].score == 0.25
