"""Rebuild a search index from PostgreSQL, the system of record."""

from __future__ import annotations

import logging

from catalog.ports import SearchIndex, UnitOfWorkFactory

logger = logging.getLogger("catalog.reindex")

REINDEX_BATCH_SIZE = 500


def reindex(
    uow_factory: UnitOfWorkFactory, index: SearchIndex, batch_size: int = REINDEX_BATCH_SIZE
) -> int:
    """Recreate the index empty and stream every document into it; returns the count."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    index.recreate()
    total = 0
    after_id: int | None = None
    while True:
        # A short transaction per batch keeps the database free of long-running snapshots.
        with uow_factory() as uow:
            batch = uow.documents.list_all_after(after_id=after_id, limit=batch_size)
        if not batch:
            break
        index.index_documents(batch)
        total += len(batch)
        after_id = batch[-1].id
        logger.info("reindexed %d documents", total)
    return total
