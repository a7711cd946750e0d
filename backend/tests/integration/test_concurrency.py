"""Concurrent writers, each on its own connection, committing for real."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine

from catalog import migrations
from catalog.adapters.db.uow import SqlAlchemyUnitOfWork
from catalog.domain.errors import Conflict, NotFound
from catalog.domain.inputs import TagCreate, WorkspaceCreate
from catalog.services.tags import create_tag
from catalog.services.workspaces import create_workspace
from catalog_support.sql import scalar
from testlanes_testkit.runner import clean_env

pytestmark = pytest.mark.services("postgres")

UowFactory = Callable[[], SqlAlchemyUnitOfWork]
WRITERS = 8


def _race(n: int, action: Callable[[int], object]) -> list[object]:
    """Run ``action(i)`` in ``n`` threads released together; return results or exceptions."""
    barrier = threading.Barrier(n)

    def run(i: int) -> object:
        barrier.wait(timeout=30)
        try:
            return action(i)
        except Exception as exc:  # the outcome under test
            return exc

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_racing_writers_of_one_slug_yield_exactly_one_winner(
    committed_uow_factory: UowFactory, committing_engine: Engine
) -> None:
    results = _race(
        WRITERS,
        lambda _i: create_workspace(
            committed_uow_factory(), WorkspaceCreate(name="Same", slug="same")
        ),
    )

    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1
    assert all(isinstance(r, Conflict) for r in losers), losers
    assert scalar(committing_engine, "SELECT count(*) FROM workspaces") == 1


def test_racing_writers_of_distinct_slugs_all_succeed(
    committed_uow_factory: UowFactory, committing_engine: Engine
) -> None:
    results = _race(
        WRITERS,
        lambda i: create_workspace(committed_uow_factory(), WorkspaceCreate(name=f"W {i}")),
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert scalar(committing_engine, "SELECT count(*) FROM workspaces") == WRITERS


def test_tags_raced_into_a_workspace_being_deleted_never_outlive_it(
    committed_uow_factory: UowFactory, committing_engine: Engine
) -> None:
    ws = create_workspace(committed_uow_factory(), WorkspaceCreate(name="Doomed"))

    def act(i: int) -> object:
        if i == 0:
            with committed_uow_factory() as uow:
                uow.workspaces.delete(ws.id)
                uow.commit()
            return "deleted"
        return create_tag(committed_uow_factory(), ws.id, TagCreate(name=f"Tag {i}"))

    results = _race(WRITERS, act)

    assert all(not isinstance(r, Exception) or isinstance(r, NotFound) for r in results), results
    orphans = scalar(
        committing_engine,
        "SELECT count(*) FROM tags t LEFT JOIN workspaces w ON w.id = t.workspace_id "
        "WHERE w.id IS NULL",
    )
    assert orphans == 0
    assert scalar(committing_engine, "SELECT count(*) FROM tags") == 0


def test_concurrent_migration_processes_serialise_and_both_reach_head(
    empty_database_url: str,
) -> None:
    # Separate processes, as with two app instances starting: Alembic's context is process-global,
    # so threads would not be a faithful model.
    code = "import sys; from catalog import migrations; migrations.upgrade(sys.argv[1])"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, empty_database_url], env=clean_env())
        for _ in range(3)
    ]

    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    assert migrations.current_revision(empty_database_url) == migrations.head_revision()
