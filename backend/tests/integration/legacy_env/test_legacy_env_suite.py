"""A suite written the way many teams' existing tests are: configuration read at import time.

It declares no services marker and builds its connections from DATABASE_URL and POSTGRES_*
itself. It runs unchanged because the integration lane's conftest exports this process's
database into those variables before importing the module (testlanes.adopt_environment).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import create_engine, text

# Read once, at import, exactly like the legacy code does.
DATABASE_URL = os.environ["DATABASE_URL"]
PG_PARAMS = {
    "host": os.environ["POSTGRES_HOST"],
    "port": int(os.environ["POSTGRES_PORT"]),
    "dbname": os.environ["POSTGRES_DB"],
    "user": os.environ["POSTGRES_USER"],
    "password": os.environ.get("POSTGRES_PASSWORD"),
}


@pytest.fixture()
def conn() -> Iterator[psycopg.Connection]:
    with psycopg.connect(**PG_PARAMS, autocommit=True) as connection:
        yield connection


@pytest.fixture()
def legacy_workspace(conn: psycopg.Connection) -> Iterator[int]:
    """Legacy style: commit a row, delete exactly that row afterwards."""
    row = conn.execute(
        "INSERT INTO workspaces (slug, name) VALUES ('legacy-ws', 'Legacy') RETURNING id"
    ).fetchone()
    assert row is not None
    yield row[0]
    conn.execute("DELETE FROM workspaces WHERE id = %s", (row[0],))


def test_database_url_read_at_import_points_at_a_migrated_database() -> None:
    engine = create_engine(DATABASE_URL)
    try:
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
    assert revision


def test_postgres_variables_name_the_same_database_as_database_url(
    conn: psycopg.Connection,
) -> None:
    engine = create_engine(DATABASE_URL)
    try:
        with engine.connect() as connection:
            via_url = connection.execute(
                text("SELECT current_database(), inet_server_port()")
            ).one()
    finally:
        engine.dispose()
    via_vars = conn.execute("SELECT current_database(), inet_server_port()").fetchone()
    assert tuple(via_url) == via_vars


def test_libpq_variables_alone_reach_the_database() -> None:
    # PGHOST/PGPORT/PGDATABASE/PGUSER: what psql and bare psycopg.connect() fall back to.
    with psycopg.connect() as connection:
        name = connection.execute("SELECT current_database()").fetchone()
    assert name == (os.environ["POSTGRES_DB"],)


def test_a_committing_legacy_test_that_cleans_up_after_itself_passes_the_leak_check(
    conn: psycopg.Connection, legacy_workspace: int
) -> None:
    found = conn.execute("SELECT slug FROM workspaces WHERE id = %s", (legacy_workspace,))
    assert found.fetchone() == ("legacy-ws",)


def test_the_module_was_treated_as_needing_postgres(request: pytest.FixtureRequest) -> None:
    marks = [m.args for m in request.node.iter_markers("services")]
    assert ("postgres",) in marks
