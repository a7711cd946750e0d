from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from catalog.domain.errors import InvalidCursor
from catalog.domain.search import SearchQuery, SortField
from catalog.services.search import search_documents

T0 = datetime(2023, 5, 1, tzinfo=UTC)


@pytest.fixture()
def corpus(seed):
    workspace = seed.workspace()
    seed.tag(workspace, "Urgent")
    seed.tag(workspace, "Finance")
    handbook = seed.collection(workspace, "Handbook")
    reports = seed.collection(workspace, "Reports")
    return {
        "workspace": workspace,
        "handbook": handbook,
        "reports": reports,
        "guide": seed.document(handbook, "Onboarding guide", "welcome to the team", (), T0),
        "budget": seed.document(
            reports,
            "Budget report",
            "finance numbers",
            ("finance", "urgent"),
            T0 + timedelta(days=1),
        ),
        "memo": seed.document(
            reports, "Urgent memo", "budget freeze", ("urgent",), T0 + timedelta(days=2)
        ),
    }


def _ids(result) -> list[int]:
    return [item.document.id for item in result.items]


def test_text_search_returns_matching_documents_best_first(
    uow_factory, fake_index, cursors, corpus
) -> None:
    result = search_documents(uow_factory(), fake_index, cursors, SearchQuery(text="budget"))
    assert _ids(result) == [corpus["budget"].id, corpus["memo"].id]
    assert result.items[0].score > result.items[1].score


def test_browsing_lists_newest_first(uow_factory, fake_index, cursors, corpus) -> None:
    result = search_documents(uow_factory(), fake_index, cursors, SearchQuery())
    assert _ids(result) == [corpus["memo"].id, corpus["budget"].id, corpus["guide"].id]


def test_filters_combine(uow_factory, fake_index, cursors, corpus) -> None:
    query = SearchQuery(collection_id=corpus["reports"].id, tags=("urgent", "finance"))
    assert _ids(search_documents(uow_factory(), fake_index, cursors, query)) == [
        corpus["budget"].id
    ]


def test_date_range_is_inclusive(uow_factory, fake_index, cursors, corpus) -> None:
    query = SearchQuery(created_from=T0, created_to=T0 + timedelta(days=1), sort=SortField.TITLE)
    assert _ids(search_documents(uow_factory(), fake_index, cursors, query)) == [
        corpus["budget"].id,
        corpus["guide"].id,
    ]


def test_cursor_pagination_visits_every_hit_once(uow_factory, fake_index, cursors, corpus) -> None:
    query = SearchQuery(limit=1)
    first = search_documents(uow_factory(), fake_index, cursors, query)
    second = search_documents(uow_factory(), fake_index, cursors, query, first.next_cursor)
    third = search_documents(uow_factory(), fake_index, cursors, query, second.next_cursor)
    assert _ids(first) + _ids(second) + _ids(third) == [
        corpus["memo"].id,
        corpus["budget"].id,
        corpus["guide"].id,
    ]
    assert third.next_cursor is None


def test_cursor_cannot_be_reused_with_different_filters(
    uow_factory, fake_index, cursors, corpus
) -> None:
    first = search_documents(uow_factory(), fake_index, cursors, SearchQuery(limit=1))
    with pytest.raises(InvalidCursor):
        search_documents(
            uow_factory(),
            fake_index,
            cursors,
            SearchQuery(limit=1, tags=("urgent",)),
            first.next_cursor,
        )


def test_page_size_may_change_between_pages(uow_factory, fake_index, cursors, corpus) -> None:
    first = search_documents(uow_factory(), fake_index, cursors, SearchQuery(limit=1))
    rest = search_documents(
        uow_factory(), fake_index, cursors, SearchQuery(limit=5), first.next_cursor
    )
    assert len(rest.items) == 2


def test_hits_missing_from_the_database_are_dropped(
    uow_factory, fake_index, cursors, corpus
) -> None:
    ghost = replace(corpus["guide"], id=999, title="Onboarding ghost")
    fake_index.index_documents([ghost])
    result = search_documents(uow_factory(), fake_index, cursors, SearchQuery(text="onboarding"))
    assert _ids(result) == [corpus["guide"].id]


def test_results_carry_the_database_version_of_each_document(
    uow_factory, fake_index, cursors, corpus
) -> None:
    stale = replace(corpus["guide"], body="old body welcome")
    fake_index.index_documents([stale])
    result = search_documents(uow_factory(), fake_index, cursors, SearchQuery(text="welcome"))
    assert result.items[0].document.body == "welcome to the team"
