"""Bulk import of documents from JSON Lines.

Lines are validated one by one and applied in batches. Each batch is one transaction and each
line inside it a savepoint: a bad line is reported and skipped without losing its neighbours,
and a failure of the batch itself (e.g. the database going away) rolls the whole batch back, so
no batch is ever half-applied. Lines are reported ``created`` only once their batch committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from catalog.domain.errors import Conflict, NotFound, ValidationFailed
from catalog.domain.inputs import DocumentCreate
from catalog.domain.jsonl import LineError, RawLine, parse_document_line
from catalog.domain.models import Document
from catalog.ports import SearchIndex, UnitOfWorkFactory
from catalog.services.common import index_after_commit
from catalog.services.documents import add_document

IMPORT_BATCH_SIZE = 200


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
    collection_id: int
    lines: list[LineResult] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for result in self.lines if result.status is LineStatus.CREATED)

    @property
    def failed(self) -> int:
        return sum(1 for result in self.lines if result.status is LineStatus.ERROR)

    @property
    def last_line(self) -> int:
        return self.lines[-1].line if self.lines else 0


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
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self._uow_factory = uow_factory
        self._index = index
        self._collection_id = collection_id
        self._batch_size = batch_size
        self._pending: list[tuple[int, DocumentCreate | LineError]] = []
        self.report = ImportReport(collection_id=collection_id)

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
        results: list[LineResult] = []
        created: list[Document] = []
        try:
            with self._uow_factory() as uow:
                for number, parsed in batch:
                    if isinstance(parsed, LineError):
                        results.append(_error_result(number, parsed))
                        continue
                    try:
                        with uow.savepoint():
                            document = add_document(uow, self._collection_id, parsed)
                    except (ValidationFailed, Conflict) as error:
                        results.append(_error_result(number, error))
                    else:
                        created.append(document)
                        results.append(LineResult(number, LineStatus.CREATED, document.id))
                uow.commit()
        except Exception as error:
            # Includes NotFound: the collection vanished mid-import (a concurrent delete), which
            # dooms the whole batch rather than each line.
            raise ImportInterrupted(self.report) from error
        self.report.lines.extend(results)
        index_after_commit(self._index, created)

    def finish(self) -> ImportReport:
        self.flush()
        return self.report


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
