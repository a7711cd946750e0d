"""PostgreSQL full-text search adapter: text matching, filters, sorting and keyset pagination.

One corpus is committed per module (the adapter reads through its own connections) and
emptied afterwards; tests only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from catalog.adapters.db.uow import sqlalchemy_uow_factory
from catalog.adapters.search.postgres_fts import PostgresSearchIndex
from catalog.domain.models import NewDocument
from catalog.domain.search import SearchQuery, SortField, SortOrder

pytestmark = pytest.mark.services("postgres")

T0 = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Corpus:
    index: PostgresSearchIndex
    ids: dict[str, int]
    workspace_id: int
    other_workspace_id: int
    collection_id: int


@pytest.fixture(scope="module")
def corpus(module_committing_engine: Engine) -> Corpus:
    factory = sqlalchemy_uow_factory(module_committing_engine)
    ids: dict[str, int] = {}
    with factory() as uow:
        ws = uow.workspaces.add(slug="search", name="Search", description="")
        other = uow.workspaces.add(slug="other", name="Other", description="")
        guides = uow.collections.add(workspace_id=ws.id, slug="guides", name="G", description="")
        notes = uow.collections.add(workspace_id=ws.id, slug="notes", name="N", description="")
        elsewhere = uow.collections.add(workspace_id=other.id, slug="x", name="X", description="")
        howto = uow.tags.add(workspace_id=ws.id, slug="howto", name="How-to")
        ops = uow.tags.add(workspace_id=ws.id, slug="ops", name="Ops")
        docs = [
            ("postgres-title", guides, "Tuning PostgreSQL", "vacuum and indexes", [howto.id]),
            ("postgres-body", guides, "Database notes", "postgresql replication setup", [ops.id]),
            (
                "both-tags",
                notes,
                "Backup strategy",
                "postgresql backups nightly",
                [howto.id, ops.id],
            ),
            ("unrelated", notes, "Coffee machine", "descaling instructions", []),
            ("other-ws", elsewhere, "PostgreSQL elsewhere", "postgresql", []),
        ]
        for n, (key, coll, title, body, tags) in enumerate(docs):
            document = NewDocument(title, body, tuple(tags), T0 + timedelta(days=n))
            ids[key] = uow.documents.add(collection=coll, document=document).id
        uow.commit()
    return Corpus(PostgresSearchIndex(module_committing_engine), ids, ws.id, other.id, guides.id)


def _found(corpus: Corpus, query: SearchQuery) -> list[str]:
    names = {v: k for k, v in corpus.ids.items()}
    return [names[h.document_id] for h in corpus.index.search(query).hits]


def test_text_matches_stemmed_words_in_title_and_body(corpus: Corpus) -> None:
    found = _found(corpus, SearchQuery(text="postgresql", workspace_id=corpus.workspace_id))

    assert set(found) == {"postgres-title", "postgres-body", "both-tags"}


def test_title_matches_rank_above_body_matches(corpus: Corpus) -> None:
    found = _found(corpus, SearchQuery(text="postgresql", workspace_id=corpus.workspace_id))

    assert found[0] == "postgres-title"


def test_relevance_hits_carry_a_score(corpus: Corpus) -> None:
    page = corpus.index.search(SearchQuery(text="postgresql"))

    assert page.hits
    assert all(h.score is not None and h.score > 0 for h in page.hits)


def test_the_workspace_filter_excludes_other_workspaces(corpus: Corpus) -> None:
    found = _found(corpus, SearchQuery(text="postgresql", workspace_id=corpus.other_workspace_id))

    assert found == ["other-ws"]


def test_the_collection_filter_keeps_only_that_collection(corpus: Corpus) -> None:
    found = _found(corpus, SearchQuery(collection_id=corpus.collection_id))

    assert set(found) == {"postgres-title", "postgres-body"}


def test_tag_filters_require_every_listed_tag(corpus: Corpus) -> None:
    assert set(_found(corpus, SearchQuery(tags=("howto",)))) == {"postgres-title", "both-tags"}
    assert _found(corpus, SearchQuery(tags=("howto", "ops"))) == ["both-tags"]


def test_the_creation_date_range_is_inclusive(corpus: Corpus) -> None:
    query = SearchQuery(
        workspace_id=corpus.workspace_id,
        created_from=T0 + timedelta(days=1),
        created_to=T0 + timedelta(days=2),
    )

    assert set(_found(corpus, query)) == {"postgres-body", "both-tags"}


def test_without_text_results_default_to_newest_first(corpus: Corpus) -> None:
    found = _found(corpus, SearchQuery(workspace_id=corpus.workspace_id))

    assert found == ["unrelated", "both-tags", "postgres-body", "postgres-title"]


def test_sorting_by_title_ascending(corpus: Corpus) -> None:
    query = SearchQuery(workspace_id=corpus.workspace_id, sort=SortField.TITLE, order=SortOrder.ASC)

    assert _found(corpus, query) == ["both-tags", "unrelated", "postgres-body", "postgres-title"]


@pytest.mark.parametrize(
    "sort", [SortField.CREATED_AT, SortField.TITLE, SortField.RELEVANCE], ids=str
)
def test_keyset_pages_cover_every_hit_exactly_once(corpus: Corpus, sort: SortField) -> None:
    text = "postgresql" if sort is SortField.RELEVANCE else None
    full = _found(corpus, SearchQuery(text=text, sort=sort, limit=100))
    query = SearchQuery(text=text, sort=sort, limit=2)
    paged: list[str] = []
    while True:
        page = corpus.index.search(query)
        paged += [k for h in page.hits for k, v in corpus.ids.items() if v == h.document_id]
        if page.next_after is None:
            break
        query = replace(query, after=page.next_after)

    assert paged == full


def test_a_query_without_matches_returns_an_empty_last_page(corpus: Corpus) -> None:
    page = corpus.index.search(SearchQuery(text="xylophone"))

    assert (list(page.hits), page.next_after) == ([], None)
