"""Bulk import of documents from JSON Lines.

Lines are validated one by one and applied in batches, each batch one transaction. A batch's
valid lines go in with one multi-row INSERT (and one for their tag links), after its tags were
resolved with one query: database speed, not a round trip per line. Should the database still
reject a row (a constraint the validation cannot see), the batch is redone line by line, each
line in a savepoint, so a bad line is reported and skipped without losing its neighbours. A
failure of the batch itself (e.g. the database going away) rolls the whole batch back, so no
batch is ever half-applied. Lines are reported ``created`` only once their batch committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from catalog.domain.errors import Conflict, NotFound, ValidationFailed
from catalog.domain.inputs import DocumentCreate
from catalog.domain.jsonl import LineError, RawLine, parse_document_line
from catalog.domain.models import Collection, Document, NewDocument
from catalog.ports import SearchIndex, UnitOfWork, UnitOfWorkFactory
from catalog.services.common import index_after_commit
from catalog.services.documents import add_document, unknown_tags

IMPORT_BATCH_SIZE = 1000


class LineStatus(StrEnum):
    CREATED = "created"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class LineResult:
    line: int
    status: LineStatus
    document_id: int | None = None
    field: str | None = None
    error: str | None = None


@dataclass(slots=True)
class ImportReport:
    """Counts of every line, and the lines themselves: the failed ones always, the created ones
    only when asked for (``keep_created``), so that memory grows with the bad lines, not the file.
    """

    collection_id: int
    keep_created: bool = True
    lines: list[LineResult] = field(default_factory=list)
    created: int = 0
    failed: int = 0
    last_line: int = 0

    @property
    def total(self) -> int:
        return self.created + self.failed

    def record(self, results: list[LineResult]) -> None:
        for result in results:
            if result.status is LineStatus.CREATED:
                self.created += 1
                if not self.keep_created:
                    continue
            else:
                self.failed += 1
            self.lines.append(result)
        if results:
            self.last_line = results[-1].line


class ImportInterrupted(Exception):
    """A batch could not be applied; everything before it is committed and in ``report``."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"import stopped after line {report.last_line}")
        self.report = report


def _error_result(line: int, error: ValidationFailed | Conflict | LineError) -> LineResult:
    return LineResult(line, LineStatus.ERROR, field=error.field, error=error.message)


class DocumentImporter:
    """Feed parsed lines with ``add``; call ``flush`` when ``batch_ready``; end with ``finish``.

    The split lets an async HTTP handler stream the body while running each (blocking) batch
    in a worker thread.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        index: SearchIndex,
        collection_id: int,
        batch_size: int = IMPORT_BATCH_SIZE,
        *,
        keep_created: bool = True,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self._uow_factory = uow_factory
        self._index = index
        self._collection_id = collection_id
        self._batch_size = batch_size
        self._pending: list[tuple[int, DocumentCreate | LineError]] = []
        self.report = ImportReport(collection_id=collection_id, keep_created=keep_created)

    def check_collection(self) -> None:
        """Fail fast (NotFound) before the client streams a body into a missing collection."""
        with self._uow_factory() as uow:
            if uow.collections.get(self._collection_id) is None:
                raise NotFound("collection", self._collection_id)

    def add(self, line: RawLine) -> None:
        try:
            self._pending.append((line.number, parse_document_line(line)))
        except LineError as error:
            self._pending.append((line.number, error))

    @property
    def batch_ready(self) -> bool:
        return len(self._pending) >= self._batch_size

    def flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        try:
            try:
                results, created = self._apply(batch, bulk=True)
            except (ValidationFailed, Conflict):
                results, created = self._apply(batch, bulk=False)
        except Exception as error:
            # Includes NotFound: the collection vanished mid-import (a concurrent delete), which
            # dooms the whole batch rather than each line.
            raise ImportInterrupted(self.report) from error
        self.report.record(results)
        index_after_commit(self._index, created)

    def _apply(self, batch: Batch, *, bulk: bool) -> tuple[list[LineResult], list[Document]]:
        with self._uow_factory() as uow:
            collection = uow.collections.get(self._collection_id)
            if collection is None:
                raise NotFound("collection", self._collection_id)
            apply = _in_bulk if bulk else _line_by_line
            applied = apply(uow, collection, batch)
            uow.commit()
        return applied

    def finish(self) -> ImportReport:
        self.flush()
        return self.report


Batch = list[tuple[int, DocumentCreate | LineError]]


def _in_bulk(
    uow: UnitOfWork, collection: Collection, batch: Batch
) -> tuple[list[LineResult], list[Document]]:
    """The batch's valid lines in one statement; raises if the database rejects any row."""
    slugs = {
        slug for _, parsed in batch if not isinstance(parsed, LineError) for slug in parsed.tags
    }
    tag_ids = {t.slug: t.id for t in uow.tags.get_by_slugs(collection.workspace_id, slugs)}
    results: list[LineResult | None] = []  # None: to be created, filled in below
    accepted: list[NewDocument] = []
    for number, parsed in batch:
        if isinstance(parsed, LineError):
            results.append(_error_result(number, parsed))
            continue
        missing = sorted(set(parsed.tags) - tag_ids.keys())
        if missing:
            results.append(_error_result(number, unknown_tags(missing)))
            continue
        tags = tuple(tag_ids[slug] for slug in parsed.tags)
        accepted.append(NewDocument(parsed.title, parsed.body, tags, parsed.created_at))
        results.append(None)
    documents = iter(uow.documents.add_many(collection=collection, documents=accepted))
    created: list[Document] = []
    for position, ((number, _), result) in enumerate(zip(batch, results, strict=True)):
        if result is None:
            created.append(next(documents))
            results[position] = LineResult(number, LineStatus.CREATED, created[-1].id)
    return [r for r in results if r is not None], created


def _line_by_line(
    uow: UnitOfWork, collection: Collection, batch: Batch
) -> tuple[list[LineResult], list[Document]]:
    """Each line in its own savepoint: a row the database rejects costs only its own line."""
    results: list[LineResult] = []
    created: list[Document] = []
    for number, parsed in batch:
        if isinstance(parsed, LineError):
            results.append(_error_result(number, parsed))
            continue
        try:
            with uow.savepoint():
                document = add_document(uow, collection.id, parsed)
        except (ValidationFailed, Conflict) as error:
            results.append(_error_result(number, error))
        else:
            created.append(document)
            results.append(LineResult(number, LineStatus.CREATED, document.id))
    return results, created


def import_lines(
    uow_factory: UnitOfWorkFactory,
    index: SearchIndex,
    collection_id: int,
    lines: list[RawLine],
    batch_size: int = IMPORT_BATCH_SIZE,
) -> ImportReport:
    """Synchronous convenience wrapper (CLI, tests) over ``DocumentImporter``."""
    importer = DocumentImporter(uow_factory, index, collection_id, batch_size)
    importer.check_collection()
    for line in lines:
        importer.add(line)
        if importer.batch_ready:
            importer.flush()
    return importer.finish()
