"""Every migration upgrades and downgrades cleanly on a real, initially empty database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, inspect

from catalog import migrations
from catalog.adapters.db.orm import Base
from catalog_support.sql import scalar

pytestmark = pytest.mark.services("postgres")

APP_TABLES = {"workspaces", "collections", "tags", "documents", "document_tags"}


@pytest.fixture()
def empty_engine(empty_database_url: str) -> Iterator[Engine]:
    engine = create_engine(empty_database_url)
    yield engine
    engine.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_an_empty_database_has_no_revision(empty_database_url: str) -> None:
    assert migrations.current_revision(empty_database_url) is None


def test_upgrade_to_head_creates_every_mapped_table(
    empty_database_url: str, empty_engine: Engine
) -> None:
    migrations.upgrade(empty_database_url)

    assert migrations.current_revision(empty_database_url) == migrations.head_revision()
    assert _tables(empty_engine) == set(Base.metadata.tables)


def test_upgrade_is_idempotent(empty_database_url: str) -> None:
    migrations.upgrade(empty_database_url)
    migrations.upgrade(empty_database_url)

    assert migrations.current_revision(empty_database_url) == migrations.head_revision()


@pytest.mark.parametrize("revision", migrations.revisions())
def test_each_revision_upgrades_from_its_predecessor_and_downgrades_back(
    empty_database_url: str, empty_engine: Engine, revision: str
) -> None:
    revisions = migrations.revisions()
    previous = revisions[revisions.index(revision) - 1] if revisions.index(revision) else None
    if previous:
        migrations.upgrade(empty_database_url, previous)
    before = _tables(empty_engine)

    migrations.upgrade(empty_database_url, revision)
    assert migrations.current_revision(empty_database_url) == revision

    migrations.downgrade(empty_database_url, previous or "base")
    assert migrations.current_revision(empty_database_url) == previous
    assert _tables(empty_engine) == before


def test_full_downgrade_removes_every_application_table(
    empty_database_url: str, empty_engine: Engine
) -> None:
    migrations.upgrade(empty_database_url)

    migrations.downgrade(empty_database_url, "base")

    assert _tables(empty_engine) == set()


def test_upgrade_down_up_round_trip_keeps_the_schema_identical(
    empty_database_url: str, empty_engine: Engine
) -> None:
    migrations.upgrade(empty_database_url)
    first = _schema_fingerprint(empty_engine)

    migrations.downgrade(empty_database_url, "base")
    migrations.upgrade(empty_database_url)

    assert _schema_fingerprint(empty_engine) == first


def test_search_migration_adds_generated_vector_and_gin_index(
    empty_database_url: str, empty_engine: Engine
) -> None:
    migrations.upgrade(empty_database_url)

    columns = {c["name"]: c for c in inspect(empty_engine).get_columns("documents")}
    indexes = {i["name"] for i in inspect(empty_engine).get_indexes("documents")}
    assert "search_vector" in columns
    assert "ix_documents_search_vector" in indexes
    method = scalar(
        empty_engine,
        "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
        "WHERE c.relname = 'ix_documents_search_vector'",
    )
    assert method == "gin"


def test_the_process_database_is_already_at_head(database_url: str) -> None:
    assert migrations.current_revision(database_url) == migrations.head_revision()


def _schema_fingerprint(engine: Engine) -> dict[str, object]:
    inspector = inspect(engine)
    fingerprint: dict[str, object] = {}
    for table in sorted(_tables(engine)):
        fingerprint[table] = (
            [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            sorted(i["name"] or "" for i in inspector.get_indexes(table)),
            sorted(fk["name"] or "" for fk in inspector.get_foreign_keys(table)),
            sorted(u["name"] or "" for u in inspector.get_unique_constraints(table)),
        )
    return fingerprint
