"""Bulk JSON Lines import into PostgreSQL: good lines kept, bad lines reported, no half batch."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text

from catalog.adapters.db.uow import SqlAlchemyUnitOfWork
from catalog.adapters.search.postgres_fts import PostgresSearchIndex
from catalog.domain.errors import NotFound
from catalog.domain.inputs import CollectionCreate, TagCreate, WorkspaceCreate
from catalog.domain.jsonl import RawLine
from catalog.services.bulk_import import (
    ImportInterrupted,
    LineStatus,
    import_lines,
)
from catalog.services.collections import create_collection
from catalog.services.tags import create_tag
from catalog.services.workspaces import create_workspace

pytestmark = pytest.mark.services("postgres")

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def _lines(*objects: object) -> list[RawLine]:
    return [
        RawLine(n, o if isinstance(o, bytes) else json.dumps(o).encode())
        for n, o in enumerate(objects, start=1)
    ]


@pytest.fixture()
def target(committed_uow_factory: UowFactory) -> int:
    ws = create_workspace(committed_uow_factory(), WorkspaceCreate(name="Import"))
    create_tag(committed_uow_factory(), ws.id, TagCreate(name="Known"))
    return create_collection(committed_uow_factory(), ws.id, CollectionCreate(name="Inbox")).id


def _titles(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT title FROM documents ORDER BY id")).scalars())


def test_good_lines_are_stored_and_bad_lines_reported_with_their_numbers(
    committed_uow_factory: UowFactory, committing_engine: Engine, target: int
) -> None:
    lines = _lines(
        {"title": "First"},
        b"{not json",
        {"title": "   "},
        {"title": "Tagged", "tags": ["known"]},
        {"title": "Unknown tag", "tags": ["nope"]},
    )

    report = import_lines(
        committed_uow_factory, PostgresSearchIndex(committing_engine), target, lines
    )

    assert [(r.line, r.status) for r in report.lines] == [
        (1, LineStatus.CREATED),
        (2, LineStatus.ERROR),
        (3, LineStatus.ERROR),
        (4, LineStatus.CREATED),
        (5, LineStatus.ERROR),
    ]
    assert (report.created, report.failed) == (2, 3)
    assert report.lines[4].field == "tags"
    assert _titles(committing_engine) == ["First", "Tagged"]


def test_lines_span_several_batches_in_order(
    committed_uow_factory: UowFactory, committing_engine: Engine, target: int
) -> None:
    lines = _lines(*({"title": f"Doc {i:02d}"} for i in range(25)))

    report = import_lines(
        committed_uow_factory, PostgresSearchIndex(committing_engine), target, lines, batch_size=4
    )

    assert report.created == 25
    assert _titles(committing_engine) == [f"Doc {i:02d}" for i in range(25)]


def test_importing_into_a_missing_collection_fails_before_reading_lines(
    committed_uow_factory: UowFactory, committing_engine: Engine
) -> None:
    with pytest.raises(NotFound):
        import_lines(
            committed_uow_factory,
            PostgresSearchIndex(committing_engine),
            999_999,
            _lines({"title": "x"}),
        )


def test_a_batch_whose_connection_dies_before_commit_is_not_applied_at_all(
    committed_uow_factory: UowFactory, committing_engine: Engine, target: int
) -> None:
    def dying_on_second_commit() -> SqlAlchemyUnitOfWork:
        uow = committed_uow_factory()
        commit = uow.commit
        calls.append(1)

        def commit_after_backend_is_killed() -> None:
            if len(calls) == 3:  # check_collection, batch 1, then this: batch 2
                pid = uow.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
                with committing_engine.connect() as killer:
                    killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            commit()

        uow.commit = commit_after_backend_is_killed  # type: ignore[method-assign]
        return uow

    calls: list[int] = []
    lines = _lines(*({"title": f"Doc {i}"} for i in range(5)))

    with pytest.raises(ImportInterrupted) as excinfo:
        import_lines(
            dying_on_second_commit,
            PostgresSearchIndex(committing_engine),
            target,
            lines,
            batch_size=3,
        )

    assert excinfo.value.report.last_line == 3
    assert _titles(committing_engine) == ["Doc 0", "Doc 1", "Doc 2"]


def test_a_file_shaped_like_a_real_export_gives_exact_counts_and_named_errors(
    committed_uow_factory: UowFactory, committing_engine: Engine, target: int
) -> None:
    """The shape of the 50 MB benchmark file: mostly good lines, several kinds of bad ones,
    and a last line cut off mid-object."""
    lines = _lines(
        *({"title": f"Doc {i}", "body": "text", "tags": ["known"]} for i in range(30)),
        {"body": "no title"},
        {"title": "Bad date", "created_at": "yesterday"},
        {"title": "Unknown tag", "tags": ["known", "nope"]},
        b'{"title": "Cut off", "bo',
    )

    report = import_lines(
        committed_uow_factory, PostgresSearchIndex(committing_engine), target, lines, batch_size=8
    )

    assert (report.created, report.failed) == (30, 4)
    errors = {r.line: r.field for r in report.lines if r.status is LineStatus.ERROR}
    # A line cut off mid-object has no field to name: its error says it is not JSON.
    assert errors == {31: "title", 32: "created_at", 33: "tags", 34: None}
    assert "JSON" in (report.lines[-1].error or "")
    with committing_engine.connect() as conn:
        linked = conn.execute(text("SELECT count(*) FROM document_tags")).scalar_one()
    assert linked == 30
