"""Bulk import semantics: per-line reports, savepoints, and all-or-nothing batches."""

from __future__ import annotations

import psycopg
import pytest

from catalog.adapters.memory import InMemoryStore
from catalog.domain.errors import NotFound
from catalog.domain.jsonl import RawLine
from catalog.services.bulk_import import (
    DocumentImporter,
    ImportInterrupted,
    LineStatus,
    import_lines,
)


def _lines(*contents: bytes) -> list[RawLine]:
    return [RawLine(number, content) for number, content in enumerate(contents, start=1)]


@pytest.fixture()
def collection(seed):
    workspace = seed.workspace()
    seed.tag(workspace, "Urgent")
    return seed.collection(workspace)


def test_good_lines_are_created_and_reported_with_their_ids(
    uow_factory, fake_index, collection
) -> None:
    report = import_lines(
        uow_factory, fake_index, collection.id, _lines(b'{"title": "A"}', b'{"title": "B"}')
    )
    assert [(r.line, r.status) for r in report.lines] == [(1, "created"), (2, "created")]
    with uow_factory() as uow:
        assert uow.documents.get(report.lines[1].document_id).title == "B"


def test_a_bad_line_is_reported_and_its_neighbours_survive(
    uow_factory, fake_index, collection
) -> None:
    report = import_lines(
        uow_factory,
        fake_index,
        collection.id,
        _lines(b'{"title": "A"}', b"{broken", b'{"title": "C"}'),
    )
    assert [r.status for r in report.lines] == [
        LineStatus.CREATED,
        LineStatus.ERROR,
        LineStatus.CREATED,
    ]
    assert (report.created, report.failed) == (2, 1)


def test_schema_errors_name_the_field(uow_factory, fake_index, collection) -> None:
    report = import_lines(uow_factory, fake_index, collection.id, _lines(b'{"title": ""}'))
    assert (report.lines[0].field, report.lines[0].status) == ("title", LineStatus.ERROR)


def test_domain_errors_roll_back_only_their_line(uow_factory, fake_index, collection) -> None:
    report = import_lines(
        uow_factory,
        fake_index,
        collection.id,
        _lines(b'{"title": "ok", "tags": ["urgent"]}', b'{"title": "bad", "tags": ["missing"]}'),
    )
    assert report.lines[1].field == "tags"
    with uow_factory() as uow:
        titles = [d.title for d in uow.documents.list_all_after(after_id=None, limit=10)]
    assert titles == ["ok"]


def test_created_documents_are_indexed(uow_factory, fake_index, collection) -> None:
    report = import_lines(uow_factory, fake_index, collection.id, _lines(b'{"title": "A"}'))
    assert report.lines[0].document_id in fake_index.documents


def test_each_batch_commits_once(uow_factory, fake_index, collection, store: InMemoryStore) -> None:
    before = store.commits
    import_lines(
        uow_factory,
        fake_index,
        collection.id,
        _lines(*[b'{"title": "x"}'] * 5),
        batch_size=2,
    )
    assert store.commits - before == 3


def test_a_failing_batch_is_rolled_back_whole_and_earlier_batches_stay(
    uow_factory, fake_index, collection, store: InMemoryStore
) -> None:
    importer = DocumentImporter(uow_factory, fake_index, collection.id, batch_size=2)
    for line in _lines(b'{"title": "1"}', b'{"title": "2"}'):
        importer.add(line)
    importer.flush()
    store.commit_error = psycopg.OperationalError("connection lost")
    for line in _lines(b'{"title": "3"}', b'{"title": "4"}'):
        importer.add(line)
    with pytest.raises(ImportInterrupted) as raised:
        importer.flush()
    assert raised.value.report.created == 2
    assert isinstance(raised.value.__cause__, psycopg.OperationalError)
    store.commit_error = None
    with uow_factory() as uow:
        assert len(uow.documents.list_all_after(after_id=None, limit=10)) == 2


def test_lines_are_reported_created_only_after_their_batch_commits(
    uow_factory, fake_index, collection, store: InMemoryStore
) -> None:
    importer = DocumentImporter(uow_factory, fake_index, collection.id, batch_size=10)
    importer.add(RawLine(1, b'{"title": "pending"}'))
    store.commit_error = psycopg.OperationalError("down")
    with pytest.raises(ImportInterrupted):
        importer.finish()
    assert importer.report.lines == []


def test_batch_ready_signals_a_full_batch(uow_factory, fake_index, collection) -> None:
    importer = DocumentImporter(uow_factory, fake_index, collection.id, batch_size=2)
    importer.add(RawLine(1, b"{}"))
    assert not importer.batch_ready
    importer.add(RawLine(2, b"{}"))
    assert importer.batch_ready


def test_import_into_missing_collection_fails_before_reading_lines(uow_factory, fake_index) -> None:
    with pytest.raises(NotFound):
        import_lines(uow_factory, fake_index, 404, _lines(b'{"title": "A"}'))


def test_empty_input_gives_an_empty_report(uow_factory, fake_index, collection) -> None:
    report = import_lines(uow_factory, fake_index, collection.id, [])
    assert (report.lines, report.last_line) == ([], 0)


def test_batch_size_must_be_positive(uow_factory, fake_index) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        DocumentImporter(uow_factory, fake_index, 1, batch_size=0)


def test_collection_deleted_mid_import_interrupts_the_batch(
    uow_factory, fake_index, collection
) -> None:
    importer = DocumentImporter(uow_factory, fake_index, collection.id, batch_size=5)
    importer.check_collection()
    importer.add(RawLine(1, b'{"title": "orphan"}'))
    with uow_factory() as uow:
        uow.collections.delete(collection.id)
        uow.commit()
    with pytest.raises(ImportInterrupted) as raised:
        importer.finish()
    assert isinstance(raised.value.__cause__, NotFound)
    assert raised.value.report.lines == []


def test_a_batch_the_database_rejects_in_bulk_is_redone_line_by_line(
    uow_factory, fake_index, collection, store: InMemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from catalog.adapters.memory import InMemoryDocumentRepository
    from catalog.domain.errors import Conflict

    def reject(*args: object, **kwargs: object) -> None:
        raise Conflict("title", "rejected by a constraint")

    monkeypatch.setattr(InMemoryDocumentRepository, "add_many", reject)
    report = import_lines(
        uow_factory, fake_index, collection.id, _lines(b'{"title": "A"}', b'{"title": "B"}')
    )
    assert (report.created, report.failed) == (2, 0)
